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
	now := s.Now()
	batch := &pgx.Batch{}
	for _, p := range b.Logs {
		at := p.Time
		if at.IsZero() {
			at = now
		}
		batch.Queue(`INSERT INTO integration_logs (id, organization_id, integration_id, level, message, details, logged_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id16(newID()), id16(p.OrganizationID), id16(p.IntegrationID),
			string(p.Level), p.Message, nullJSON(p.Details), at.UTC().Truncate(time.Microsecond))
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
