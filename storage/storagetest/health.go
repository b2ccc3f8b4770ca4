package storagetest

import (
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func healthTests() []test {
	return []test{
		{"GetDefaults", testHealthDefaults},
		{"ClaimDueOnly", testHealthClaimDue},
		{"ClaimLimitEarliestFirst", testHealthClaimLimit},
		{"ClaimEveryOrganization", testHealthClaimOrgs},
		{"ClaimConcurrentDisjoint", testHealthClaimConcurrent},
		{"StatusSetStampsChange", testHealthStatusSet},
		{"StatusSetFencedByLease", testHealthStatusLease},
		{"StatusSetKeepDisabled", testHealthKeepDisabled},
		{"StatusSetClearNextCheck", testHealthClearNext},
		{"StatusSetOtherOrganizationNotFound", testHealthStatusIsolation},
		{"ScheduleSet", testHealthSchedule},
		{"ListFilters", testHealthList},
	}
}

// checkAt creates an integration whose next check is at next (nil: not
// scheduled) with the given status.
func checkAt(t *testing.T, b *bundle, org uuid.UUID, next *time.Time, status storage.IntegrationStatus) *storage.Integration {
	t.Helper()
	return mustCreateIntegration(t, b, org, func(p *storage.IntegrationCreateParams) {
		p.NextCheckAt, p.Status = next, status
	})
}

func claim(t *testing.T, b *bundle, now time.Time, limit int, lease time.Duration) []*storage.IntegrationHealth {
	t.Helper()
	hs, err := b.store.IntegrationCheckClaim(b.ctx, &storage.IntegrationCheckClaimParams{Now: now, Limit: limit, Lease: lease})
	require.NoError(t, err)
	return hs
}

func healthIDs(hs []*storage.IntegrationHealth) []uuid.UUID {
	out := make([]uuid.UUID, len(hs))
	for i, h := range hs {
		out[i] = h.ID
	}
	return out
}

func mustHealth(t *testing.T, b *bundle, org, id uuid.UUID) *storage.IntegrationHealth {
	t.Helper()
	h, err := b.store.IntegrationHealthGet(b.ctx, org, id)
	require.NoError(t, err)
	return h
}

func testHealthDefaults(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	h := mustHealth(t, b, b.org, in.ID)
	requireIntegration(t, in, &h.Integration)
	require.Zero(t, h.CheckInterval)
	require.Nil(t, h.StatusChangedAt)
	require.Empty(t, h.LastSyncError)
	_, err := b.store.IntegrationHealthGet(b.ctx, b.other, in.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
}

func testHealthClaimDue(t *testing.T, b *bundle) {
	now := baseTime
	due := checkAt(t, b, b.org, ptr(now.Add(-time.Minute)), storage.IntegrationActive)
	dueNow := checkAt(t, b, b.org, ptr(now), storage.IntegrationError)
	checkAt(t, b, b.org, ptr(now.Add(time.Hour)), storage.IntegrationActive)    // not yet
	checkAt(t, b, b.org, nil, storage.IntegrationActive)                        // not scheduled
	checkAt(t, b, b.org, ptr(now.Add(-time.Hour)), storage.IntegrationDisabled) // disabled

	got := claim(t, b, now, 10, time.Minute)
	require.ElementsMatch(t, []uuid.UUID{due.ID, dueNow.ID}, healthIDs(got))
	for _, h := range got {
		requireTimePtr(t, ptr(now.Add(time.Minute)), h.NextCheckAt, "the lease is the new next_check_at")
		require.Equal(t, b.org, h.OrganizationID)
	}
	require.Empty(t, claim(t, b, now.Add(59*time.Second), 10, time.Minute), "leased rows are not claimed again")
	again := claim(t, b, now.Add(time.Minute), 10, time.Minute)
	require.ElementsMatch(t, []uuid.UUID{due.ID, dueNow.ID}, healthIDs(again), "an expired lease is claimable")
}

func testHealthClaimLimit(t *testing.T, b *bundle) {
	var want []uuid.UUID
	for _, m := range []int{3, 1, 4, 0, 2} {
		in := checkAt(t, b, b.org, ptr(baseTime.Add(-time.Duration(10-m)*time.Minute)), storage.IntegrationActive)
		if m < 3 {
			want = append(want, in.ID)
		}
	}
	require.ElementsMatch(t, want, healthIDs(claim(t, b, baseTime, 3, time.Minute)), "the three earliest")
	require.Len(t, claim(t, b, baseTime, 3, time.Minute), 2)
	require.Empty(t, claim(t, b, baseTime, 0, time.Minute), "limit 0 claims nothing")
}

func testHealthClaimOrgs(t *testing.T, b *bundle) {
	a := checkAt(t, b, b.org, ptr(baseTime), storage.IntegrationActive)
	o := checkAt(t, b, b.other, ptr(baseTime), storage.IntegrationInactive)
	require.ElementsMatch(t, []uuid.UUID{a.ID, o.ID}, healthIDs(claim(t, b, baseTime, 10, time.Minute)))
}

func testHealthClaimConcurrent(t *testing.T, b *bundle) {
	const n, claimers = 40, 6
	want := make([]uuid.UUID, n)
	for i := range n {
		want[i] = checkAt(t, b, b.org, ptr(baseTime.Add(-time.Duration(i)*time.Second)), storage.IntegrationActive).ID
	}
	var (
		mu  sync.Mutex
		got []uuid.UUID
		wg  sync.WaitGroup
	)
	errs := make(chan error, claimers)
	for range claimers {
		wg.Go(func() {
			for {
				hs, err := b.store.IntegrationCheckClaim(b.ctx, &storage.IntegrationCheckClaimParams{
					Now: baseTime, Limit: 3, Lease: time.Minute})
				if err != nil {
					errs <- err
					return
				}
				if len(hs) == 0 {
					return
				}
				mu.Lock()
				got = append(got, healthIDs(hs)...)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.ElementsMatch(t, want, got, "every row claimed exactly once")
}

func statusSet(org, id uuid.UUID, status storage.IntegrationStatus) *storage.IntegrationStatusSetParams {
	return &storage.IntegrationStatusSetParams{OrganizationID: org, ID: id, Status: status}
}

func testHealthStatusSet(t *testing.T, b *bundle) {
	in := checkAt(t, b, b.org, nil, storage.IntegrationInactive)
	p := statusSet(b.org, in.ID, storage.IntegrationError)
	p.ErrorMessage, p.CheckedAt, p.NextCheckAt = "Connection to SendGrid timed out", ptr(fixedTime), ptr(fixedTime.Add(5*time.Minute))
	ch, err := b.store.IntegrationStatusSet(b.ctx, p)
	require.NoError(t, err)
	require.Equal(t, storage.IntegrationInactive, ch.Previous)
	require.True(t, ch.Changed())
	h := ch.Integration
	require.Equal(t, storage.IntegrationError, h.Status)
	require.Equal(t, "Connection to SendGrid timed out", h.ErrorMessage)
	requireTimePtr(t, ptr(fixedTime), h.LastHealthCheck)
	requireTimePtr(t, ptr(fixedTime.Add(5*time.Minute)), h.NextCheckAt)
	require.NotNil(t, h.StatusChangedAt)
	requireStamp(t, *h.StatusChangedAt)
	changed := *h.StatusChangedAt
	require.Equal(t, h, mustHealth(t, b, b.org, in.ID))

	p = statusSet(b.org, in.ID, storage.IntegrationError)
	p.ErrorMessage = "Authentication failed. Please check credentials."
	ch, err = b.store.IntegrationStatusSet(b.ctx, p)
	require.NoError(t, err)
	require.False(t, ch.Changed())
	requireTimePtr(t, &changed, ch.Integration.StatusChangedAt, "the same status keeps its start")
	requireTimePtr(t, ptr(fixedTime), ch.Integration.LastHealthCheck, "nil CheckedAt keeps it")
	requireTimePtr(t, ptr(fixedTime.Add(5*time.Minute)), ch.Integration.NextCheckAt, "nil NextCheckAt keeps it")
	require.Equal(t, "Authentication failed. Please check credentials.", ch.Integration.ErrorMessage)

	ch, err = b.store.IntegrationStatusSet(b.ctx, statusSet(b.org, in.ID, storage.IntegrationActive))
	require.NoError(t, err)
	require.Equal(t, storage.IntegrationError, ch.Previous)
	require.Empty(t, ch.Integration.ErrorMessage, "an empty message clears it")
	require.False(t, ch.Integration.StatusChangedAt.Before(changed))
}

func testHealthStatusLease(t *testing.T, b *bundle) {
	in := checkAt(t, b, b.org, ptr(baseTime), storage.IntegrationActive)
	first := claim(t, b, baseTime, 1, time.Minute)
	require.Len(t, first, 1)
	lease := *first[0].NextCheckAt

	stale := statusSet(b.org, in.ID, storage.IntegrationError)
	stale.Lease = ptr(lease.Add(time.Second))
	_, err := b.store.IntegrationStatusSet(b.ctx, stale)
	require.ErrorIs(t, err, storage.ErrConflict, "another lease")

	second := claim(t, b, lease, 1, time.Minute) // the first claimer took too long
	require.Len(t, second, 1)
	p := statusSet(b.org, in.ID, storage.IntegrationError)
	p.Lease = &lease
	_, err = b.store.IntegrationStatusSet(b.ctx, p)
	require.ErrorIs(t, err, storage.ErrConflict, "a lease that was claimed again")
	require.Equal(t, storage.IntegrationActive, mustHealth(t, b, b.org, in.ID).Status, "nothing changed")

	p = statusSet(b.org, in.ID, storage.IntegrationError)
	p.Lease, p.NextCheckAt = second[0].NextCheckAt, ptr(lease.Add(5*time.Minute))
	ch, err := b.store.IntegrationStatusSet(b.ctx, p)
	require.NoError(t, err)
	require.Equal(t, storage.IntegrationError, ch.Integration.Status)
	requireTimePtr(t, ptr(lease.Add(5*time.Minute)), ch.Integration.NextCheckAt)
}

func testHealthKeepDisabled(t *testing.T, b *bundle) {
	in := checkAt(t, b, b.org, nil, storage.IntegrationDisabled)
	p := statusSet(b.org, in.ID, storage.IntegrationActive)
	p.KeepDisabled = true
	_, err := b.store.IntegrationStatusSet(b.ctx, p)
	require.ErrorIs(t, err, storage.ErrConflict)
	require.Equal(t, storage.IntegrationDisabled, mustHealth(t, b, b.org, in.ID).Status)

	ch, err := b.store.IntegrationStatusSet(b.ctx, statusSet(b.org, in.ID, storage.IntegrationInactive))
	require.NoError(t, err, "without KeepDisabled the change applies (enable)")
	require.Equal(t, storage.IntegrationDisabled, ch.Previous)
	require.Equal(t, storage.IntegrationInactive, ch.Integration.Status)
}

func testHealthClearNext(t *testing.T, b *bundle) {
	in := checkAt(t, b, b.org, ptr(baseTime), storage.IntegrationActive)
	p := statusSet(b.org, in.ID, storage.IntegrationDisabled)
	p.ClearNextCheck = true
	ch, err := b.store.IntegrationStatusSet(b.ctx, p)
	require.NoError(t, err)
	require.Nil(t, ch.Integration.NextCheckAt)
	require.Empty(t, claim(t, b, baseTime.Add(time.Hour), 10, time.Minute))
}

func testHealthStatusIsolation(t *testing.T, b *bundle) {
	in := checkAt(t, b, b.org, nil, storage.IntegrationActive)
	_, err := b.store.IntegrationStatusSet(b.ctx, statusSet(b.other, in.ID, storage.IntegrationError))
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = b.store.IntegrationScheduleSet(b.ctx, &storage.IntegrationScheduleParams{OrganizationID: b.other, ID: in.ID,
		NextCheckAt: ptr(baseTime)})
	require.ErrorIs(t, err, storage.ErrNotFound)
	h := mustHealth(t, b, b.org, in.ID)
	require.Equal(t, storage.IntegrationActive, h.Status)
	requireTimePtr(t, in.NextCheckAt, h.NextCheckAt)
}

func testHealthSchedule(t *testing.T, b *bundle) {
	in := checkAt(t, b, b.org, nil, storage.IntegrationActive)
	h, err := b.store.IntegrationScheduleSet(b.ctx, &storage.IntegrationScheduleParams{OrganizationID: b.org, ID: in.ID,
		CheckInterval: ptr(90 * time.Second), NextCheckAt: ptr(fixedTime)})
	require.NoError(t, err)
	require.Equal(t, 90*time.Second, h.CheckInterval)
	requireTimePtr(t, ptr(fixedTime), h.NextCheckAt)

	h, err = b.store.IntegrationScheduleSet(b.ctx, &storage.IntegrationScheduleParams{OrganizationID: b.org, ID: in.ID})
	require.NoError(t, err)
	require.Equal(t, 90*time.Second, h.CheckInterval, "nil fields keep their values")
	requireTimePtr(t, ptr(fixedTime), h.NextCheckAt)

	h, err = b.store.IntegrationScheduleSet(b.ctx, &storage.IntegrationScheduleParams{OrganizationID: b.org, ID: in.ID,
		CheckInterval: ptr(time.Duration(0))})
	require.NoError(t, err)
	require.Zero(t, h.CheckInterval, "zero returns to the default")
	require.Equal(t, h, mustHealth(t, b, b.org, in.ID))
}

func testHealthList(t *testing.T, b *bundle) {
	email := checkAt(t, b, b.org, nil, storage.IntegrationActive)
	sms := mustCreateIntegration(t, b, b.org, func(p *storage.IntegrationCreateParams) { p.Type = "sms" })
	checkAt(t, b, b.other, nil, storage.IntegrationActive)
	page, err := b.store.IntegrationHealthList(b.ctx, &storage.IntegrationListParams{OrganizationID: b.org})
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{sms.ID, email.ID}, healthIDs(page.Items), "newest first, this organization only")
	page, err = b.store.IntegrationHealthList(b.ctx, &storage.IntegrationListParams{OrganizationID: b.org, Type: "sms"})
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{sms.ID}, healthIDs(page.Items))
	requireIntegration(t, sms, &page.Items[0].Integration)
}
