package sqlite

import (
	"context"
	"database/sql"

	"github.com/intimeos/integrations/storage"
)

// The statements of ActivityRecord.
const (
	activityLogSQL = `INSERT INTO integration_logs
		(id, organization_id, integration_id, level, message, details, logged_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`
	activityMetricSQL = `INSERT INTO integration_metrics AS m (` + metricCols + `)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
		ON CONFLICT (organization_id, integration_id, metric, bucket_start) DO UPDATE SET
		count = m.count + excluded.count, errors = m.errors + excluded.errors,
		duration_ms = m.duration_ms + excluded.duration_ms,
		max_duration_ms = MAX(m.max_duration_ms, excluded.max_duration_ms)`
	activitySyncSQL = `UPDATE integrations SET last_sync = ?3, last_sync_error = NULLIF(?4, '')
		WHERE organization_id = ?1 AND id = ?2 AND (last_sync IS NULL OR last_sync <= ?3)`
)

// ActivityRecord implements [storage.ActivityStore] in one write
// transaction with one prepared statement per kind of row.
func (s *Store) ActivityRecord(ctx context.Context, b *storage.ActivityBatch) error {
	if b == nil || b.Len() == 0 {
		return nil
	}
	now := s.Now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		err := execEach(ctx, tx, nil, activityLogSQL, b.Logs, func(p *storage.LogInsertParams) []any {
			at := p.Time
			if at.IsZero() {
				at = now
			}
			return []any{newID(), p.OrganizationID, p.IntegrationID, string(p.Level), p.Message, jsonText(p.Details), ts(at)}
		})
		if err != nil {
			return err
		}
		err = execEach(ctx, tx, nil, activityMetricSQL, b.Metrics, func(p *storage.MetricAddParams) []any {
			return []any{p.OrganizationID, p.IntegrationID, p.Metric, ts(p.BucketStart), p.Count, p.Errors,
				p.DurationMS, p.MaxDurationMS}
		})
		if err != nil {
			return err
		}
		return execEach(ctx, tx, nil, activitySyncSQL, b.Syncs, func(p *storage.IntegrationSync) []any {
			return []any{p.OrganizationID, p.IntegrationID, ts(p.Time), p.Error}
		})
	})
}
