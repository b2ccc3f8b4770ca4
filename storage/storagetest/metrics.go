package storagetest

import (
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func metricTests() []test {
	return []test{
		{"AddCreatesThenAccumulates", testMetricAdd},
		{"AddConcurrentIsAtomic", testMetricAddConcurrent},
		{"BucketsAreDistinct", testMetricDistinctBuckets},
		{"ListFilterMetricAndTimeOldestFirst", testMetricList},
		{"OtherOrganizationEmpty", testMetricIsolation},
	}
}

// bucketStart is a minute-aligned bucket in a non-UTC zone.
var bucketStart = time.Date(2031, time.May, 6, 7, 8, 0, 0, zone)

func metricAdd(org, integrationID uuid.UUID, metric string, start time.Time, count, errs, dur, maxDur int64) *storage.MetricAddParams {
	return &storage.MetricAddParams{
		OrganizationID: org, IntegrationID: integrationID, Metric: metric, BucketStart: start,
		Count: count, Errors: errs, DurationMS: dur, MaxDurationMS: maxDur,
	}
}

func mustAddMetric(t *testing.T, b *bundle, p *storage.MetricAddParams) *storage.MetricBucket {
	t.Helper()
	m, err := b.store.MetricAdd(b.ctx, p)
	require.NoError(t, err)
	return m
}

func listMetrics(t *testing.T, b *bundle, p *storage.MetricListParams) []*storage.MetricBucket {
	t.Helper()
	ms, err := b.store.MetricList(b.ctx, p)
	require.NoError(t, err)
	for _, m := range ms {
		require.Equal(t, p.OrganizationID, m.OrganizationID)
		require.Equal(t, p.IntegrationID, m.IntegrationID)
	}
	return ms
}

func requireBucket(t *testing.T, want, got *storage.MetricBucket) {
	t.Helper()
	require.Equal(t, want.OrganizationID, got.OrganizationID)
	require.Equal(t, want.IntegrationID, got.IntegrationID)
	require.Equal(t, want.Metric, got.Metric)
	requireTime(t, want.BucketStart, got.BucketStart, "BucketStart")
	require.Equal(t, want.Count, got.Count, "Count")
	require.Equal(t, want.Errors, got.Errors, "Errors")
	require.Equal(t, want.DurationMS, got.DurationMS, "DurationMS")
	require.Equal(t, want.MaxDurationMS, got.MaxDurationMS, "MaxDurationMS")
}

func testMetricAdd(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	got := mustAddMetric(t, b, metricAdd(b.org, in.ID, "email.send", bucketStart, 3, 1, 300, 150))
	want := &storage.MetricBucket{
		OrganizationID: b.org, IntegrationID: in.ID, Metric: "email.send", BucketStart: bucketStart,
		Count: 3, Errors: 1, DurationMS: 300, MaxDurationMS: 150,
	}
	requireBucket(t, want, got)

	got = mustAddMetric(t, b, metricAdd(b.org, in.ID, "email.send", bucketStart, 2, 0, 90, 60))
	want.Count, want.DurationMS = 5, 390
	requireBucket(t, want, got)

	got = mustAddMetric(t, b, metricAdd(b.org, in.ID, "email.send", bucketStart.UTC(), 1, 1, 500, 500))
	want.Count, want.Errors, want.DurationMS, want.MaxDurationMS = 6, 2, 890, 500
	requireBucket(t, want, got)

	ms := listMetrics(t, b, &storage.MetricListParams{OrganizationID: b.org, IntegrationID: in.ID})
	require.Len(t, ms, 1, "the same instant in another zone is the same bucket")
	requireBucket(t, want, ms[0])
}

func testMetricAddConcurrent(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	const workers = 20
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			n := int64(i + 1)
			_, err := b.store.MetricAdd(b.ctx, metricAdd(b.org, in.ID, "health_check", bucketStart, n, n%2, n*10, n*10))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	var count, errCount, dur int64
	for i := range int64(workers) {
		n := i + 1
		count, errCount, dur = count+n, errCount+n%2, dur+n*10
	}
	ms := listMetrics(t, b, &storage.MetricListParams{OrganizationID: b.org, IntegrationID: in.ID, Metric: "health_check"})
	require.Len(t, ms, 1)
	requireBucket(t, &storage.MetricBucket{
		OrganizationID: b.org, IntegrationID: in.ID, Metric: "health_check", BucketStart: bucketStart,
		Count: count, Errors: errCount, DurationMS: dur, MaxDurationMS: workers * 10,
	}, ms[0])
}

func testMetricDistinctBuckets(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	in2 := mustCreateIntegration(t, b, b.org)
	mustAddMetric(t, b, metricAdd(b.org, in.ID, "email.send", bucketStart, 1, 0, 10, 10))
	for _, p := range []*storage.MetricAddParams{
		metricAdd(b.org, in.ID, "email.bounce", bucketStart, 1, 0, 10, 10),
		metricAdd(b.org, in.ID, "email.send", bucketStart.Add(time.Minute), 1, 0, 10, 10),
		metricAdd(b.org, in2.ID, "email.send", bucketStart, 1, 0, 10, 10),
	} {
		got := mustAddMetric(t, b, p)
		require.Equal(t, int64(1), got.Count, "%s %s %s is a new bucket", p.IntegrationID, p.Metric, p.BucketStart)
	}
	require.Len(t, listMetrics(t, b, &storage.MetricListParams{OrganizationID: b.org, IntegrationID: in.ID}), 3)
	require.Len(t, listMetrics(t, b, &storage.MetricListParams{OrganizationID: b.org, IntegrationID: in2.ID}), 1)
}

func testMetricList(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	at := func(m int) time.Time { return bucketStart.Add(time.Duration(m) * time.Minute) }
	// Added out of order: lists are oldest first whatever the insert order.
	for _, m := range []int{2, 0, 3, 1} {
		mustAddMetric(t, b, metricAdd(b.org, in.ID, "email.send", at(m), int64(m+1), 0, 1, 1))
		mustAddMetric(t, b, metricAdd(b.org, in.ID, "health_check", at(m), 100, 0, 1, 1))
	}
	tests := []struct {
		name   string
		metric string
		r      storage.TimeRange
		want   []int // minutes
	}{
		{"all", "email.send", storage.TimeRange{}, []int{0, 1, 2, 3}},
		{"since inclusive", "email.send", storage.TimeRange{Since: at(1)}, []int{1, 2, 3}},
		{"until exclusive", "email.send", storage.TimeRange{Until: at(2)}, []int{0, 1}},
		{"both", "email.send", storage.TimeRange{Since: at(1), Until: at(3)}, []int{1, 2}},
		{"empty", "email.send", storage.TimeRange{Since: at(4)}, []int{}},
	}
	for _, tt := range tests {
		ms := listMetrics(t, b, &storage.MetricListParams{OrganizationID: b.org, IntegrationID: in.ID, Metric: tt.metric, Time: tt.r})
		got := []int{}
		for _, m := range ms {
			require.Equal(t, tt.metric, m.Metric)
			got = append(got, int(m.Count)-1)
			requireTime(t, at(int(m.Count)-1), m.BucketStart)
		}
		require.Equal(t, tt.want, got, tt.name)
	}

	all := listMetrics(t, b, &storage.MetricListParams{OrganizationID: b.org, IntegrationID: in.ID})
	require.Len(t, all, 8, "no Metric keeps every metric")
	for i := 1; i < len(all); i++ {
		require.False(t, all[i].BucketStart.Before(all[i-1].BucketStart), "oldest first")
	}
}

func testMetricIsolation(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	mustAddMetric(t, b, metricAdd(b.org, in.ID, "email.send", bucketStart, 1, 0, 10, 10))
	require.Empty(t, listMetrics(t, b, &storage.MetricListParams{OrganizationID: b.other, IntegrationID: in.ID}))
	require.Len(t, listMetrics(t, b, &storage.MetricListParams{OrganizationID: b.org, IntegrationID: in.ID}), 1)
}
