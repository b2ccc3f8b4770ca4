package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// LogRange is a time range of the logs screen (§8 "Time Range").
type LogRange string

// The logs screen's time ranges. The presets end now, by the Manager's
// clock; [LogRangeCustom] takes [LogQuery.Since] and [LogQuery.Until].
const (
	LogRangeLastHour LogRange = "1h"
	LogRangeLast24h  LogRange = "24h"
	LogRangeLast7d   LogRange = "7d"
	LogRangeLast30d  LogRange = "30d"
	LogRangeCustom   LogRange = "custom"
)

// Messages of an invalid [LogQuery], on the fields Range, Since and Until.
const (
	MsgLogRangeInvalid      = "Time range must be last hour, last 24 hours, last 7 days, last 30 days or custom"
	MsgLogCustomRangeBounds = "A custom time range needs a start or an end"
	MsgLogRangeOrder        = "The start of the time range must be before its end"
	MsgLogBoundsNotCustom   = "A start or an end applies to a custom time range only"
)

var logRangeSpans = map[LogRange]time.Duration{
	LogRangeLastHour: time.Hour,
	LogRangeLast24h:  24 * time.Hour,
	LogRangeLast7d:   7 * 24 * time.Hour,
	LogRangeLast30d:  30 * 24 * time.Hour,
}

// LogQuery is the logs screen's filter (§8, ADMIN-INT-009): an
// organization's or one integration's entries in a time range, of some
// levels, whose message contains a text; newest first, a page at a time.
type LogQuery struct {
	OrganizationID uuid.UUID
	// IntegrationID, when set, keeps one integration's entries.
	IntegrationID uuid.UUID
	// Range is the time range; empty means [LogRangeLast24h], the screen's
	// default.
	Range LogRange
	// Since (inclusive) and Until (exclusive) bound a [LogRangeCustom]
	// range; one of them may be zero (open).
	Since, Until time.Time
	// Levels keeps entries of these levels; empty keeps all.
	Levels []storage.LogLevel
	// Search keeps entries whose message contains it, ignoring case.
	Search string
	// Limit is the page size (default 50, at most 1,000), Cursor a page's
	// [LogPage].Next.
	Limit  int
	Cursor string
}

// Params turns q into the store's filter, the presets ending at now. An
// invalid range is a *[ValidationError].
func (q *LogQuery) Params(now time.Time) (*storage.LogListParams, error) {
	p := &storage.LogListParams{OrganizationID: q.OrganizationID, IntegrationID: q.IntegrationID, Levels: q.Levels,
		Search: q.Search, Limit: q.Limit, Cursor: q.Cursor}
	r := q.Range
	if r == "" {
		r = LogRangeLast24h
	}
	ve := &ValidationError{}
	switch span, preset := logRangeSpans[r]; {
	case preset && (!q.Since.IsZero() || !q.Until.IsZero()):
		ve.add("Since", MsgLogBoundsNotCustom)
	case preset:
		p.Time.Since = now.Add(-span)
	case r != LogRangeCustom:
		ve.add("Range", MsgLogRangeInvalid)
	case q.Since.IsZero() && q.Until.IsZero():
		ve.add("Since", MsgLogCustomRangeBounds)
	case !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until):
		ve.add("Until", MsgLogRangeOrder)
	default:
		p.Time = storage.TimeRange{Since: q.Since, Until: q.Until}
	}
	if err := ve.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// LogLine is a log entry as the logs screen shows it: the stored entry,
// with the details the screen names picked out of its Details ("→
// smtp.sendgrid.net:587", "→ Error: ETIMEDOUT after 30000ms", "→ Message
// ID: <abc123@sendgrid.net>", "→ Delivered in 1.2s"). A field the entry
// does not have is zero.
type LogLine struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	Time           time.Time
	Level          storage.LogLevel
	Message        string
	// Host and Port are the service's endpoint (details "endpoint",
	// "host:port", or "host" and "port").
	Host string
	Port int
	// Error is the system's error text, Stack its stack trace (details
	// "error" and "stack").
	Error, Stack string
	// MessageID is the provider's message ID (details "message_id").
	MessageID string
	// Recipients are the addresses a message went to (details "to" or
	// "recipient").
	Recipients []string
	// Duration is how long the call or check took (details "duration_ms",
	// else "response_time_ms"); HasDuration says whether the entry has one.
	Duration    time.Duration
	HasDuration bool
	// Details are every structured field of the entry.
	Details map[string]any
}

// LogPage is a page of log lines, newest first. Next is the cursor of the
// following page, empty on the last.
type LogPage struct {
	Items []*LogLine
	Next  string
}

// LogList lists the entries q selects, newest first, a page at a time by
// keyset (ADMIN-INT-009). Another organization's integration is
// storage.ErrNotFound.
func (m *Manager) LogList(ctx context.Context, q *LogQuery) (*LogPage, error) {
	if q == nil {
		return nil, fmt.Errorf("integration: LogList needs a query")
	}
	p, err := q.Params(m.now())
	if err != nil {
		return nil, err
	}
	if err := m.ownIntegration(ctx, p.OrganizationID, p.IntegrationID); err != nil {
		return nil, err
	}
	page, err := m.store.LogList(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("integration: list logs: %w", err)
	}
	out := &LogPage{Items: make([]*LogLine, len(page.Items)), Next: page.Next}
	for i, e := range page.Items {
		out.Items[i] = logLineOf(e)
	}
	return out, nil
}

// ownIntegration checks that a filter's integration, when set, is the
// organization's.
func (m *Manager) ownIntegration(ctx context.Context, orgID, id uuid.UUID) error {
	if id == uuid.Nil {
		return nil
	}
	_, err := m.store.IntegrationGet(ctx, orgID, id)
	return err
}

// logLineOf parses a stored entry's details.
func logLineOf(e *storage.LogEntry) *LogLine {
	l := &LogLine{ID: e.ID, OrganizationID: e.OrganizationID, IntegrationID: e.IntegrationID, Time: e.Time,
		Level: e.Level, Message: e.Message}
	if len(e.Details) == 0 {
		return l
	}
	_ = json.Unmarshal(e.Details, &l.Details)
	var f logFields
	_ = json.Unmarshal(e.Details, &f)
	f.fill(l)
	return l
}

// logFields are the details the screen names, as the recorder and other
// writers store them.
type logFields struct {
	Endpoint       string          `json:"endpoint"`
	Host           string          `json:"host"`
	Port           json.Number     `json:"port"`
	Error          string          `json:"error"`
	Stack          string          `json:"stack"`
	MessageID      string          `json:"message_id"`
	To             json.RawMessage `json:"to"`
	Recipient      string          `json:"recipient"`
	DurationMS     *json.Number    `json:"duration_ms"`
	ResponseTimeMS *json.Number    `json:"response_time_ms"`
}

// fill sets l's picked fields.
func (f *logFields) fill(l *LogLine) {
	l.Host, l.Port = f.endpoint()
	l.Error, l.Stack, l.MessageID = f.Error, f.Stack, f.MessageID
	l.Recipients = f.recipients()
	l.Duration, l.HasDuration = f.duration()
}

func (f *logFields) endpoint() (string, int) {
	host, port := f.Host, string(f.Port)
	if f.Endpoint != "" {
		if h, p, err := net.SplitHostPort(f.Endpoint); err == nil {
			host, port = h, p
		} else {
			host = f.Endpoint
		}
	}
	n, _ := strconv.Atoi(port)
	return host, n
}

func (f *logFields) recipients() []string {
	var list []string
	if len(f.To) > 0 && json.Unmarshal(f.To, &list) != nil {
		var one string
		if json.Unmarshal(f.To, &one) == nil && one != "" {
			list = []string{one}
		}
	}
	if f.Recipient != "" {
		list = append(list, f.Recipient)
	}
	return list
}

func (f *logFields) duration() (time.Duration, bool) {
	n := f.DurationMS
	if n == nil {
		n = f.ResponseTimeMS
	}
	if n == nil {
		return 0, false
	}
	ms, err := n.Float64()
	if err != nil {
		return 0, false
	}
	return msDuration(ms), true
}
