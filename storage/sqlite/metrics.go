package sqlite

import (
	"context"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

const metricCols = `organization_id, integration_id, metric, bucket_start, count, errors, duration_ms, max_duration_ms`

func scanMetric(r row) (*storage.MetricBucket, error) {
	var m storage.MetricBucket
	err := r.Scan(&m.OrganizationID, &m.IntegrationID, &m.Metric, timeCol{&m.BucketStart}, &m.Count, &m.Errors, &m.DurationMS, &m.MaxDurationMS)
	if err != nil {
		return nil, mapErr(err)
	}
	return &m, nil
}

// MetricAdd implements [storage.MetricStore] as one upsert, atomic across
// processes.
func (s *Store) MetricAdd(ctx context.Context, p *storage.MetricAddParams) (*storage.MetricBucket, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return writeRow(ctx, s, scanMetric, `INSERT INTO integration_metrics AS m (`+metricCols+`)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
		ON CONFLICT (organization_id, integration_id, metric, bucket_start) DO UPDATE SET
		count = m.count + excluded.count, errors = m.errors + excluded.errors,
		duration_ms = m.duration_ms + excluded.duration_ms,
		max_duration_ms = MAX(m.max_duration_ms, excluded.max_duration_ms)
		RETURNING `+metricCols,
		p.OrganizationID, p.IntegrationID, p.Metric, ts(p.BucketStart), p.Count, p.Errors, p.DurationMS, p.MaxDurationMS)
}

// MetricList implements [storage.MetricStore].
func (s *Store) MetricList(ctx context.Context, p *storage.MetricListParams) ([]*storage.MetricBucket, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	q := query.New(query.Question)
	q.Where("organization_id = ? AND integration_id = ?", p.OrganizationID, p.IntegrationID)
	if p.Metric != "" {
		q.Where("metric = ?", p.Metric)
	}
	timeRange(q, "bucket_start", p.Time)
	return queryAll(ctx, s, `SELECT `+metricCols+` FROM integration_metrics`+q.SQL()+` ORDER BY bucket_start, metric`,
		q.Args(), scanMetric)
}
