package admin

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/storage"
)

// Bounds of the health screen's window.
const (
	healthWindowDefault = 24 * time.Hour
	healthWindowMax     = 30 * 24 * time.Hour
	recentErrorsMax     = 10
)

// logRanges are the logs screen's time ranges (§8 "Time Range").
var logRanges = []struct {
	Key, Label string
	D          time.Duration
}{
	{"1h", "Last hour", time.Hour},
	{"24h", "Last 24 hours", 24 * time.Hour},
	{"7d", "Last 7 days", 7 * 24 * time.Hour},
	{"30d", "Last 30 days", 30 * 24 * time.Hour},
}

func (h *Handler) logOps() []*operation {
	return []*operation{
		op(h, "GET", "/api/logs", "logList", "logs", "Integration log entries, newest first, filtered as the logs screen does (§8, ADMIN-INT-009).", 200, h.apiLogList).
			withQuery(param{name: "integration", typ: "uuid", desc: "one integration's entries"},
				param{name: "level", typ: "string", array: true, desc: "debug, info, warn, error"},
				param{name: "q", typ: "string", desc: "text the message contains, any case"},
				param{name: "range", typ: "string", desc: "1h, 24h, 7d or 30d before now"},
				param{name: "since", typ: "date-time", desc: "entries at or after"},
				param{name: "until", typ: "date-time", desc: "entries before"},
				param{name: "limit", typ: "integer", desc: "1 to 1000"}, param{name: "cursor", typ: "string", desc: "a page's next"}),
		op(h, "GET", "/api/alerts", "alertList", "logs", "Alerts, most recently seen first (§3 critical alerts).", 200, h.apiAlertList).
			withQuery(param{name: "status", typ: "string", desc: "open (default), resolved or all"},
				param{name: "integration", typ: "uuid", desc: "one integration's alerts"},
				param{name: "limit", typ: "integer", desc: "1 to 1000"}, param{name: "cursor", typ: "string", desc: "a page's next"}),
	}
}

// toLogEntry converts a stored entry; its details are a JSON object.
func toLogEntry(e *storage.LogEntry) *LogEntry {
	out := &LogEntry{ID: e.ID, IntegrationID: idPtr(e.IntegrationID), Level: string(e.Level), Message: e.Message, Time: e.Time}
	if len(e.Details) > 0 {
		var d map[string]any
		if json.Unmarshal(e.Details, &d) == nil {
			out.Details = d
		}
	}
	return out
}

// logFilter is the logs screen's filter as the query says it.
type logFilter struct {
	Integration string
	Levels      []string
	Q, Range    string
}

// logParams reads the logs filter of a request.
func logParams(r *http.Request, now time.Time) (*storage.LogListParams, *logFilter, error) {
	q := r.URL.Query()
	f := &logFilter{Integration: q.Get("integration"), Q: strings.TrimSpace(q.Get("q")), Range: q.Get("range")}
	p := &storage.LogListParams{OrganizationID: org(r), Search: f.Q}
	var err error
	if p.IntegrationID, err = queryID(r, "integration"); err != nil {
		return nil, nil, err
	}
	for _, l := range q["level"] {
		for part := range strings.SplitSeq(l, ",") {
			switch lv := storage.LogLevel(strings.ToLower(strings.TrimSpace(part))); lv {
			case "":
			case storage.LogDebug, storage.LogInfo, storage.LogWarn, storage.LogError:
				p.Levels = append(p.Levels, lv)
				f.Levels = append(f.Levels, string(lv))
			default:
				return nil, nil, badRequest("The level parameter must be debug, info, warn or error.")
			}
		}
	}
	if f.Range != "" {
		d, ok := rangeOf(f.Range)
		if !ok {
			return nil, nil, badRequest("The range parameter must be 1h, 24h, 7d or 30d.")
		}
		p.Time.Since = now.Add(-d)
	}
	if since, err := queryTime(r, "since"); err != nil {
		return nil, nil, err
	} else if !since.IsZero() {
		p.Time.Since = since
	}
	if p.Time.Until, err = queryTime(r, "until"); err != nil {
		return nil, nil, err
	}
	if p.Limit, p.Cursor, err = pageQuery(r); err != nil {
		return nil, nil, err
	}
	return p, f, nil
}

func rangeOf(key string) (time.Duration, bool) {
	for _, lr := range logRanges {
		if lr.Key == key {
			return lr.D, true
		}
	}
	return 0, false
}

// logPage lists the entries of p.
func (h *Handler) logPage(r *http.Request, p *storage.LogListParams) (*Page[*LogEntry], error) {
	page, err := h.cfg.Store.LogList(r.Context(), p)
	if err != nil {
		return nil, err
	}
	return mapPage(page, toLogEntry), nil
}

func (h *Handler) apiLogList(r *http.Request, _ *none) (*Page[*LogEntry], error) {
	p, _, err := logParams(r, h.now())
	if err != nil {
		return nil, err
	}
	if err := h.ownIntegration(r, p.IntegrationID); err != nil {
		return nil, err
	}
	return h.logPage(r, p)
}

// ownIntegration checks that a filter's integration is the
// organization's: another organization's ID is 404, not an empty list.
func (h *Handler) ownIntegration(r *http.Request, id uuid.UUID) error {
	if id == uuid.Nil {
		return nil
	}
	_, err := h.cfg.Store.IntegrationGet(r.Context(), org(r), id)
	return err
}

func (h *Handler) apiAlertList(r *http.Request, _ *none) (*Page[*Alert], error) {
	p := &storage.AlertListParams{OrganizationID: org(r)}
	switch s := r.URL.Query().Get("status"); s {
	case "", "open":
		p.Statuses = []storage.AlertStatus{storage.AlertOpen}
	case "resolved":
		p.Statuses = []storage.AlertStatus{storage.AlertResolved}
	case "all":
	default:
		return nil, badRequest("The status parameter must be open, resolved or all.")
	}
	var err error
	if p.IntegrationID, err = queryID(r, "integration"); err != nil {
		return nil, err
	}
	if err := h.ownIntegration(r, p.IntegrationID); err != nil {
		return nil, err
	}
	if p.Limit, p.Cursor, err = pageQuery(r); err != nil {
		return nil, err
	}
	page, err := h.cfg.Store.AlertList(r.Context(), p)
	if err != nil {
		return nil, err
	}
	return mapPage(page, toAlert), nil
}

// openAlerts lists the organization's open alerts (of one integration),
// most recently seen first.
func (h *Handler) openAlerts(r *http.Request, integrationID uuid.UUID) ([]*storage.Alert, error) {
	page, err := h.cfg.Store.AlertList(r.Context(), &storage.AlertListParams{OrganizationID: org(r), IntegrationID: integrationID,
		Statuses: []storage.AlertStatus{storage.AlertOpen}, Limit: 20})
	if err != nil {
		return nil, err
	}
	return page.Items, nil
}

func (h *Handler) apiIntegrationHealth(r *http.Request, _ *none) (*IntegrationHealth, error) {
	in, err := h.integrationOf(r)
	if err != nil {
		return nil, err
	}
	window := healthWindowDefault
	if v := r.URL.Query().Get("window"); v != "" {
		if window, err = time.ParseDuration(v); err != nil || window <= 0 || window > healthWindowMax {
			return nil, badRequest("The window parameter must be a duration such as 24h, at most 720h.")
		}
	}
	return h.health(r, in, window)
}

// health builds the §5 screen's data.
func (h *Handler) health(r *http.Request, in *integration.Integration, window time.Duration) (*IntegrationHealth, error) {
	out := &IntegrationHealth{Integration: toIntegration(in, h.now()), RecentErrors: []*LogEntry{}}
	m, err := h.cfg.Integrations.Metrics(r.Context(), org(r), in.ID, window)
	if err != nil {
		return nil, err
	}
	out.Metrics = toMetrics(m)
	u, err := h.cfg.Integrations.QuotaUsage(r.Context(), org(r), in.ID)
	if err != nil {
		return nil, err
	}
	out.Usage = toUsage(u)
	page, err := h.cfg.Store.LogList(r.Context(), &storage.LogListParams{OrganizationID: org(r), IntegrationID: in.ID,
		Levels: []storage.LogLevel{storage.LogError}, Time: storage.TimeRange{Since: h.now().Add(-window)}, Limit: recentErrorsMax})
	if err != nil {
		return nil, err
	}
	for _, e := range page.Items {
		out.RecentErrors = append(out.RecentErrors, toLogEntry(e))
	}
	out.Pattern = errorPattern(page.Items)
	return out, nil
}

// errorPattern names the message most recent errors share: "Connection to
// SendGrid timed out (5 of the last 5 errors)". The troubleshooter, when the
// host has one, reads them further.
func errorPattern(errs []*storage.LogEntry) string {
	if len(errs) < 2 {
		return ""
	}
	counts := map[string]int{}
	for _, e := range errs {
		counts[e.Message]++
	}
	msgs := make([]string, 0, len(counts))
	for m := range counts {
		msgs = append(msgs, m)
	}
	sort.Slice(msgs, func(i, j int) bool {
		if counts[msgs[i]] != counts[msgs[j]] {
			return counts[msgs[i]] > counts[msgs[j]]
		}
		return msgs[i] < msgs[j]
	})
	top := msgs[0]
	if counts[top]*2 < len(errs) {
		return fmt.Sprintf("Mixed errors: %d different messages in the last %d", len(msgs), len(errs))
	}
	return fmt.Sprintf("Repeated: %s (%d of the last %d errors)", top, counts[top], len(errs))
}
