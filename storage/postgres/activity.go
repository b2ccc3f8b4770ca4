package postgres

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
)

// ActivityRecord implements [storage.ActivityStore]: one transaction, sent
// as one batch (one round trip). Metric buckets and syncs are written in
// key order, so that two hosts' batches touching the same rows queue
// behind each other instead of deadlocking.
func (s *Store) ActivityRecord(ctx context.Context, b *storage.ActivityBatch) error {
	if b == nil || b.Len() == 0 {
		return nil
	}
	batch := &pgx.Batch{}
	if len(b.Logs) > 0 {
		queueLogs(batch, b.Logs, s.Now())
	}
	for _, p := range sortedMetrics(b.Metrics) {
		batch.Queue(`INSERT INTO integration_metrics AS m (`+metricCols+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (organization_id, integration_id, metric, bucket_start) DO UPDATE SET
			count = m.count + EXCLUDED.count, errors = m.errors + EXCLUDED.errors,
			duration_ms = m.duration_ms + EXCLUDED.duration_ms,
			max_duration_ms = GREATEST(m.max_duration_ms, EXCLUDED.max_duration_ms)`,
			id16(p.OrganizationID), id16(p.IntegrationID), p.Metric, p.BucketStart.UTC().Truncate(time.Microsecond),
			p.Count, p.Errors, p.DurationMS, p.MaxDurationMS)
	}
	for _, p := range sortedSyncs(b.Syncs) {
		batch.Queue(`UPDATE integrations SET last_sync = $3, last_sync_error = NULLIF($4, '')
			WHERE organization_id = $1 AND id = $2 AND (last_sync IS NULL OR last_sync <= $3)`,
			id16(p.OrganizationID), id16(p.IntegrationID), p.Time.UTC().Truncate(time.Microsecond), p.Error)
	}
	return s.inTx(ctx, func(tx pgx.Tx) error { return mapErr(tx.SendBatch(ctx, batch).Close()) })
}

// queueLogs queues the insert of every log entry as one statement over
// arrays, so that a batch of hundreds of entries costs one statement.
func queueLogs(batch *pgx.Batch, logs []*storage.LogInsertParams, now time.Time) {
	n := len(logs)
	ids, orgs, ints := make([][16]byte, n), make([][16]byte, n), make([][16]byte, n)
	levels, msgs := make([]string, n), make([]string, n)
	details := make([]*string, n)
	times := make([]time.Time, n)
	for i, p := range logs {
		at := p.Time
		if at.IsZero() {
			at = now
		}
		ids[i], orgs[i], ints[i] = id16(newID()), id16(p.OrganizationID), id16(p.IntegrationID)
		levels[i], msgs[i], times[i] = string(p.Level), p.Message, at.UTC().Truncate(time.Microsecond)
		if len(p.Details) > 0 {
			d := string(p.Details)
			details[i] = &d
		}
	}
	batch.Queue(`INSERT INTO integration_logs (id, organization_id, integration_id, level, message, details, logged_at)
		SELECT i, o, n, l, m, d::jsonb, t
		FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
			AS u(i, o, n, l, m, d, t)`, ids, orgs, ints, levels, msgs, details, times)
}

func sortedMetrics(in []*storage.MetricAddParams) []*storage.MetricAddParams {
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b *storage.MetricAddParams) int {
		return cmp.Or(bytes.Compare(a.OrganizationID[:], b.OrganizationID[:]),
			bytes.Compare(a.IntegrationID[:], b.IntegrationID[:]), cmp.Compare(a.Metric, b.Metric),
			a.BucketStart.Compare(b.BucketStart))
	})
	return out
}

func sortedSyncs(in []*storage.IntegrationSync) []*storage.IntegrationSync {
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b *storage.IntegrationSync) int {
		return cmp.Or(bytes.Compare(a.IntegrationID[:], b.IntegrationID[:]), a.Time.Compare(b.Time))
	})
	return out
}
