package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// callRecord is what the call path knows of one call; the recorder turns
// it into a log entry, an observation and a sync, off the call's path.
type callRecord struct {
	// t is the member that ran the last attempt (the primary when none
	// ran); primary is the route's primary.
	t, primary *target
	op         *providers.Operation
	res        *providers.Result
	err        error
	start      time.Time
	duration   time.Duration
	attempts   int
	// refused marks a call the quota refused: it was not made.
	refused bool
}

func (m *Manager) recordCall(ctx context.Context, c *callRecord) {
	_ = m.rec.enqueue(ctx, &record{call: c})
}

// The messages of successful calls, by operation; others read "<operation>
// succeeded".
var callMessages = map[string]string{
	email.OpSend: "Email sent successfully",
	"email.test": "Test email sent",
}

// addCall adds a call's log entry, observation and sync to a batch.
func (r *Recorder) addCall(ctx context.Context, a *aggregate, c *callRecord) {
	t := c.t
	e := &LogEntry{OrganizationID: t.orgID, IntegrationID: t.id, Time: c.start, Details: map[string]any{
		"operation": c.op.Name, "provider": t.display, "duration_ms": c.duration.Milliseconds(), "attempts": c.attempts}}
	if c.primary != nil && c.primary != t {
		e.Details["failover_from"] = c.primary.display
	}
	switch {
	case c.refused:
		e.Level, e.Message = storage.LogWarn, providers.UserMessage(c.err, t.display)
		e.Details["reason"] = "quota"
		delete(e.Details, "attempts")
		a.log(e)
		return
	case c.err != nil:
		describeFailure(e, c)
	default:
		e.Level, e.Message = storage.LogInfo, callMessages[c.op.Name]
		if e.Message == "" {
			e.Message = c.op.Name + " succeeded"
		}
		describeSuccess(e, c)
		r.markSlow(ctx, e, c)
	}
	a.log(e)
	a.observe(&Observation{OrganizationID: t.orgID, IntegrationID: t.id, Metric: MetricCallPrefix + c.op.Name,
		Time: c.start, Duration: c.duration, Failed: c.err != nil})
	errMsg := ""
	if c.err != nil {
		errMsg = e.Message
	}
	a.sync(t.orgID, t.id, c.start, errMsg)
}

// describeFailure makes e the ERROR entry of a failed call: the spec's
// message (§16), the endpoint, the error's class and kind, and its text
// with every secret of the members masked.
func describeFailure(e *LogEntry, c *callRecord) {
	secrets := c.t.secrets
	if c.primary != nil && c.primary != c.t {
		secrets = append(append([]string(nil), secrets...), c.primary.secrets...)
	}
	pe := providers.AsError(c.err)
	e.Level = storage.LogError
	e.Message = scrub(providers.UserMessage(c.err, c.t.display), secrets)
	e.Details["class"] = retry.ClassifyError(c.err).Class.String()
	e.Details["kind"] = pe.Kind.String()
	e.Details["error"] = scrub(c.err.Error(), secrets)
	if c.t.endpoint != "" {
		e.Details["endpoint"] = c.t.endpoint
	}
	if pe.RetryAfter > 0 {
		e.Details["retry_after_ms"] = pe.RetryAfter.Milliseconds()
	}
}

// describeSuccess adds what the call did: for an email, the recipients,
// the subject and the provider's message ID.
func describeSuccess(e *LogEntry, c *callRecord) {
	if c.op.Name != email.OpSend && c.op.Name != "email.test" {
		return
	}
	var msg struct {
		To      []string `json:"to"`
		Subject string   `json:"subject"`
	}
	if json.Unmarshal(c.op.Payload, &msg) == nil {
		if len(msg.To) > 0 {
			e.Details["to"] = msg.To
		}
		if msg.Subject != "" {
			e.Details["subject"] = msg.Subject
		}
	}
	var rc email.Receipt
	if c.res != nil && json.Unmarshal(c.res.Payload, &rc) == nil && rc.MessageID != "" {
		e.Details["message_id"] = rc.MessageID
	}
}

// markSlow turns a successful call's entry into the spec's WARN "Slow
// response" when it took over Config.SlowThreshold, or SlowFactor times
// its integration's normal response time.
func (r *Recorder) markSlow(ctx context.Context, e *LogEntry, c *callRecord) {
	cfg := r.m.cfg
	normalMS := r.normals.get(ctx, c.t.orgID, c.t.id)
	slow := c.duration > cfg.SlowThreshold
	if normalMS > 0 && float64(c.duration.Milliseconds()) > cfg.SlowFactor*normalMS && c.duration >= 100*time.Millisecond {
		slow = true
	}
	if !slow {
		return
	}
	e.Level, e.Message = storage.LogWarn, "Slow response"
	e.Details["response_time_ms"] = c.duration.Milliseconds()
	if normalMS > 0 {
		e.Details["normal_ms"] = int64(normalMS + 0.5)
	}
}

// checkRecord is a health check's outcome to record.
type checkRecord struct {
	t *target
	o *checkOutcome
}

func (m *Manager) recordCheck(ctx context.Context, t *target, o *checkOutcome) {
	_ = m.rec.enqueue(ctx, &record{check: &checkRecord{t: t, o: o}})
}

func (c *checkRecord) entry() *LogEntry {
	e := &LogEntry{OrganizationID: c.t.orgID, IntegrationID: c.t.id, Time: c.o.start,
		Details: map[string]any{"provider": c.t.display, "duration_ms": c.o.duration.Milliseconds()}}
	if c.o.ok() {
		e.Level, e.Message = storage.LogInfo, "Health check passed"
		if c.o.res != nil {
			stages := make([]map[string]any, len(c.o.res.Stages))
			for i, st := range c.o.res.Stages {
				stages[i] = map[string]any{"name": st.Name, "status": st.Status, "duration_ms": st.Duration.Milliseconds()}
			}
			e.Details["stages"] = stages
		}
		return e
	}
	e.Level, e.Message = storage.LogError, c.o.message
	e.Details["check"] = "health_check"
	e.Details["class"] = c.o.class.String()
	if c.o.stage != "" {
		e.Details["stage"] = c.o.stage
	}
	if c.t.endpoint != "" {
		e.Details["endpoint"] = c.t.endpoint
	}
	return e
}

func (c *checkRecord) observation() *Observation {
	return &Observation{OrganizationID: c.t.orgID, IntegrationID: c.t.id, Metric: MetricHealthCheck, Time: c.o.start,
		Duration: c.o.duration, Failed: !c.o.ok()}
}

// switchRecord is a failover switch, logged on the route's primary.
type switchRecord struct {
	primary *target
	sw      *FailoverSwitch
}

func (m *Manager) recordSwitch(ctx context.Context, primary *target, sw *FailoverSwitch) {
	_ = m.rec.enqueue(ctx, &record{sw: &switchRecord{primary: primary, sw: sw}})
}

func (s *switchRecord) entry() *LogEntry {
	msg := "Switched to " + s.sw.To
	if s.sw.ToID == s.primary.id {
		msg = "Switched back to " + s.sw.To
	}
	return &LogEntry{OrganizationID: s.primary.orgID, IntegrationID: s.primary.id, Level: storage.LogWarn,
		Message: msg, Time: s.sw.Time, Details: map[string]any{"failover": true, "from": s.sw.From, "to": s.sw.To,
			"reason": scrub(s.sw.Reason, s.primary.secrets), "manual": s.sw.Manual}}
}

// normal is an integration's normal response time and when it was read.
type normal struct {
	ms   float64
	read time.Time
}

// normalCache keeps each integration's normal response time (its average
// over the last 7 days of calls), read again at most once an hour.
type normalCache struct {
	m    *Manager
	mu   sync.Mutex
	byID map[uuid.UUID]normal
}

// normalWindow is the span of an integration's normal figures.
const normalWindow = 7 * 24 * time.Hour

func (c *normalCache) get(ctx context.Context, orgID, id uuid.UUID) float64 {
	now := c.m.cfg.Clock()
	c.mu.Lock()
	n, ok := c.byID[id]
	c.mu.Unlock()
	if ok && now.Sub(n.read) < time.Hour && !now.Before(n.read) {
		return n.ms
	}
	f, err := c.m.figures(ctx, orgID, id, now.Add(-normalWindow), now)
	if err != nil {
		return n.ms
	}
	n = normal{ms: f.avgMS(), read: now}
	c.mu.Lock()
	c.byID[id] = n
	c.mu.Unlock()
	return n.ms
}

// callFigures sums an integration's call and health-check buckets over a
// span.
type callFigures struct {
	calls, failed, durationMS int64
	checks, checkFailures     int64
}

func (f *callFigures) avgMS() float64 {
	if f.calls == 0 {
		return 0
	}
	return float64(f.durationMS) / float64(f.calls)
}

func (f *callFigures) add(b *storage.MetricBucket) {
	switch {
	case b.Metric == MetricHealthCheck:
		f.checks += b.Count
		f.checkFailures += b.Errors
	case isCall(b.Metric):
		f.calls += b.Count
		f.failed += b.Errors
		f.durationMS += b.DurationMS
	}
}

// figures sums an integration's buckets in [since, until).
func (m *Manager) figures(ctx context.Context, orgID, id uuid.UUID, since, until time.Time) (*callFigures, error) {
	bs, err := m.store.MetricList(ctx, &storage.MetricListParams{OrganizationID: orgID, IntegrationID: id,
		Time: storage.TimeRange{Since: since, Until: until}})
	if err != nil {
		return nil, fmt.Errorf("integration: metrics: %w", err)
	}
	f := &callFigures{}
	for _, b := range bs {
		f.add(b)
	}
	return f, nil
}
