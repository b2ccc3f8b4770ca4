package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

const metricCols = `organization_id, integration_id, metric, bucket_start, count, errors, duration_ms, max_duration_ms`

func scanMetric(row pgx.Row) (*storage.MetricBucket, error) {
	var m storage.MetricBucket
	err := row.Scan(&m.OrganizationID, &m.IntegrationID, &m.Metric, &m.BucketStart, &m.Count, &m.Errors, &m.DurationMS, &m.MaxDurationMS)
	if err != nil {
		return nil, mapErr(err)
	}
	m.BucketStart = m.BucketStart.UTC()
	return &m, nil
}

// MetricAdd implements [storage.MetricStore] as one upsert, atomic across
// hosts.
func (s *Store) MetricAdd(ctx context.Context, p *storage.MetricAddParams) (*storage.MetricBucket, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return scanMetric(s.db.QueryRow(ctx, `INSERT INTO integration_metrics AS m (`+metricCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (organization_id, integration_id, metric, bucket_start) DO UPDATE SET
		count = m.count + EXCLUDED.count, errors = m.errors + EXCLUDED.errors,
		duration_ms = m.duration_ms + EXCLUDED.duration_ms,
		max_duration_ms = GREATEST(m.max_duration_ms, EXCLUDED.max_duration_ms)
		RETURNING `+metricCols,
		p.OrganizationID, p.IntegrationID, p.Metric, p.BucketStart.UTC().Truncate(time.Microsecond),
		p.Count, p.Errors, p.DurationMS, p.MaxDurationMS))
}

// MetricList implements [storage.MetricStore].
func (s *Store) MetricList(ctx context.Context, p *storage.MetricListParams) ([]*storage.MetricBucket, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	q := query.New(query.Dollar)
	q.Where("organization_id = ? AND integration_id = ?", p.OrganizationID, p.IntegrationID)
	if p.Metric != "" {
		q.Where("metric = ?", p.Metric)
	}
	timeRange(q, "bucket_start", p.Time)
	return queryAll(ctx, s, `SELECT `+metricCols+` FROM integration_metrics`+q.SQL()+` ORDER BY bucket_start, metric`,
		q.Args(), scanMetric)
}
