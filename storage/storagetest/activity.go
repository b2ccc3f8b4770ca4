package storagetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func activityTests() []test {
	return []test{
		{"RecordLogsMetricsSyncs", testActivityRecord},
		{"SyncNeverMovesBack", testActivitySyncOrder},
		{"SyncOfDeletedIntegrationSkipped", testActivitySyncDeleted},
		{"BatchAllOrNothing", testActivityAllOrNothing},
		{"EmptyBatch", testActivityEmpty},
	}
}

func activityLog(b *bundle, in *storage.Integration, level storage.LogLevel, msg string, at time.Time) *storage.LogInsertParams {
	return &storage.LogInsertParams{OrganizationID: b.org, IntegrationID: in.ID, Level: level, Message: msg,
		Details: json.RawMessage(`{"duration_ms": 120}`), Time: at}
}

func record(t *testing.T, b *bundle, batch *storage.ActivityBatch) {
	t.Helper()
	require.NoError(t, b.store.ActivityRecord(b.ctx, batch))
}

func testActivityRecord(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	in2 := mustCreateIntegration(t, b, b.org)
	mustAddMetric(t, b, metricAdd(b.org, in.ID, "call.email.send", bucketStart, 1, 0, 100, 100))
	record(t, b, &storage.ActivityBatch{
		Logs: []*storage.LogInsertParams{
			activityLog(b, in, storage.LogInfo, "Email sent successfully", fixedTime),
			activityLog(b, in2, storage.LogError, "Connection to SendGrid timed out", fixedTime.Add(time.Second)),
		},
		Metrics: []*storage.MetricAddParams{
			metricAdd(b.org, in.ID, "call.email.send", bucketStart, 2, 1, 300, 250),
			metricAdd(b.org, in2.ID, "health_check", bucketStart, 1, 1, 30, 30),
		},
		Syncs: []*storage.IntegrationSync{
			{OrganizationID: b.org, IntegrationID: in.ID, Time: fixedTime},
			{OrganizationID: b.org, IntegrationID: in2.ID, Time: fixedTime.Add(time.Second), Error: "Connection to SendGrid timed out"},
		},
	})

	logs, err := b.store.LogList(b.ctx, &storage.LogListParams{OrganizationID: b.org})
	require.NoError(t, err)
	require.Len(t, logs.Items, 2)
	require.Equal(t, "Connection to SendGrid timed out", logs.Items[0].Message)
	require.Equal(t, storage.LogError, logs.Items[0].Level)
	requireTime(t, fixedTime.Add(time.Second), logs.Items[0].Time)
	requireJSON(t, json.RawMessage(`{"duration_ms": 120}`), logs.Items[1].Details)

	ms := listMetrics(t, b, &storage.MetricListParams{OrganizationID: b.org, IntegrationID: in.ID})
	require.Len(t, ms, 1)
	requireBucket(t, &storage.MetricBucket{OrganizationID: b.org, IntegrationID: in.ID, Metric: "call.email.send",
		BucketStart: bucketStart, Count: 3, Errors: 1, DurationMS: 400, MaxDurationMS: 250}, ms[0])

	h := mustHealth(t, b, b.org, in.ID)
	requireTimePtr(t, ptr(fixedTime), h.LastSync)
	require.Empty(t, h.LastSyncError)
	h2 := mustHealth(t, b, b.org, in2.ID)
	requireTimePtr(t, ptr(fixedTime.Add(time.Second)), h2.LastSync)
	require.Equal(t, "Connection to SendGrid timed out", h2.LastSyncError)
}

func testActivitySyncOrder(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	sync := func(at time.Time, msg string) {
		record(t, b, &storage.ActivityBatch{Syncs: []*storage.IntegrationSync{
			{OrganizationID: b.org, IntegrationID: in.ID, Time: at, Error: msg}}})
	}
	sync(fixedTime, "failed")
	sync(fixedTime.Add(-time.Minute), "")
	h := mustHealth(t, b, b.org, in.ID)
	requireTimePtr(t, ptr(fixedTime), h.LastSync, "an older sync is ignored")
	require.Equal(t, "failed", h.LastSyncError)
	sync(fixedTime.Add(time.Minute), "")
	h = mustHealth(t, b, b.org, in.ID)
	requireTimePtr(t, ptr(fixedTime.Add(time.Minute)), h.LastSync)
	require.Empty(t, h.LastSyncError, "a success clears the error")

	record(t, b, &storage.ActivityBatch{Syncs: []*storage.IntegrationSync{
		{OrganizationID: b.other, IntegrationID: in.ID, Time: fixedTime.Add(time.Hour), Error: "x"}}})
	requireTimePtr(t, ptr(fixedTime.Add(time.Minute)), mustHealth(t, b, b.org, in.ID).LastSync, "another organization's sync")
}

func testActivitySyncDeleted(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	require.NoError(t, b.store.IntegrationDelete(b.ctx, b.org, in.ID))
	record(t, b, &storage.ActivityBatch{
		Logs:  []*storage.LogInsertParams{activityLog(b, in, storage.LogInfo, "late", fixedTime)},
		Syncs: []*storage.IntegrationSync{{OrganizationID: b.org, IntegrationID: in.ID, Time: fixedTime}},
	})
	logs, err := b.store.LogList(b.ctx, &storage.LogListParams{OrganizationID: b.org, IntegrationID: in.ID})
	require.NoError(t, err)
	require.Len(t, logs.Items, 1, "the log of a call made before the delete is kept")
}

func testActivityAllOrNothing(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	err := b.store.ActivityRecord(b.ctx, &storage.ActivityBatch{
		Logs: []*storage.LogInsertParams{
			activityLog(b, in, storage.LogInfo, "fine", fixedTime),
			activityLog(b, in, storage.LogLevel("loud"), "breaks the level constraint", fixedTime),
		},
		Metrics: []*storage.MetricAddParams{metricAdd(b.org, in.ID, "call.email.send", bucketStart, 1, 0, 1, 1)},
		Syncs:   []*storage.IntegrationSync{{OrganizationID: b.org, IntegrationID: in.ID, Time: fixedTime}},
	})
	require.Error(t, err)
	logs, err := b.store.LogList(b.ctx, &storage.LogListParams{OrganizationID: b.org})
	require.NoError(t, err)
	require.Empty(t, logs.Items)
	require.Empty(t, listMetrics(t, b, &storage.MetricListParams{OrganizationID: b.org, IntegrationID: in.ID}))
	require.Nil(t, mustHealth(t, b, b.org, in.ID).LastSync)
}

func testActivityEmpty(t *testing.T, b *bundle) {
	require.NoError(t, b.store.ActivityRecord(b.ctx, &storage.ActivityBatch{}))
	require.NoError(t, b.store.ActivityRecord(b.ctx, nil))
}
