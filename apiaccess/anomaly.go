package apiaccess

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// anomalyWindow is the window a token's traffic is measured over.
const anomalyWindow = time.Minute

// Anomaly is a token whose traffic in one minute was far above its normal
// rate (§10, "Monitor for anomalies").
type Anomaly struct {
	OrganizationID uuid.UUID
	TokenID        uuid.UUID
	WindowStart    time.Time
	WindowEnd      time.Time
	// Requests is the count in the window; Baseline the normal count per
	// minute over Config.Anomaly.Baseline before it.
	Requests int64
	Baseline float64
	// DetectedAt is when a host recorded it.
	DetectedAt time.Time
}

// Message describes the anomaly for an alert: "API token <id>: 600
// requests in a minute, normally 5.0".
func (a *Anomaly) Message() string {
	return fmt.Sprintf("API token %s: %d requests in a minute, normally %.1f", a.TokenID, a.Requests, a.Baseline)
}

// detector finds anomalous tokens from the usage all hosts wrote.
type detector struct {
	store storage.APIUsageStore
	cfg   *Config

	mu   sync.Mutex
	last time.Time // start of the last window checked
}

// check looks at the last whole minute before at, once per minute, and
// reports the anomalies this host recorded first.
func (d *detector) check(ctx context.Context, at time.Time, report func(context.Context, *Anomaly)) ([]*Anomaly, error) {
	start := at.Truncate(anomalyWindow).Add(-anomalyWindow)
	d.mu.Lock()
	defer d.mu.Unlock()
	if !start.After(d.last) {
		return nil, nil
	}
	// Anomalies claimed before a failure are reported now: the next try
	// finds them claimed and skips them.
	found, err := d.evaluate(ctx, start)
	for _, a := range found {
		if report != nil {
			report(ctx, a)
		}
	}
	if err == nil {
		d.last = start
	}
	return found, err
}

// evaluate finds and claims the anomalies of the window starting at start.
func (d *detector) evaluate(ctx context.Context, start time.Time) ([]*Anomaly, error) {
	end := start.Add(anomalyWindow)
	totals, err := d.store.APIUsageTotals(ctx, &storage.APIUsageTotalsParams{
		BaselineSince: start.Add(-d.cfg.Anomaly.Baseline), CurrentSince: start, Until: end})
	if err != nil {
		return nil, fmt.Errorf("apiaccess: usage totals: %w", err)
	}
	windows := float64(d.cfg.Anomaly.Baseline) / float64(anomalyWindow)
	var out []*Anomaly
	for _, t := range totals {
		normal := float64(t.Baseline) / windows
		if t.Current < d.cfg.Anomaly.MinRequests || float64(t.Current) <= d.cfg.Anomaly.Factor*normal {
			continue
		}
		rec := &storage.APIAnomaly{OrganizationID: t.OrganizationID, TokenID: t.TokenID, WindowStart: start,
			WindowEnd: end, Requests: t.Current, BaselinePerWindow: normal}
		ok, err := d.store.APIAnomalyClaim(ctx, rec)
		if err != nil {
			return out, fmt.Errorf("apiaccess: record anomaly: %w", err)
		}
		if ok {
			out = append(out, anomalyOf(rec))
		}
	}
	return out, nil
}

func anomalyOf(r *storage.APIAnomaly) *Anomaly {
	return &Anomaly{OrganizationID: r.OrganizationID, TokenID: r.TokenID, WindowStart: r.WindowStart,
		WindowEnd: r.WindowEnd, Requests: r.Requests, Baseline: r.BaselinePerWindow, DetectedAt: r.DetectedAt}
}

// AnomalyCheck looks for anomalies in the last whole minute before at (the
// background loop calls it with a little delay, so that every host's
// figures are written), records the new ones, calls Config.OnAnomaly for
// each and returns them. A minute is checked once per Service; across hosts
// each anomaly is reported by one host only.
func (s *Service) AnomalyCheck(ctx context.Context, at time.Time) ([]*Anomaly, error) {
	return s.anomaly.check(ctx, at, s.cfg.OnAnomaly)
}

// AnomalyList returns an organization's anomalies whose window started at
// or after since, newest first.
func (s *Service) AnomalyList(ctx context.Context, orgID uuid.UUID, since time.Time) ([]*Anomaly, error) {
	rows, err := s.store.APIAnomalyList(ctx, &storage.APIUsageParams{OrganizationID: orgID, Time: storage.TimeRange{Since: since}})
	if err != nil {
		return nil, fmt.Errorf("apiaccess: list anomalies: %w", err)
	}
	out := make([]*Anomaly, len(rows))
	for i, r := range rows {
		out[i] = anomalyOf(r)
	}
	return out, nil
}
