package providers

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// UsageCounter is the part of [storage.Store] quotas need: atomic counters
// in hourly buckets, shared by every host on the same database.
type UsageCounter interface {
	MetricAdd(ctx context.Context, p *storage.MetricAddParams) (*storage.MetricBucket, error)
	MetricList(ctx context.Context, p *storage.MetricListParams) ([]*storage.MetricBucket, error)
}

// Quota limits and bounds (UC-ADMIN-007 §4 and §17, rateLimitHour).
const (
	HourlyLimitDefault = 1000
	HourlyLimitMin     = 100
	HourlyLimitMax     = 10000
	DailyLimitDefault  = 25000
	QuotaMetricDefault = "quota"
)

// QuotaConfig configures a [Quota].
type QuotaConfig struct {
	// Store keeps the counters. Required.
	Store UsageCounter
	// HourlyLimit is the spec's rateLimitHour: 100 to 10,000. Zero means
	// HourlyLimitDefault (1,000).
	HourlyLimit int
	// DailyLimit caps a calendar day (in the clock's location). Zero means
	// DailyLimitDefault (25,000).
	DailyLimit int
	// Metric prefixes the counters' metric names: "<Metric>.hour" and
	// "<Metric>.day". Empty means QuotaMetricDefault ("quota").
	Metric string
	// Clock returns the current time. Nil means time.Now.
	Clock func() time.Time
}

// WithDefaults returns a copy of c with zero fields set to their defaults.
func (c *QuotaConfig) WithDefaults() QuotaConfig {
	var out QuotaConfig
	if c != nil {
		out = *c
	}
	if out.HourlyLimit == 0 {
		out.HourlyLimit = HourlyLimitDefault
	}
	if out.DailyLimit == 0 {
		out.DailyLimit = DailyLimitDefault
	}
	if out.Metric == "" {
		out.Metric = QuotaMetricDefault
	}
	if out.Clock == nil {
		out.Clock = time.Now
	}
	return out
}

// Validate checks the limits, with the spec's messages for rateLimitHour.
func (c *QuotaConfig) Validate() error {
	var ve ValidationError
	switch {
	case c.HourlyLimit < HourlyLimitMin:
		ve.Fields = append(ve.Fields, FieldError{"rateLimitHour", "Minimum hourly limit is 100"})
	case c.HourlyLimit > HourlyLimitMax:
		ve.Fields = append(ve.Fields, FieldError{"rateLimitHour", "Maximum hourly limit is 10,000"})
	}
	if c.DailyLimit < 1 {
		ve.Fields = append(ve.Fields, FieldError{"rateLimitDay", "Daily limit must be positive"})
	}
	if len(ve.Fields) > 0 {
		return &ve
	}
	return nil
}

// Quota enforces hourly and daily limits per integration with counters in
// the Store, so that several hosts share them. A call takes one unit before
// it runs; a call that fails gives it back.
type Quota struct {
	cfg QuotaConfig
}

// NewQuota returns a Quota configured by cfg.
func NewQuota(cfg *QuotaConfig) (*Quota, error) {
	c := cfg.WithDefaults()
	if c.Store == nil {
		return nil, fmt.Errorf("providers: QuotaConfig.Store is required")
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &Quota{cfg: c}, nil
}

// QuotaKey identifies the integration a quota counts for.
type QuotaKey struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
}

// QuotaError is returned when a limit is reached. Its message is the
// spec's: "Rate limit exceeded. Retry in [X] seconds." It is classed
// rate limited with RetryAfter as the wait, for [retry.ClassifyError].
type QuotaError struct {
	// Window is "hourly" or "daily".
	Window     string
	Limit      int
	RetryAfter time.Duration
}

// Error returns the spec's message.
func (e *QuotaError) Error() string { return RateLimitMessage(e.RetryAfter) }

// RetryClass implements [retry.ClassedError].
func (e *QuotaError) RetryClass() retry.Class { return retry.ClassRateLimited }

// RetryDelay implements [retry.DelayedError].
func (e *QuotaError) RetryDelay() time.Duration { return e.RetryAfter }

type window struct {
	name   string
	metric string
	start  time.Time
	end    time.Time
	limit  int
}

func (q *Quota) windows(now time.Time) [2]window {
	hour := now.Truncate(time.Hour)
	y, m, d := now.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, now.Location())
	return [2]window{
		{"hourly", q.cfg.Metric + ".hour", hour, hour.Add(time.Hour), q.cfg.HourlyLimit},
		{"daily", q.cfg.Metric + ".day", day, day.AddDate(0, 0, 1), q.cfg.DailyLimit},
	}
}

// Take counts one call for k, or returns a *[QuotaError] if it would go
// over a limit (the rejected call is not counted).
func (q *Quota) Take(ctx context.Context, k QuotaKey) error {
	now := q.cfg.Clock()
	ws := q.windows(now)
	for i, w := range ws {
		b, err := q.add(ctx, k, w, 1, 0)
		if err != nil {
			q.undo(ctx, k, ws[:i])
			return err
		}
		if b.Count > int64(w.limit) {
			q.undo(ctx, k, ws[:i+1])
			_, _ = q.add(ctx, k, ws[1], 0, 1) // count the rejection on the day
			return &QuotaError{Window: w.name, Limit: w.limit, RetryAfter: w.end.Sub(now)}
		}
	}
	return nil
}

// Release gives back a unit taken at time taken (a call that failed).
func (q *Quota) Release(ctx context.Context, k QuotaKey, taken time.Time) {
	ws := q.windows(taken)
	q.undo(ctx, k, ws[:])
}

func (q *Quota) undo(ctx context.Context, k QuotaKey, ws []window) {
	for _, w := range ws {
		_, _ = q.add(context.WithoutCancel(ctx), k, w, -1, 0)
	}
}

func (q *Quota) add(ctx context.Context, k QuotaKey, w window, n, rejected int64) (*storage.MetricBucket, error) {
	b, err := q.cfg.Store.MetricAdd(ctx, &storage.MetricAddParams{OrganizationID: k.OrganizationID,
		IntegrationID: k.IntegrationID, Metric: w.metric, BucketStart: w.start, Count: n, Errors: rejected})
	if err != nil {
		return nil, fmt.Errorf("providers: quota: %w", err)
	}
	return b, nil
}

// Usage is an integration's consumption of its limits.
type Usage struct {
	Hour, Today             int64
	HourlyLimit, DailyLimit int
	// Rejected counts the calls refused today.
	Rejected int64
}

// Usage returns k's current usage.
func (q *Quota) Usage(ctx context.Context, k QuotaKey) (*Usage, error) {
	ws := q.windows(q.cfg.Clock())
	u := &Usage{HourlyLimit: q.cfg.HourlyLimit, DailyLimit: q.cfg.DailyLimit}
	for i, w := range ws {
		bs, err := q.cfg.Store.MetricList(ctx, &storage.MetricListParams{OrganizationID: k.OrganizationID,
			IntegrationID: k.IntegrationID, Metric: w.metric, Time: storage.TimeRange{Since: w.start, Until: w.end}})
		if err != nil {
			return nil, fmt.Errorf("providers: quota usage: %w", err)
		}
		for _, b := range bs {
			if i == 0 {
				u.Hour += b.Count
			} else {
				u.Today += b.Count
				u.Rejected += b.Errors
			}
		}
	}
	return u, nil
}

// String reads as the form does: "247 today (1% of daily limit)".
func (u *Usage) String() string {
	pct := int64(0)
	if u.DailyLimit > 0 {
		pct = (u.Today*100 + int64(u.DailyLimit)/2) / int64(u.DailyLimit)
	}
	return fmt.Sprintf("%s today (%d%% of daily limit)", thousands(u.Today), pct)
}

// thousands formats n with comma separators: 25,000.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := ""
	if n < 0 {
		neg, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return neg + s
}
