package integration

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// UptimeTarget is the uptime the health screen compares against (§5,
// "target: 99.9%").
const UptimeTarget = 99.9

// Metrics are an integration's figures over a window (§5, "METRICS (Last 24
// Hours)"): calls that succeeded and failed, the success rate, the average
// response time and failure rate against their normal (the 7 days before
// the window), and the uptime (health checks passed) against
// [UptimeTarget]; with hourly buckets for a chart.
type Metrics struct {
	IntegrationID uuid.UUID
	// Since and Until bound the window: whole hours, the current one
	// included.
	Since, Until time.Time
	// Sent counts the calls that succeeded, Failed those that failed
	// ("Emails Sent: 1,247 (98% success rate)").
	Sent, Failed int64
	// SuccessRate and FailureRate are percents of the calls; both are 0
	// without calls.
	SuccessRate, FailureRate float64
	// AvgResponse is the calls' average response time, NormalResponse the
	// average over the 7 days before the window ("1.2 seconds (normal:
	// 0.8s)"); NormalFailureRate is the failure rate then.
	AvgResponse       time.Duration
	NormalResponse    time.Duration
	NormalFailureRate float64
	// Uptime is the percent of health checks that passed (100 without
	// checks), UptimeTarget the target.
	Uptime        float64
	UptimeTarget  float64
	Checks        int64
	CheckFailures int64
	// Hourly has one bucket per hour of the window, oldest first, empty
	// hours included.
	Hourly []HourlyMetrics
}

// HourlyMetrics are one hour's figures.
type HourlyMetrics struct {
	Start         time.Time
	Sent, Failed  int64
	AvgResponse   time.Duration
	MaxResponse   time.Duration
	Checks        int64
	CheckFailures int64
}

// Metrics returns an integration's figures over the window ending with the
// current hour; window is rounded up to whole hours (zero means 24 hours).
func (m *Manager) Metrics(ctx context.Context, orgID, id uuid.UUID, window time.Duration) (*Metrics, error) {
	if window < 0 {
		return nil, errors.New("integration: Metrics window must not be negative")
	}
	if window == 0 {
		window = 24 * time.Hour
	}
	if _, err := m.store.IntegrationGet(ctx, orgID, id); err != nil {
		return nil, err
	}
	hours := int((window + time.Hour - 1) / time.Hour)
	until := m.cfg.Clock().UTC().Truncate(time.Hour).Add(time.Hour)
	since := until.Add(-time.Duration(hours) * time.Hour)
	bs, err := m.store.MetricList(ctx, &storage.MetricListParams{OrganizationID: orgID, IntegrationID: id,
		Time: storage.TimeRange{Since: since, Until: until}})
	if err != nil {
		return nil, err
	}
	normal, err := m.figures(ctx, orgID, id, since.Add(-normalWindow), since)
	if err != nil {
		return nil, err
	}
	out := &Metrics{IntegrationID: id, Since: since, Until: until, UptimeTarget: UptimeTarget,
		NormalResponse: msDuration(normal.avgMS()), NormalFailureRate: rate(normal.failed, normal.calls)}
	out.Hourly = hourly(since, hours, bs)
	var f callFigures
	for _, b := range bs {
		f.add(b)
	}
	out.Sent, out.Failed = f.calls-f.failed, f.failed
	out.SuccessRate, out.FailureRate = rate(out.Sent, f.calls), rate(f.failed, f.calls)
	out.AvgResponse = msDuration(f.avgMS())
	out.Checks, out.CheckFailures = f.checks, f.checkFailures
	out.Uptime = 100
	if f.checks > 0 {
		out.Uptime = rate(f.checks-f.checkFailures, f.checks)
	}
	return out, nil
}

// hourly spreads buckets over the window's hours.
func hourly(since time.Time, hours int, bs []*storage.MetricBucket) []HourlyMetrics {
	out := make([]HourlyMetrics, hours)
	sums := make([]callFigures, hours)
	for i := range out {
		out[i].Start = since.Add(time.Duration(i) * time.Hour)
	}
	for _, b := range bs {
		i := int(b.BucketStart.Sub(since) / time.Hour)
		if i < 0 || i >= hours {
			continue
		}
		sums[i].add(b)
		if isCall(b.Metric) {
			out[i].MaxResponse = max(out[i].MaxResponse, time.Duration(b.MaxDurationMS)*time.Millisecond)
		}
	}
	for i, f := range sums {
		out[i].Sent, out[i].Failed = f.calls-f.failed, f.failed
		out[i].AvgResponse = msDuration(f.avgMS())
		out[i].Checks, out[i].CheckFailures = f.checks, f.checkFailures
	}
	return out
}

// rate is n of total in percent; 0 of 0 is 0.
func rate(n, total int64) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(n) / float64(total)
}

func msDuration(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

func isCall(metric string) bool {
	return len(metric) > len(MetricCallPrefix) && metric[:len(MetricCallPrefix)] == MetricCallPrefix
}
