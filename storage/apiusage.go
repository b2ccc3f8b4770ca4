package storage

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// APIUsageCount counts requests of one token to one route with one status
// class in one bucket (a row of api_usage). Counts add up across hosts.
type APIUsageCount struct {
	OrganizationID uuid.UUID
	TokenID        uuid.UUID
	// BucketStart is the start of the bucket (a minute, as apiaccess
	// writes them); zero in the sums of [APIUsageStore.APIUsageSum].
	BucketStart time.Time
	// Route is the route pattern ("GET /api/jobs/{id}"), empty when the
	// request matched none.
	Route string
	// StatusClass is the status code divided by 100 (2, 4, 5), 0 for any
	// other status.
	StatusClass int
	Requests    int64
}

// APIThrottleCount counts requests refused by one limit (a row of
// api_throttles).
type APIThrottleCount struct {
	OrganizationID uuid.UUID
	TokenID        uuid.UUID
	BucketStart    time.Time
	Route          string
	// Limit names the limit that refused them ("token_minute",
	// "token_hour", "org_hour").
	Limit    string
	Requests int64
	// FirstAt and LastAt bound the refusals in the bucket.
	FirstAt time.Time
	LastAt  time.Time
}

// APITokenUse records that a token was used at At.
type APITokenUse struct {
	OrganizationID uuid.UUID
	TokenID        uuid.UUID
	At             time.Time
}

// APIUsageBatch is what a host writes in one transaction: counts to add,
// throttles to add, and tokens' last use (kept when later than At).
type APIUsageBatch struct {
	Counts    []*APIUsageCount
	Throttles []*APIThrottleCount
	Uses      []*APITokenUse
}

// APIUsageParams select an organization's usage.
type APIUsageParams struct {
	OrganizationID uuid.UUID
	// TokenID, when not uuid.Nil, keeps one token.
	TokenID uuid.UUID
	// Time filters on the bucket start.
	Time TimeRange
}

// APIUsageTotalsParams select every token's requests in two ranges, for
// anomaly detection: Current is [CurrentSince, Until), Baseline is
// [BaselineSince, CurrentSince).
type APIUsageTotalsParams struct {
	BaselineSince time.Time
	CurrentSince  time.Time
	Until         time.Time
}

// APIUsageTotal is one token's requests in the two ranges of
// [APIUsageTotalsParams].
type APIUsageTotal struct {
	OrganizationID uuid.UUID
	TokenID        uuid.UUID
	Current        int64
	Baseline       int64
}

// APIAnomaly is a token whose traffic in a window was far above its normal
// rate (a row of api_anomalies).
type APIAnomaly struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	TokenID        uuid.UUID
	WindowStart    time.Time
	WindowEnd      time.Time
	// Requests is the count in the window; BaselinePerWindow the normal
	// count per window of the same length.
	Requests          int64
	BaselinePerWindow float64
	DetectedAt        time.Time
}

// APIUsageStore keeps usage counters and anomalies.
type APIUsageStore interface {
	// APIUsageWrite writes a batch in one transaction.
	APIUsageWrite(ctx context.Context, b *APIUsageBatch) error
	// APIUsageSum returns the counts of p summed over the buckets, one per
	// token, route and status class, ordered by token, route and class.
	APIUsageSum(ctx context.Context, p *APIUsageParams) ([]*APIUsageCount, error)
	// APIThrottleList returns the throttle rows of p, newest bucket first.
	APIThrottleList(ctx context.Context, p *APIUsageParams) ([]*APIThrottleCount, error)
	// APIUsageTotals returns, across organizations, the tokens with
	// requests in the current range and their totals in both ranges.
	APIUsageTotals(ctx context.Context, p *APIUsageTotalsParams) ([]*APIUsageTotal, error)
	// APIAnomalyClaim records an anomaly unless the token already has one
	// for the same window start, and reports whether this call recorded it
	// (so that of several hosts one reports it). ID and DetectedAt are set.
	APIAnomalyClaim(ctx context.Context, a *APIAnomaly) (bool, error)
	// APIAnomalyList returns the anomalies of p whose window started in
	// p.Time, newest first.
	APIAnomalyList(ctx context.Context, p *APIUsageParams) ([]*APIAnomaly, error)
}
