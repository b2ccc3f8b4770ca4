package storagetest

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func testLogDeleteIntegration(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	keep := mustCreateIntegration(t, b, b.org)
	oin := mustCreateIntegration(t, b, b.other)
	mustInsertLogs(t, b,
		logParams(b.org, in.ID, fixedTime, "one"),
		logParams(b.org, in.ID, fixedTime.Add(time.Second), "two"),
		logParams(b.org, keep.ID, fixedTime, "kept"),
		logParams(b.other, oin.ID, fixedTime, "other's"),
	)

	n, err := b.store.LogDeleteIntegration(b.ctx, b.other, in.ID)
	require.NoError(t, err)
	require.Zero(t, n, "another organization deletes nothing of this one's integration")

	n, err = b.store.LogDeleteIntegration(b.ctx, b.org, in.ID)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.Equal(t, []string{"kept"}, messages(listLogs(t, b, &storage.LogListParams{OrganizationID: b.org})))
	require.Equal(t, []string{"other's"}, messages(listLogs(t, b, &storage.LogListParams{OrganizationID: b.other})))

	n, err = b.store.LogDeleteIntegration(b.ctx, b.org, in.ID)
	require.NoError(t, err)
	require.Zero(t, n, "nothing left")
}

// addBucket adds count observations (errors of them failed) to an hourly
// bucket.
func addBucket(t *testing.T, b *bundle, in *storage.Integration, metric string, at time.Time, count, errors int64) {
	t.Helper()
	_, err := b.store.MetricAdd(b.ctx, &storage.MetricAddParams{OrganizationID: in.OrganizationID, IntegrationID: in.ID,
		Metric: metric, BucketStart: at.Truncate(time.Hour), Count: count, Errors: errors, DurationMS: 10 * count})
	require.NoError(t, err)
}

func testLogSummaryPending(t *testing.T, b *bundle) {
	day := time.Date(2031, time.May, 5, 0, 0, 0, 0, time.UTC)
	email := mustCreateIntegration(t, b, b.org)
	checks := mustCreateIntegration(t, b, b.other, func(p *storage.IntegrationCreateParams) { p.Type = "background_checks" })
	idle := mustCreateIntegration(t, b, b.org)
	addBucket(t, b, email, "call.email.send", day, 100, 2)
	addBucket(t, b, email, "call.email.send", day.Add(23*time.Hour), 147, 0)
	addBucket(t, b, email, "call.email.test", day.Add(time.Hour), 1, 0)
	addBucket(t, b, email, "health_check", day.Add(time.Hour), 288, 5)
	addBucket(t, b, email, "call.email.send", day.Add(-time.Hour), 1000, 0)
	addBucket(t, b, email, "call.email.send", day.Add(24*time.Hour), 1000, 0)
	addBucket(t, b, checks, "call.checkr.order", day.Add(12*time.Hour), 3, 1)
	addBucket(t, b, idle, "health_check", day, 10, 0)

	got, err := b.store.LogSummaryPending(b.ctx, &storage.LogSummaryPendingParams{Day: day, MetricPrefix: "call."})
	require.NoError(t, err)
	byID := map[string]*storage.LogDayCalls{}
	for _, c := range got {
		byID[c.IntegrationID.String()] = c
	}
	require.Len(t, got, 2, "integrations with calls that day, of every organization")
	require.Equal(t, &storage.LogDayCalls{OrganizationID: b.org, IntegrationID: email.ID, Type: email.Type, Calls: 248, Errors: 2},
		byID[email.ID.String()], "the day's call buckets only")
	require.Equal(t, &storage.LogDayCalls{OrganizationID: b.other, IntegrationID: checks.ID, Type: "background_checks", Calls: 3, Errors: 1},
		byID[checks.ID.String()])

	one, err := b.store.LogSummaryPending(b.ctx, &storage.LogSummaryPendingParams{Day: day, MetricPrefix: "call.", Limit: 1})
	require.NoError(t, err)
	require.Len(t, one, 1, "limited")

	all, err := b.store.LogSummaryPending(b.ctx, &storage.LogSummaryPendingParams{Day: day})
	require.NoError(t, err)
	require.Len(t, all, 3, "no prefix keeps every metric")

	_, err = b.store.LogSummaryPending(b.ctx, &storage.LogSummaryPendingParams{})
	require.ErrorIs(t, err, storage.ErrInvalid, "Day is required")

	ok, err := b.store.LogSummaryInsert(b.ctx, day, logParams(b.org, email.ID, day.Add(34*time.Hour), "Daily summary sent"))
	require.NoError(t, err)
	require.True(t, ok)
	got, err = b.store.LogSummaryPending(b.ctx, &storage.LogSummaryPendingParams{Day: day, MetricPrefix: "call."})
	require.NoError(t, err)
	require.Len(t, got, 1, "a summarised integration is no longer pending")
	require.Equal(t, checks.ID, got[0].IntegrationID)

	require.NoError(t, b.store.IntegrationDelete(b.ctx, b.other, checks.ID))
	got, err = b.store.LogSummaryPending(b.ctx, &storage.LogSummaryPendingParams{Day: day, MetricPrefix: "call."})
	require.NoError(t, err)
	require.Empty(t, got, "a deleted integration is not summarised")
}

func testLogSummaryInsertOnce(t *testing.T, b *bundle) {
	day := time.Date(2031, time.May, 5, 0, 0, 0, 0, time.UTC)
	in := mustCreateIntegration(t, b, b.org)
	const racers = 8
	wins := make([]bool, racers)
	errs := make([]error, racers)
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			wins[i], errs[i] = b.store.LogSummaryInsert(b.ctx, day, logParams(b.org, in.ID, day.Add(30*time.Hour), "Daily summary sent"))
		})
	}
	wg.Wait()
	won := 0
	for i := range racers {
		require.NoError(t, errs[i])
		if wins[i] {
			won++
		}
	}
	require.Equal(t, 1, won, "one claim wins the day")
	require.Equal(t, []string{"Daily summary sent"}, messages(listLogs(t, b, &storage.LogListParams{OrganizationID: b.org})))

	ok, err := b.store.LogSummaryInsert(b.ctx, day.AddDate(0, 0, 1), logParams(b.org, in.ID, day.Add(54*time.Hour), "next day"))
	require.NoError(t, err)
	require.True(t, ok, "the next day is its own claim")
	ok, err = b.store.LogSummaryInsert(b.ctx, day.Add(13*time.Hour), logParams(b.org, in.ID, day.Add(55*time.Hour), "same day again"))
	require.NoError(t, err)
	require.False(t, ok, "any time of a claimed day is that day")
	require.Len(t, listLogs(t, b, &storage.LogListParams{OrganizationID: b.org}), 2)

	bad := logParams(b.org, in.ID, day, "")
	bad.Level = "loud"
	_, err = b.store.LogSummaryInsert(b.ctx, day.AddDate(0, 0, 2), bad)
	require.ErrorIs(t, err, storage.ErrInvalid)
}
