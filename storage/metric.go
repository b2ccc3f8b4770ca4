package storage

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// MetricBucket aggregates one metric of one integration over a time bucket
// (a row of integration_metrics). Counters add up across hosts.
type MetricBucket struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	// Metric names what is counted, e.g. "email.send" or "health_check".
	Metric      string
	BucketStart time.Time
	Count       int64
	Errors      int64
	DurationMS  int64
	// MaxDurationMS is the slowest single observation in the bucket.
	MaxDurationMS int64
}

// MetricAddParams adds observations to a bucket, creating it if needed.
// BucketStart is used as given; callers truncate it to their granularity.
type MetricAddParams struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	Metric         string
	BucketStart    time.Time
	Count          int64
	Errors         int64
	DurationMS     int64
	MaxDurationMS  int64
}

// MetricListParams selects buckets, oldest first.
type MetricListParams struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	// Metric, when set, keeps one metric.
	Metric string
	// Time filters on BucketStart.
	Time TimeRange
}

// MetricStore persists metric buckets.
type MetricStore interface {
	// MetricAdd adds to a bucket atomically and returns its new totals.
	MetricAdd(ctx context.Context, p *MetricAddParams) (*MetricBucket, error)
	MetricList(ctx context.Context, p *MetricListParams) ([]*MetricBucket, error)
}
