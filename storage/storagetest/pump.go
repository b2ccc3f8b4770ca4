package storagetest

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func pumpTests() []test {
	return []test{
		{"PumpRecordsThenClaims", testPumpRecordsThenClaims},
		{"PumpFollowUps", testPumpFollowUps},
		{"PumpValidates", testPumpValidates},
		{"PumpClaimReleased", testPumpClaimReleased},
	}
}

// pumper returns the store as a [storage.DeliveryPumper], or skips: the
// interface is optional.
func pumper(t *testing.T, b *bundle) storage.DeliveryPumper {
	t.Helper()
	p, ok := b.store.(storage.DeliveryPumper)
	if !ok {
		t.Skip("the store does not implement storage.DeliveryPumper (optional)")
	}
	return p
}

// pumpClaim is a capped claim of claimer at baseTime.
func pumpClaim(claimer uuid.UUID, limit, cap int) *storage.DeliveryClaimParams {
	return &storage.DeliveryClaimParams{Now: baseTime, Limit: limit, LeaseFor: lease, ClaimID: storage.NewClaimID(claimer),
		PerWebhookLimit: cap, Claimer: claimer}
}

func testPumpRecordsThenClaims(t *testing.T, b *bundle) {
	pump := pumper(t, b)
	errs, got, err := pump.DeliveryPump(b.ctx, &storage.DeliveryPumpParams{})
	require.NoError(t, err)
	require.Empty(t, errs)
	require.Empty(t, got)

	w := mustCreateWebhook(t, b, b.org)
	rows := inClaimOrder(enqueueN(t, b, b.org, w.ID, 5))
	host := uuid.New()
	first := pumpClaim(host, 10, 2)
	_, got, err = pump.DeliveryPump(b.ctx, &storage.DeliveryPumpParams{Claim: first})
	require.NoError(t, err)
	require.Equal(t, deliveryIDs(rows[:2]), deliveryIDs(got), "the cap, nothing held")

	// rows[0] is recorded; rows[1]'s result comes with a stale claim ID:
	// it is not recorded, and the caller still holds rows[1].
	second := pumpClaim(host, 10, 2)
	errs, got, err = pump.DeliveryPump(b.ctx, &storage.DeliveryPumpParams{
		Finish: []*storage.DeliveryFinishParams{finishParams(rows[0], first.ClaimID, storage.DeliverySuccess),
			finishParams(rows[1], uuid.New(), storage.DeliverySuccess)},
		Claim: second, Held: map[uuid.UUID]int{w.ID: 1}})
	require.NoError(t, err)
	require.Equal(t, []error{nil, storage.ErrConflict}, errs)
	require.Equal(t, deliveryIDs(rows[2:3]), deliveryIDs(got), "one place left under the cap the caller counts")
	require.Equal(t, storage.DeliverySuccess, mustGetDelivery(t, b, b.org, rows[0].ID).Status)
	require.Equal(t, storage.DeliveryPending, mustGetDelivery(t, b, b.org, rows[1].ID).Status)

	_, got, err = pump.DeliveryPump(b.ctx, &storage.DeliveryPumpParams{Claim: pumpClaim(host, 10, 2),
		Held: map[uuid.UUID]int{w.ID: 2}})
	require.NoError(t, err)
	require.Empty(t, got, "at the cap")

	// A pump's leases are not counted in the store: the reaper does not
	// see them, but a claim takes them over once they expire, and the old
	// claim ID is then fenced off.
	n, err := b.store.DeliveryReapExpired(b.ctx, baseTime.Add(2*lease))
	require.NoError(t, err)
	require.Zero(t, n)
	_, got = claimAt(t, b, baseTime.Add(2*lease), 10)
	require.ElementsMatch(t, deliveryIDs(rows[1:]), deliveryIDs(got))
	_, err = b.store.DeliveryFinish(b.ctx, finishParams(rows[2], second.ClaimID, storage.DeliverySuccess))
	require.ErrorIs(t, err, storage.ErrConflict)
}

func testPumpFollowUps(t *testing.T, b *bundle) {
	pump := pumper(t, b)
	w := mustCreateWebhook(t, b, b.org)
	rows := inClaimOrder(enqueueN(t, b, b.org, w.ID, 3))
	host := uuid.New()
	c := pumpClaim(host, 2, 0)
	_, got, err := pump.DeliveryPump(b.ctx, &storage.DeliveryPumpParams{Claim: c})
	require.NoError(t, err)
	require.Len(t, got, 2)

	retry := finishParams(rows[0], c.ClaimID, storage.DeliveryFailed)
	retry.ErrorMessage, retry.Next = "HTTP 500", &storage.DeliveryRetry{NextRetryAt: baseTime.Add(time.Hour)}
	dead := finishParams(rows[1], c.ClaimID, storage.DeliveryDLQ)
	dead.ErrorMessage, dead.DLQReason = "HTTP 500", "HTTP 500 (after 1 attempts)"
	errs, got, err := pump.DeliveryPump(b.ctx, &storage.DeliveryPumpParams{
		Finish: []*storage.DeliveryFinishParams{retry, dead}, Claim: pumpClaim(host, 10, 0)})
	require.NoError(t, err)
	require.Equal(t, []error{nil, nil}, errs)
	require.Equal(t, deliveryIDs(rows[2:]), deliveryIDs(got), "the retry is not due yet")
	require.Equal(t, storage.DeliveryFailed, mustGetDelivery(t, b, b.org, rows[0].ID).Status)
	require.Equal(t, storage.DeliveryDLQ, mustGetDelivery(t, b, b.org, rows[1].ID).Status)
	_, got = claimAt(t, b, baseTime.Add(2*time.Hour), 10, func(p *storage.DeliveryClaimParams) {
		p.LeaseFor = 3 * time.Hour
	})
	require.Len(t, got, 2, "the retry and the expired lease of rows[2]")
}

func testPumpValidates(t *testing.T, b *bundle) {
	pump := pumper(t, b)
	p := pumpClaim(uuid.New(), 10, 2)
	p.Claimer = uuid.Nil
	_, _, err := pump.DeliveryPump(b.ctx, &storage.DeliveryPumpParams{Claim: p})
	require.Error(t, err, "a capped claim needs a Claimer")
	p = pumpClaim(uuid.New(), 10, 2)
	p.ClaimID = uuid.New()
	_, _, err = pump.DeliveryPump(b.ctx, &storage.DeliveryPumpParams{Claim: p})
	require.Error(t, err, "a claim ID of another claimer")
	_, _, err = pump.DeliveryPump(b.ctx, &storage.DeliveryPumpParams{Claim: &storage.DeliveryClaimParams{Limit: 1}})
	require.ErrorIs(t, err, storage.ErrInvalid)
}

// A claim whose answer was lost is released whole: its rows are due again
// at once, a recorded row stays recorded, and other claims keep theirs.
func testPumpClaimReleased(t *testing.T, b *bundle) {
	pump := pumper(t, b)
	rel, ok := b.store.(storage.DeliveryClaimReleaser)
	if !ok {
		t.Skip("the store does not implement storage.DeliveryClaimReleaser (optional)")
	}
	w := mustCreateWebhook(t, b, b.org)
	rows := inClaimOrder(enqueueN(t, b, b.org, w.ID, 5))
	host := uuid.New()
	lost, kept := pumpClaim(host, 3, 0), pumpClaim(host, 2, 0)
	_, got, err := pump.DeliveryPump(b.ctx, &storage.DeliveryPumpParams{Claim: lost})
	require.NoError(t, err)
	require.Len(t, got, 3)
	_, got, err = pump.DeliveryPump(b.ctx, &storage.DeliveryPumpParams{
		Finish: []*storage.DeliveryFinishParams{finishParams(rows[0], lost.ClaimID, storage.DeliverySuccess)}, Claim: kept})
	require.NoError(t, err)
	require.Equal(t, deliveryIDs(rows[3:]), deliveryIDs(got))

	n, err := rel.DeliveryClaimRelease(b.ctx, lost.ClaimID)
	require.NoError(t, err)
	require.Equal(t, 2, n, "the lost claim's pending rows; the recorded one is not pending")
	_, got = claimAt(t, b, baseTime, 10)
	require.Equal(t, deliveryIDs(rows[1:3]), deliveryIDs(got), "due again at once; the other claim keeps its rows")
	require.Equal(t, storage.DeliverySuccess, mustGetDelivery(t, b, b.org, rows[0].ID).Status)
	_, err = rel.DeliveryClaimRelease(b.ctx, uuid.Nil)
	require.ErrorIs(t, err, storage.ErrInvalid)
}
