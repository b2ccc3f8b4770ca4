package admin

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"

	"github.com/google/uuid"
)

// logsView is the logs screen (§8).
type logsView struct {
	Filter       *logFilter
	Level        string
	Integration  *Integration
	Integrations []*Integration
	Entries      []*logLine
	Next         string
	Cursor       string
	Ranges       []logRangeOption
	Export       bool
	// Clear: the host can clear an integration's log (§8).
	Clear bool
}

type logRangeOption struct{ Key, Label string }

// logLine is an entry as the screen shows it: "10:42:15 AM [ERROR]
// Connection timeout" and its details, one "→ key: value" each.
type logLine struct {
	*LogEntry
	Name    string
	Details []string
}

// detailLines writes an entry's details in key order.
func detailLines(d any) []string {
	m, ok := d.(map[string]any)
	if !ok {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, k+": "+detailValue(m[k]))
	}
	return out
}

// detailValue writes a detail: text as it is, lists and objects as JSON.
func detailValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any, []any:
		b, err := json.Marshal(x)
		if err == nil {
			return string(b)
		}
	}
	return fmt.Sprint(v)
}

func (h *Handler) pageLogs(w http.ResponseWriter, r *http.Request) {
	if !h.integrationsPage(w, r, "logs") {
		return
	}
	v, err := h.logsScreen(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	title := "Integration Logs"
	if v.Integration != nil {
		title += " - " + v.Integration.Name + " (" + v.Integration.ProviderName + ")"
	}
	h.render(w, r, "logs", http.StatusOK, h.newView(w, r, "logs", title, v))
}

// logsScreen reads the filter, the integrations to pick from and a page of
// entries.
func (h *Handler) logsScreen(r *http.Request) (*logsView, error) {
	p, f, err := logParams(r, h.now())
	if err != nil {
		return nil, err
	}
	if !r.URL.Query().Has("range") && p.Time.Since.IsZero() {
		f.Range = "24h"
		p.Time.Since = h.now().Add(-logRanges[1].D)
	}
	v := &logsView{Filter: f, Cursor: p.Cursor, Export: h.cfg.LogExport != nil, Clear: h.cfg.LogClear != nil}
	if len(f.Levels) == 1 {
		v.Level = f.Levels[0]
	}
	for _, lr := range logRanges {
		v.Ranges = append(v.Ranges, logRangeOption{lr.Key, lr.Label})
	}
	ints, err := h.apiIntegrationList(r, nil)
	if err != nil {
		return nil, err
	}
	names := map[uuid.UUID]string{}
	for _, in := range ints {
		names[in.ID] = in.Name
		if in.ID == p.IntegrationID {
			v.Integration = in
		}
	}
	if p.IntegrationID != uuid.Nil && v.Integration == nil {
		return nil, errNotFound
	}
	v.Integrations = ints
	page, err := h.logPage(r, p)
	if err != nil {
		return nil, err
	}
	v.Next = page.Next
	for _, e := range page.Items {
		l := &logLine{LogEntry: e, Details: detailLines(e.Details)}
		if e.IntegrationID != nil {
			l.Name = names[*e.IntegrationID]
		}
		v.Entries = append(v.Entries, l)
	}
	return v, nil
}

// pageLogExport streams the entries the filter selects (§8 "Export
// Logs"), through the host's exporter.
func (h *Handler) pageLogExport(w http.ResponseWriter, r *http.Request) {
	if h.cfg.LogExport == nil {
		h.fail(w, r, notConfigured("Log export"))
		return
	}
	p, _, err := logParams(r, h.now())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	format := r.URL.Query().Get("format")
	ctype := map[string]string{"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson"}[format]
	if ctype == "" {
		h.fail(w, r, badRequest("The format parameter must be csv or ndjson."))
		return
	}
	p.Limit, p.Cursor = 0, ""
	_ = h.audit(r, "logExport", "logs", p.IntegrationID, format)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="integration-logs.`+format+`"`)
	if err := h.cfg.LogExport.LogExport(r.Context(), w, p, format); err != nil {
		h.cfg.Logger.ErrorContext(r.Context(), "admin log export failed", "error", err)
	}
}
