package storagetest

import (
	"bytes"
	"cmp"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func queueTests() []test {
	return []test{
		{"ClaimOrderAndLimit", testClaimOrder},
		{"ClaimDueFilter", testClaimDue},
		{"ClaimAcrossOrganizations", testClaimAcrossOrgs},
		{"ClaimValidates", testClaimValidates},
		{"LeaseExcludesUntilExpiry", testLeaseExcludes},
		{"ReapFreesExpiredOnly", testReapExpiredOnly},
		{"FinishStaleClaimIsConflict", testFinishFencing},
		{"FinishRecordsResult", testFinishRecords},
		{"FinishNextAttempt", testFinishNext},
		{"FinishDeadLetters", testFinishDLQ},
		{"FinishDisablesWebhook", testFinishDisable},
		{"FinishValidates", testFinishValidates},
		{"FinishOtherOrganizationNotFound", testFinishIsolation},
		{"FinishBatchMixed", testFinishBatchMixed},
		{"FinishBatchPlain", testFinishBatchPlain},
		{"FinishBatchRepeatedRow", testFinishBatchRepeated},
		{"DisabledWebhookNotClaimed", testClaimSkipsDisabled},
		{"PerWebhookLimit", testPerWebhookLimit},
		{"PerWebhookLimitPerClaimer", testPerWebhookLimitPerClaimer},
		{"Release", testRelease},
		{"DeleteBeforeKeepsPendingAndDLQ", testDeleteBefore},
		{"Stats", testStats},
		{"StatsOtherOrganizationZero", testStatsIsolation},
	}
}

// lease is the lease length of the tests' claims.
const lease = time.Minute

// mustEnqueue inserts, in one batch, pending first attempts of a webhook,
// one per due time (nil is "due now").
func mustEnqueue(t *testing.T, b *bundle, org, webhookID uuid.UUID, due ...*time.Time) []*storage.Delivery {
	t.Helper()
	return mustInsertDeliveries(t, b, org, webhookID, len(due), func(i int, p *storage.DeliveryInsertParams) {
		p.AttemptNumber, p.Status, p.IdempotencyKey, p.NextRetryAt = 1, storage.DeliveryPending, "", due[i]
	})
}

// enqueueN inserts n pending rows due now.
func enqueueN(t *testing.T, b *bundle, org, webhookID uuid.UUID, n int) []*storage.Delivery {
	t.Helper()
	return mustEnqueue(t, b, org, webhookID, make([]*time.Time, n)...)
}

// claimAt claims up to limit rows at now with a fresh claim ID, which it
// returns with the rows.
func claimAt(t *testing.T, b *bundle, now time.Time, limit int, edits ...func(*storage.DeliveryClaimParams)) (uuid.UUID, []*storage.Delivery) {
	t.Helper()
	p := &storage.DeliveryClaimParams{Now: now, Limit: limit, LeaseFor: lease, ClaimID: uuid.New()}
	for _, edit := range edits {
		edit(p)
	}
	ds, err := b.store.DeliveryClaim(b.ctx, p)
	require.NoError(t, err)
	return p.ClaimID, ds
}

func deliveryIDs(ds []*storage.Delivery) []uuid.UUID {
	out := make([]uuid.UUID, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

// inClaimOrder returns ds sorted as a claim returns them.
func inClaimOrder(ds []*storage.Delivery) []*storage.Delivery {
	out := slices.Clone(ds)
	slices.SortFunc(out, func(a, b *storage.Delivery) int {
		switch {
		case a.NextRetryAt == nil && b.NextRetryAt != nil:
			return -1
		case a.NextRetryAt != nil && b.NextRetryAt == nil:
			return 1
		case a.NextRetryAt != nil:
			if c := a.NextRetryAt.Compare(*b.NextRetryAt); c != 0 {
				return c
			}
		}
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), bytes.Compare(a.ID[:], b.ID[:]))
	})
	return out
}

func finishParams(d *storage.Delivery, claimID uuid.UUID, status storage.DeliveryStatus) *storage.DeliveryFinishParams {
	return &storage.DeliveryFinishParams{OrganizationID: d.OrganizationID, ID: d.ID, ClaimID: claimID, Status: status,
		DeliveredAt: baseTime}
}

func mustFinish(t *testing.T, b *bundle, p *storage.DeliveryFinishParams) *storage.Delivery {
	t.Helper()
	d, err := b.store.DeliveryFinish(b.ctx, p)
	require.NoError(t, err)
	return d
}

func testClaimOrder(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	ds := mustEnqueue(t, b, b.org, w.ID, ptr(baseTime.Add(-time.Minute)), nil, ptr(baseTime.Add(-2*time.Minute)), nil)
	ds = append(ds, mustEnqueue(t, b, b.org, w.ID, ptr(baseTime.Add(-time.Minute)), nil)...)
	want := inClaimOrder(ds)

	_, first := claimAt(t, b, baseTime, 4)
	require.Equal(t, deliveryIDs(want[:4]), deliveryIDs(first), "due now first, then oldest due, then created_at, then id")
	for i, d := range first {
		requireDelivery(t, want[i], d)
	}
	_, rest := claimAt(t, b, baseTime, 10)
	require.Equal(t, deliveryIDs(want[4:]), deliveryIDs(rest))
	_, none := claimAt(t, b, baseTime, 10)
	require.Empty(t, none)
}

func testClaimDue(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	ds := mustEnqueue(t, b, b.org, w.ID, ptr(baseTime), ptr(baseTime.Add(time.Microsecond)), ptr(baseTime.Add(time.Hour)))

	long := func(p *storage.DeliveryClaimParams) { p.LeaseFor = 24 * time.Hour }
	_, got := claimAt(t, b, baseTime, 10, long)
	require.Equal(t, deliveryIDs(ds[:1]), deliveryIDs(got), "due at Now is due; a microsecond later is not")
	_, got = claimAt(t, b, baseTime.Add(time.Minute), 10, long)
	require.Equal(t, deliveryIDs(ds[1:2]), deliveryIDs(got))
	_, got = claimAt(t, b, baseTime.Add(time.Hour), 10, long)
	require.Equal(t, deliveryIDs(ds[2:]), deliveryIDs(got))
}

func testClaimAcrossOrgs(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	ow := mustCreateWebhook(t, b, b.other)
	ds := mustEnqueue(t, b, b.org, w.ID, ptr(baseTime.Add(-time.Minute)))
	ds = append(ds, mustEnqueue(t, b, b.other, ow.ID, ptr(baseTime.Add(-2*time.Minute)))...)
	_, got := claimAt(t, b, baseTime, 10)
	require.Equal(t, []uuid.UUID{ds[1].ID, ds[0].ID}, deliveryIDs(got))
	require.Equal(t, b.other, got[0].OrganizationID)
}

func testClaimValidates(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	enqueueN(t, b, b.org, w.ID, 1)
	bad := []storage.DeliveryClaimParams{
		{Now: baseTime, Limit: 1, LeaseFor: lease},
		{Now: baseTime, Limit: 1, ClaimID: uuid.New()},
		{Now: baseTime, Limit: 1, LeaseFor: -time.Second, ClaimID: uuid.New()},
		{Now: baseTime, Limit: 1, LeaseFor: lease, ClaimID: uuid.New(), PerWebhookLimit: -1},
	}
	for i := range bad {
		_, err := b.store.DeliveryClaim(b.ctx, &bad[i])
		require.ErrorIs(t, err, storage.ErrInvalid, "params %d", i)
	}
	_, got := claimAt(t, b, baseTime, 0)
	require.Len(t, got, 1, "a zero limit is the default limit, and failed claims leased nothing")
}

func testLeaseExcludes(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	d := enqueueN(t, b, b.org, w.ID, 1)[0]
	_, got := claimAt(t, b, baseTime, 10)
	require.Equal(t, []uuid.UUID{d.ID}, deliveryIDs(got))

	_, got = claimAt(t, b, baseTime, 10)
	require.Empty(t, got, "leased")
	_, got = claimAt(t, b, baseTime.Add(lease-time.Microsecond), 10)
	require.Empty(t, got, "still leased")
	_, got = claimAt(t, b, baseTime.Add(lease), 10)
	require.Equal(t, []uuid.UUID{d.ID}, deliveryIDs(got), "the lease ends at Now+LeaseFor")
}

func testReapExpiredOnly(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	ds := enqueueN(t, b, b.org, w.ID, 2)
	short, got := claimAt(t, b, baseTime, 1)
	require.Len(t, got, 1)
	long, got2 := claimAt(t, b, baseTime, 1, func(p *storage.DeliveryClaimParams) { p.LeaseFor = 10 * lease })
	require.Len(t, got2, 1)
	require.ElementsMatch(t, deliveryIDs(ds), []uuid.UUID{got[0].ID, got2[0].ID})

	n, err := b.store.DeliveryReapExpired(b.ctx, baseTime.Add(lease))
	require.NoError(t, err)
	require.Zero(t, n, "a lease ending exactly now has not expired before now")
	n, err = b.store.DeliveryReapExpired(b.ctx, baseTime.Add(2*lease))
	require.NoError(t, err)
	require.Equal(t, 1, n)

	_, err = b.store.DeliveryFinish(b.ctx, finishParams(got[0], short, storage.DeliverySuccess))
	require.ErrorIs(t, err, storage.ErrConflict, "a reaped lease is gone")
	mustFinish(t, b, finishParams(got2[0], long, storage.DeliverySuccess))

	_, again := claimAt(t, b, baseTime.Add(2*lease), 10)
	require.Equal(t, []uuid.UUID{got[0].ID}, deliveryIDs(again), "the reaped row is claimable")
	n, err = b.store.DeliveryReapExpired(b.ctx, baseTime.Add(100*lease))
	require.NoError(t, err)
	require.Equal(t, 1, n, "finished rows hold no lease")
}

func testFinishFencing(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	ds := enqueueN(t, b, b.org, w.ID, 2)
	stale, stale2 := uuid.New(), uuid.New()
	_, got := claimAt(t, b, baseTime, 1, func(p *storage.DeliveryClaimParams) { p.ClaimID = stale })
	_, got2 := claimAt(t, b, baseTime, 1, func(p *storage.DeliveryClaimParams) { p.ClaimID, p.LeaseFor = stale2, 3*lease })
	require.Equal(t, deliveryIDs(ds), append(deliveryIDs(got), deliveryIDs(got2)...))

	// Row 0 is reaped, then claimed again; row 1 is claimed again after its
	// lease expired, without a reaper.
	n, err := b.store.DeliveryReapExpired(b.ctx, baseTime.Add(2*lease))
	require.NoError(t, err)
	require.Equal(t, 1, n)
	fresh, again := claimAt(t, b, baseTime.Add(3*lease), 10)
	require.Equal(t, deliveryIDs(ds), deliveryIDs(again))

	for i, d := range ds {
		p := finishParams(d, []uuid.UUID{stale, stale2}[i], storage.DeliveryFailed)
		p.ResponseStatus, p.ErrorMessage, p.Next = ptr(500), "late", &storage.DeliveryRetry{NextRetryAt: baseTime}
		p.DLQReason, p.Status, p.DisableWebhook = "late", storage.DeliveryDLQ, "late"
		_, err := b.store.DeliveryFinish(b.ctx, p)
		require.ErrorIs(t, err, storage.ErrConflict)
		requireDelivery(t, d, mustGetDelivery(t, b, b.org, d.ID))
	}
	require.Len(t, listDeliveryIDs(t, b, &storage.DeliveryListParams{OrganizationID: b.org}), 2, "no next attempt")
	require.Empty(t, listDLQIDs(t, b, &storage.DLQListParams{OrganizationID: b.org}), "no dead letter")
	require.Equal(t, storage.WebhookActive, mustGetWebhook(t, b, b.org, w.ID).Status, "webhook untouched")

	for _, d := range ds {
		mustFinish(t, b, finishParams(d, fresh, storage.DeliverySuccess))
		_, err := b.store.DeliveryFinish(b.ctx, finishParams(d, fresh, storage.DeliverySuccess))
		require.ErrorIs(t, err, storage.ErrConflict, "a finished row is no longer leased")
	}
	unclaimed := enqueueN(t, b, b.org, w.ID, 1)[0]
	_, err = b.store.DeliveryFinish(b.ctx, finishParams(unclaimed, uuid.New(), storage.DeliverySuccess))
	require.ErrorIs(t, err, storage.ErrConflict, "never leased")
}

func testFinishRecords(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	enqueueN(t, b, b.org, w.ID, 1)
	claimID, got := claimAt(t, b, baseTime, 1)
	d := got[0]
	p := finishParams(d, claimID, storage.DeliverySuccess)
	p.RequestHeaders, p.ResponseHeaders = requestHeaders, responseHeaders
	p.ResponseStatus, p.ResponseBody, p.ResponseTruncated = ptr(200), "ok ✓", true
	p.DurationMS, p.DeliveredAt, p.ErrorMessage = 42, fixedTime.Add(time.Second), ""
	finished := mustFinish(t, b, p)

	want := *d
	want.Status, want.RequestHeaders, want.ResponseHeaders = storage.DeliverySuccess, requestHeaders, responseHeaders
	want.ResponseStatus, want.ResponseBody, want.ResponseTruncated = ptr(200), "ok ✓", true
	want.DurationMS, want.DeliveredAt = ptr(42), ptr(fixedTime.Add(time.Second))
	requireDelivery(t, &want, finished)
	requireDelivery(t, &want, mustGetDelivery(t, b, b.org, d.ID))

	_, none := claimAt(t, b, baseTime.Add(10*lease), 10)
	require.Empty(t, none, "a finished row is not pending")
}

func testFinishNext(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	d := mustInsertDeliveries(t, b, b.org, w.ID, 1, func(_ int, p *storage.DeliveryInsertParams) {
		p.Status, p.NextRetryAt, p.AttemptNumber = storage.DeliveryPending, nil, 1
	})[0]
	claimID, _ := claimAt(t, b, baseTime, 1)
	next := baseTime.Add(5 * time.Minute)
	p := finishParams(d, claimID, storage.DeliveryFailed)
	p.ResponseStatus, p.ErrorMessage, p.Next = ptr(503), "HTTP 503", &storage.DeliveryRetry{NextRetryAt: next}
	finished := mustFinish(t, b, p)
	require.Equal(t, storage.DeliveryFailed, finished.Status)
	requireTimePtr(t, &next, finished.NextRetryAt, "the finished row says when the retry is due")

	ids := listDeliveryIDs(t, b, &storage.DeliveryListParams{OrganizationID: b.org, EventID: d.EventID})
	require.Len(t, ids, 2)
	var retry *storage.Delivery
	for _, id := range ids {
		if id != d.ID {
			retry = mustGetDelivery(t, b, b.org, id)
		}
	}
	require.NotNil(t, retry)
	require.Equal(t, 2, retry.AttemptNumber)
	require.Equal(t, d.EventID, retry.EventID)
	require.Equal(t, d.EventType, retry.EventType)
	require.Equal(t, w.ID, retry.WebhookID)
	require.Equal(t, b.org, retry.OrganizationID)
	requireJSON(t, d.Payload, retry.Payload)
	require.Equal(t, storage.DeliveryPending, retry.Status)
	require.Empty(t, retry.IdempotencyKey)
	require.Nil(t, retry.DeliveredAt)
	require.Nil(t, retry.ResponseStatus)
	require.Empty(t, retry.ErrorMessage)
	requireTimePtr(t, &next, retry.NextRetryAt)
	requireStamp(t, retry.CreatedAt)

	_, got := claimAt(t, b, next.Add(-time.Microsecond), 10)
	require.Empty(t, got, "the retry waits for its time")
	_, got = claimAt(t, b, next, 10)
	require.Equal(t, []uuid.UUID{retry.ID}, deliveryIDs(got))
}

func testFinishDLQ(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	d := enqueueN(t, b, b.org, w.ID, 1)[0]
	claimID, _ := claimAt(t, b, baseTime, 1)
	p := finishParams(d, claimID, storage.DeliveryDLQ)
	p.DLQReason = "Max retries exceeded (5): HTTP 503"
	finished := mustFinish(t, b, p)
	require.Equal(t, storage.DeliveryDLQ, finished.Status)

	page, err := b.store.DLQList(b.ctx, &storage.DLQListParams{OrganizationID: b.org})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	e := page.Items[0]
	require.Equal(t, d.ID, e.DeliveryID)
	require.Equal(t, w.ID, e.WebhookID)
	require.Equal(t, b.org, e.OrganizationID)
	require.Equal(t, p.DLQReason, e.Reason)
	requireStamp(t, e.AddedAt)
	require.Len(t, listDeliveryIDs(t, b, &storage.DeliveryListParams{OrganizationID: b.org}), 1, "no next attempt")
}

func testFinishDisable(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	w2 := mustCreateWebhook(t, b, b.org)
	enqueueN(t, b, b.org, w.ID, 3)
	claimID, got := claimAt(t, b, baseTime, 1)
	p := finishParams(got[0], claimID, storage.DeliveryFailed)
	p.ResponseStatus, p.DisableWebhook = ptr(http.StatusGone), "HTTP 410 Gone"
	mustFinish(t, b, p)

	disabled := mustGetWebhook(t, b, b.org, w.ID)
	require.Equal(t, storage.WebhookDisabled, disabled.Status)
	require.Equal(t, "HTTP 410 Gone", disabled.DisabledReason)
	require.Equal(t, storage.WebhookActive, mustGetWebhook(t, b, b.org, w2.ID).Status)
	_, none := claimAt(t, b, baseTime, 10)
	require.Empty(t, none, "the disabled webhook's other rows wait")
}

func testFinishValidates(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	d := enqueueN(t, b, b.org, w.ID, 1)[0]
	claimID, _ := claimAt(t, b, baseTime, 1)
	bad := []*storage.DeliveryFinishParams{
		finishParams(d, uuid.Nil, storage.DeliverySuccess),
		finishParams(d, claimID, storage.DeliveryPending),
		finishParams(d, claimID, ""),
		{OrganizationID: b.org, ID: d.ID, ClaimID: claimID, Status: storage.DeliveryFailed, DLQReason: "x"},
	}
	for i, p := range bad {
		_, err := b.store.DeliveryFinish(b.ctx, p)
		require.ErrorIs(t, err, storage.ErrInvalid, "params %d", i)
		require.NotErrorIs(t, err, storage.ErrConflict, "params %d", i)
	}
	requireDelivery(t, d, mustGetDelivery(t, b, b.org, d.ID))
	mustFinish(t, b, finishParams(d, claimID, storage.DeliverySuccess))
}

func testFinishIsolation(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	d := enqueueN(t, b, b.org, w.ID, 1)[0]
	claimID, _ := claimAt(t, b, baseTime, 1)

	p := finishParams(d, claimID, storage.DeliveryDLQ)
	p.OrganizationID, p.DLQReason, p.DisableWebhook = b.other, "x", "x"
	_, err := b.store.DeliveryFinish(b.ctx, p)
	require.ErrorIs(t, err, storage.ErrNotFound)
	requireDelivery(t, d, mustGetDelivery(t, b, b.org, d.ID))
	require.Equal(t, storage.WebhookActive, mustGetWebhook(t, b, b.org, w.ID).Status)
	require.Empty(t, listDLQIDs(t, b, &storage.DLQListParams{OrganizationID: b.org}))

	p = finishParams(d, claimID, storage.DeliverySuccess)
	p.ID = uuid.New()
	_, err = b.store.DeliveryFinish(b.ctx, p)
	require.ErrorIs(t, err, storage.ErrNotFound, "unknown id")
	mustFinish(t, b, finishParams(d, claimID, storage.DeliverySuccess))
}

func testClaimSkipsDisabled(t *testing.T, b *bundle) {
	off := mustCreateWebhook(t, b, b.org, func(p *storage.WebhookCreateParams) { p.Status = storage.WebhookDisabled })
	on := mustCreateWebhook(t, b, b.org)
	offRows := enqueueN(t, b, b.org, off.ID, 2)
	onRows := enqueueN(t, b, b.org, on.ID, 1)
	_, got := claimAt(t, b, baseTime, 10)
	require.Equal(t, deliveryIDs(onRows), deliveryIDs(got))
	for _, limit := range []int{0, 5} {
		_, got = claimAt(t, b, baseTime, 10, func(p *storage.DeliveryClaimParams) { p.PerWebhookLimit = limit })
		require.Empty(t, got, "PerWebhookLimit %d", limit)
	}

	_, err := b.store.WebhookUpdate(b.ctx, &storage.WebhookUpdateParams{OrganizationID: b.org, ID: off.ID, Status: ptr(storage.WebhookActive)})
	require.NoError(t, err)
	_, got = claimAt(t, b, baseTime, 10)
	require.ElementsMatch(t, deliveryIDs(offRows), deliveryIDs(got), "re-enabled")
}

func testPerWebhookLimit(t *testing.T, b *bundle) {
	a := mustCreateWebhook(t, b, b.org)
	bw := mustCreateWebhook(t, b, b.other)
	aRows := inClaimOrder(mustEnqueue(t, b, b.org, a.ID, func() []*time.Time {
		due := make([]*time.Time, 10)
		for i := range due {
			due[i] = ptr(baseTime.Add(time.Duration(i-20) * time.Minute))
		}
		return due
	}()...))
	bRow := mustEnqueue(t, b, b.other, bw.ID, ptr(baseTime))[0]
	capped := func(p *storage.DeliveryClaimParams) { p.PerWebhookLimit = 2 }

	claimID, got := claimAt(t, b, baseTime, 10, capped)
	require.Equal(t, []uuid.UUID{aRows[0].ID, aRows[1].ID, bRow.ID}, deliveryIDs(got), "the two oldest of A, and B")
	_, got = claimAt(t, b, baseTime, 10, capped)
	require.Empty(t, got, "A has two leased already")

	mustFinish(t, b, finishParams(aRows[0], claimID, storage.DeliverySuccess))
	_, got = claimAt(t, b, baseTime, 10, capped)
	require.Equal(t, []uuid.UUID{aRows[2].ID}, deliveryIDs(got), "one lease of A ended")
	_, got = claimAt(t, b, baseTime, 10, func(p *storage.DeliveryClaimParams) { p.PerWebhookLimit = 4 })
	require.Equal(t, []uuid.UUID{aRows[3].ID, aRows[4].ID}, deliveryIDs(got), "a higher cap")
	_, got = claimAt(t, b, baseTime, 2)
	require.Equal(t, []uuid.UUID{aRows[5].ID, aRows[6].ID}, deliveryIDs(got), "no cap")
	_, got = claimAt(t, b, baseTime.Add(lease), 10, capped)
	require.Equal(t, []uuid.UUID{aRows[1].ID, aRows[2].ID, bRow.ID}, deliveryIDs(got), "expired leases do not count")
}

// testPerWebhookLimitPerClaimer: with a Claimer, the cap counts only that
// claimer's leases, so two claimers each lease up to the cap of one
// webhook; a claim without a Claimer still counts every lease.
func testPerWebhookLimitPerClaimer(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	rows := inClaimOrder(enqueueN(t, b, b.org, w.ID, 10))
	hostA, hostB := uuid.New(), uuid.New()
	as := func(claimer uuid.UUID) func(p *storage.DeliveryClaimParams) {
		return func(p *storage.DeliveryClaimParams) {
			p.PerWebhookLimit, p.Claimer, p.ClaimID = 2, claimer, storage.NewClaimID(claimer)
		}
	}
	claimA, got := claimAt(t, b, baseTime, 10, as(hostA))
	require.Equal(t, deliveryIDs(rows[:2]), deliveryIDs(got), "A's cap")
	_, got = claimAt(t, b, baseTime, 10, as(hostA))
	require.Empty(t, got, "A holds its cap")
	_, got = claimAt(t, b, baseTime, 10, as(hostB))
	require.Equal(t, deliveryIDs(rows[2:4]), deliveryIDs(got), "B has a cap of its own")
	_, got = claimAt(t, b, baseTime, 10, func(p *storage.DeliveryClaimParams) { p.PerWebhookLimit = 4 })
	require.Empty(t, got, "without a Claimer every lease counts")

	mustFinish(t, b, finishParams(rows[0], claimA, storage.DeliverySuccess))
	_, got = claimAt(t, b, baseTime, 10, as(hostB))
	require.Empty(t, got, "A's finish frees a place of A's, not B's")
	_, got = claimAt(t, b, baseTime, 10, as(hostA))
	require.Equal(t, deliveryIDs(rows[4:5]), deliveryIDs(got))

	p := &storage.DeliveryClaimParams{Now: baseTime, Limit: 10, LeaseFor: lease, PerWebhookLimit: 2, Claimer: hostA,
		ClaimID: storage.NewClaimID(hostB)}
	_, err := b.store.DeliveryClaim(b.ctx, p)
	require.Error(t, err, "a claim ID of another claimer")
	id := storage.NewClaimID(hostA)
	require.Equal(t, hostA[:8], id[:8])
	require.Equal(t, uuid.RFC4122, id.Variant())
	require.NotEqual(t, id, storage.NewClaimID(hostA))
}

func testRelease(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	enqueueN(t, b, b.org, w.ID, 3)
	claimID, got := claimAt(t, b, baseTime, 10)
	require.Len(t, got, 3)

	n, err := b.store.DeliveryRelease(b.ctx, uuid.New(), deliveryIDs(got))
	require.NoError(t, err)
	require.Zero(t, n, "another claim's leases")
	n, err = b.store.DeliveryRelease(b.ctx, claimID, []uuid.UUID{got[0].ID, got[1].ID, uuid.New()})
	require.NoError(t, err)
	require.Equal(t, 2, n)
	n, err = b.store.DeliveryRelease(b.ctx, claimID, nil)
	require.NoError(t, err)
	require.Zero(t, n)

	_, again := claimAt(t, b, baseTime, 10)
	require.Equal(t, deliveryIDs(got[:2]), deliveryIDs(again), "released rows are due at once")
	_, err = b.store.DeliveryFinish(b.ctx, finishParams(got[0], claimID, storage.DeliverySuccess))
	require.ErrorIs(t, err, storage.ErrConflict, "released is no longer ours")
	mustFinish(t, b, finishParams(got[2], claimID, storage.DeliverySuccess))
}

func testDeleteBefore(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	ow := mustCreateWebhook(t, b, b.other)
	statuses := []storage.DeliveryStatus{storage.DeliveryPending, storage.DeliverySuccess, storage.DeliveryFailed,
		storage.DeliveryDLQ, storage.DeliveryFailed}
	old := mustInsertDeliveries(t, b, b.org, w.ID, len(statuses), func(i int, p *storage.DeliveryInsertParams) { p.Status = statuses[i] })
	oldOther := mustInsertDeliveries(t, b, b.other, ow.ID, 1, func(_ int, p *storage.DeliveryInsertParams) { p.Status = storage.DeliverySuccess })[0]
	mustAddDLQ(t, b, b.org, w.ID, old[4].ID)
	cutoff := oldOther.CreatedAt.Add(time.Microsecond)
	for !b.store.Now().After(cutoff) {
		time.Sleep(10 * time.Microsecond)
	}
	recent := mustInsertDeliveries(t, b, b.org, w.ID, 1, func(_ int, p *storage.DeliveryInsertParams) { p.Status = storage.DeliverySuccess })[0]

	_, err := b.store.DeliveryDeleteBefore(b.ctx, cutoff, 0)
	require.Error(t, err, "limit 0")
	n, err := b.store.DeliveryDeleteBefore(b.ctx, cutoff, 3)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	n, err = b.store.DeliveryDeleteBefore(b.ctx, cutoff, 3)
	require.NoError(t, err)
	require.Equal(t, 1, n, "success, failed and dlq of both organizations: four rows")
	n, err = b.store.DeliveryDeleteBefore(b.ctx, cutoff, 3)
	require.NoError(t, err)
	require.Zero(t, n)

	require.ElementsMatch(t, []uuid.UUID{old[0].ID, old[4].ID, recent.ID},
		listDeliveryIDs(t, b, &storage.DeliveryListParams{OrganizationID: b.org}), "pending, dead-lettered and recent rows stay")
	require.Empty(t, listDeliveryIDs(t, b, &storage.DeliveryListParams{OrganizationID: b.other}))
}

// statsRow sets a delivery's status and delivery time as an attempt would.
func statsRow(t *testing.T, b *bundle, d *storage.Delivery, status storage.DeliveryStatus, at time.Time) {
	t.Helper()
	_, err := b.store.DeliveryUpdate(b.ctx, &storage.DeliveryUpdateParams{OrganizationID: d.OrganizationID, ID: d.ID,
		Status: &status, DeliveredAt: &at})
	require.NoError(t, err)
}

func testStats(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	w2 := mustCreateWebhook(t, b, b.org)
	ds := enqueueN(t, b, b.org, w.ID, 8)
	statsRow(t, b, ds[0], storage.DeliverySuccess, baseTime.Add(-time.Hour))
	statsRow(t, b, ds[1], storage.DeliverySuccess, baseTime)
	statsRow(t, b, ds[2], storage.DeliverySuccess, baseTime.Add(time.Minute))
	statsRow(t, b, ds[3], storage.DeliveryFailed, baseTime.Add(2*time.Minute))
	statsRow(t, b, ds[4], storage.DeliveryDLQ, baseTime.Add(3*time.Minute))
	// ds[5..7] stay pending; one of them leased.
	claimAt(t, b, baseTime, 1)
	w2Rows := enqueueN(t, b, b.org, w2.ID, 2)
	statsRow(t, b, w2Rows[0], storage.DeliveryFailed, baseTime.Add(time.Hour))

	got, err := b.store.DeliveryStats(b.ctx, b.org, w.ID, baseTime)
	require.NoError(t, err)
	last := baseTime.Add(3 * time.Minute)
	requireTimePtr(t, &last, got.LastAttemptAt)
	got.LastAttemptAt = nil
	require.Equal(t, storage.DeliveryStats{Total: 4, Succeeded: 2, Failed: 1, Pending: 3, DeadLettered: 1}, *got)

	got, err = b.store.DeliveryStats(b.ctx, b.org, w.ID, time.Time{})
	require.NoError(t, err)
	require.Equal(t, 5, got.Total, "zero since counts every attempt")
	require.Equal(t, 3, got.Succeeded)

	got, err = b.store.DeliveryStats(b.ctx, b.org, uuid.Nil, baseTime)
	require.NoError(t, err)
	hour := baseTime.Add(time.Hour)
	requireTimePtr(t, &hour, got.LastAttemptAt)
	got.LastAttemptAt = nil
	require.Equal(t, storage.DeliveryStats{Total: 5, Succeeded: 2, Failed: 2, Pending: 4, DeadLettered: 1}, *got, "every webhook")

	got, err = b.store.DeliveryStats(b.ctx, b.org, w.ID, baseTime.Add(time.Hour))
	require.NoError(t, err)
	requireTimePtr(t, &last, got.LastAttemptAt, "the last attempt counts however old (last triggered)")
	got.LastAttemptAt = nil
	require.Equal(t, storage.DeliveryStats{Pending: 3}, *got, "nothing delivered since")
}

func testStatsIsolation(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	ds := enqueueN(t, b, b.org, w.ID, 2)
	statsRow(t, b, ds[0], storage.DeliverySuccess, baseTime)
	for _, tt := range []struct {
		name    string
		org, id uuid.UUID
	}{
		{"other organization's view of the webhook", b.other, w.ID},
		{"other organization, all webhooks", b.other, uuid.Nil},
		{"unknown webhook", b.org, uuid.New()},
	} {
		got, err := b.store.DeliveryStats(b.ctx, tt.org, tt.id, time.Time{})
		require.NoError(t, err, tt.name)
		require.Equal(t, storage.DeliveryStats{}, *got, tt.name)
	}
}

// testFinishBatchMixed finishes, in one batch, a success with headers, a
// retry, a dead letter, a 410 that disables its webhook, a stale claim,
// another organization's row and invalid params: each item as
// DeliveryFinish would, the failed ones without touching anything.
func testFinishBatchMixed(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	gone := mustCreateWebhook(t, b, b.org)
	ds := enqueueN(t, b, b.org, w.ID, 5)
	goneRow := enqueueN(t, b, b.org, gone.ID, 1)[0]
	stale := uuid.New()
	_, staleRows := claimAt(t, b, baseTime, 1, func(p *storage.DeliveryClaimParams) { p.ClaimID = stale })
	require.Equal(t, ds[0].ID, staleRows[0].ID)
	n, err := b.store.DeliveryReapExpired(b.ctx, baseTime.Add(2*lease))
	require.NoError(t, err)
	require.Equal(t, 1, n)
	claimID, got := claimAt(t, b, baseTime.Add(2*lease), 10)
	require.Len(t, got, 6)

	ok := finishParams(ds[1], claimID, storage.DeliverySuccess)
	ok.RequestHeaders, ok.ResponseHeaders, ok.ResponseStatus, ok.ResponseBody = requestHeaders, responseHeaders, ptr(200), "ok ✓"
	ok.DurationMS, ok.ResponseTruncated = 42, true
	next := baseTime.Add(5 * time.Minute)
	retry := finishParams(ds[2], claimID, storage.DeliveryFailed)
	retry.ResponseStatus, retry.ErrorMessage, retry.Next = ptr(503), "HTTP 503", &storage.DeliveryRetry{NextRetryAt: next}
	dead := finishParams(ds[3], claimID, storage.DeliveryDLQ)
	dead.ResponseStatus, dead.ErrorMessage, dead.DLQReason = ptr(500), "HTTP 500", "Max retries exceeded (5): HTTP 500"
	disable := finishParams(goneRow, claimID, storage.DeliveryFailed)
	disable.ResponseStatus, disable.DisableWebhook = ptr(http.StatusGone), "HTTP 410 Gone"
	late := finishParams(ds[0], stale, storage.DeliveryDLQ)
	late.Next, late.DLQReason, late.DisableWebhook = &storage.DeliveryRetry{NextRetryAt: baseTime}, "late", "late"
	foreign := finishParams(ds[4], claimID, storage.DeliveryDLQ)
	foreign.OrganizationID, foreign.DLQReason = b.other, "x"
	invalid := finishParams(ds[4], claimID, storage.DeliveryPending)

	errs, err := b.store.DeliveryFinishBatch(b.ctx, []*storage.DeliveryFinishParams{ok, late, retry, foreign, dead, invalid, disable})
	require.NoError(t, err)
	require.Len(t, errs, 7)
	require.NoError(t, errs[0], "success")
	require.ErrorIs(t, errs[1], storage.ErrConflict, "stale claim")
	require.NoError(t, errs[2], "retry")
	require.ErrorIs(t, errs[3], storage.ErrNotFound, "another organization's row")
	require.NoError(t, errs[4], "dead letter")
	require.Error(t, errs[5], "invalid params")
	require.NotErrorIs(t, errs[5], storage.ErrConflict)
	require.NoError(t, errs[6], "410")

	want := *got[1]
	want.Status, want.RequestHeaders, want.ResponseHeaders = storage.DeliverySuccess, requestHeaders, responseHeaders
	want.ResponseStatus, want.ResponseBody, want.ResponseTruncated = ptr(200), "ok ✓", true
	want.DurationMS, want.DeliveredAt = ptr(42), ptr(baseTime)
	requireDelivery(t, &want, mustGetDelivery(t, b, b.org, ds[1].ID))

	requireDelivery(t, got[0], mustGetDelivery(t, b, b.org, ds[0].ID)) // the stale item changed nothing
	require.Equal(t, storage.DeliveryPending, mustGetDelivery(t, b, b.org, ds[4].ID).Status, "failed items change nothing")
	require.Equal(t, storage.DeliveryDLQ, mustGetDelivery(t, b, b.org, ds[3].ID).Status)
	require.Equal(t, storage.DeliveryFailed, mustGetDelivery(t, b, b.org, goneRow.ID).Status)

	finishedRetry := mustGetDelivery(t, b, b.org, ds[2].ID)
	require.Equal(t, storage.DeliveryFailed, finishedRetry.Status)
	requireTimePtr(t, &next, finishedRetry.NextRetryAt)
	ids := listDeliveryIDs(t, b, &storage.DeliveryListParams{OrganizationID: b.org, EventID: ds[2].EventID})
	require.Len(t, ids, 2, "one next attempt")
	for _, id := range ids {
		if id != ds[2].ID {
			r := mustGetDelivery(t, b, b.org, id)
			require.Equal(t, 2, r.AttemptNumber)
			require.Equal(t, storage.DeliveryPending, r.Status)
			requireTimePtr(t, &next, r.NextRetryAt)
			requireJSON(t, ds[2].Payload, r.Payload)
		}
	}
	require.Len(t, listDeliveryIDs(t, b, &storage.DeliveryListParams{OrganizationID: b.org, EventID: ds[0].EventID}), 1,
		"no next attempt from the stale item")

	page, err := b.store.DLQList(b.ctx, &storage.DLQListParams{OrganizationID: b.org})
	require.NoError(t, err)
	require.Len(t, page.Items, 1, "only the dead letter's entry")
	require.Equal(t, ds[3].ID, page.Items[0].DeliveryID)
	require.Equal(t, dead.DLQReason, page.Items[0].Reason)
	require.Equal(t, w.ID, page.Items[0].WebhookID)

	require.Equal(t, storage.WebhookActive, mustGetWebhook(t, b, b.org, w.ID).Status, "the stale item disabled nothing")
	g := mustGetWebhook(t, b, b.org, gone.ID)
	require.Equal(t, storage.WebhookDisabled, g.Status)
	require.Equal(t, "HTTP 410 Gone", g.DisabledReason)

	// The items that failed can be finished afterwards, as DeliveryFinish would.
	mustFinish(t, b, finishParams(ds[4], claimID, storage.DeliverySuccess))
	_, err = b.store.DeliveryFinish(b.ctx, finishParams(ds[0], claimID, storage.DeliverySuccess))
	require.NoError(t, err, "the row is still leased under the fresh claim")
}

// testFinishBatchPlain finishes a batch of successes and failures without
// follow-ups (on PostgreSQL one statement outside a transaction), and an
// empty batch.
func testFinishBatchPlain(t *testing.T, b *bundle) {
	errs, err := b.store.DeliveryFinishBatch(b.ctx, nil)
	require.NoError(t, err)
	require.Empty(t, errs)

	w := mustCreateWebhook(t, b, b.org)
	ds := enqueueN(t, b, b.org, w.ID, 4)
	claimID, got := claimAt(t, b, baseTime, 10)
	require.Len(t, got, 4)
	var ps []*storage.DeliveryFinishParams
	for i, d := range ds {
		p := finishParams(d, claimID, storage.DeliverySuccess)
		if i%2 == 1 {
			p.Status, p.ErrorMessage = storage.DeliveryFailed, "HTTP 500"
		}
		p.ResponseStatus = ptr(200 + 300*(i%2))
		ps = append(ps, p)
	}
	ps = append(ps, finishParams(ds[0], uuid.New(), storage.DeliverySuccess))
	errs, err = b.store.DeliveryFinishBatch(b.ctx, ps)
	require.NoError(t, err)
	require.Equal(t, []error{nil, nil, nil, nil, storage.ErrConflict}, errs)
	for i, d := range ds {
		got := mustGetDelivery(t, b, b.org, d.ID)
		require.Equal(t, ps[i].Status, got.Status)
		require.Equal(t, ps[i].ResponseStatus, got.ResponseStatus)
		require.Equal(t, ps[i].ErrorMessage, got.ErrorMessage)
	}
	_, none := claimAt(t, b, baseTime.Add(10*lease), 10)
	require.Empty(t, none, "finished rows hold no lease and are not pending")
	n, err := b.store.DeliveryReapExpired(b.ctx, baseTime.Add(100*lease))
	require.NoError(t, err)
	require.Zero(t, n)
}

// testFinishBatchRepeated: a row finished twice in one batch is finished
// by its first item; the second is ErrConflict, as with two DeliveryFinish
// calls in a row. A stale item before a fresh one of the same row does not
// stop the fresh one.
func testFinishBatchRepeated(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	ds := enqueueN(t, b, b.org, w.ID, 2)
	claimID, got := claimAt(t, b, baseTime, 10)
	require.Len(t, got, 2)
	first := finishParams(ds[0], claimID, storage.DeliveryFailed)
	first.Next = &storage.DeliveryRetry{NextRetryAt: baseTime.Add(time.Minute)}
	again := finishParams(ds[0], claimID, storage.DeliverySuccess)
	stale := finishParams(ds[1], uuid.New(), storage.DeliveryFailed)
	fresh := finishParams(ds[1], claimID, storage.DeliverySuccess)
	errs, err := b.store.DeliveryFinishBatch(b.ctx, []*storage.DeliveryFinishParams{first, stale, again, fresh})
	require.NoError(t, err)
	require.Equal(t, []error{nil, storage.ErrConflict, storage.ErrConflict, nil}, errs)
	require.Equal(t, storage.DeliveryFailed, mustGetDelivery(t, b, b.org, ds[0].ID).Status)
	require.Equal(t, storage.DeliverySuccess, mustGetDelivery(t, b, b.org, ds[1].ID).Status)
	require.Len(t, listDeliveryIDs(t, b, &storage.DeliveryListParams{OrganizationID: b.org, EventID: ds[0].EventID}), 2)
}
