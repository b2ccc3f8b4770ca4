package admin

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/intimeos/integrations/admin/internal/ui"
	"github.com/intimeos/integrations/secret"
)

// view is what every page template gets: the layout's data and the page's
// own view model in Data.
type view struct {
	Title     string
	Section   string
	AppTitle  string
	Prefix    string
	CSRF      string
	Principal *Principal
	Flash     string
	// Canonical is the page's own GET address: a page rendered in answer
	// to a form shows it in the address bar and polls it for live parts.
	Canonical string
	PollMS    int64
	Features  features
	Data      any
}

// features says which screens have their backend configured.
type features struct {
	OAuth, Integrations, APIAccess, RetryDefaults bool
}

// navItem is an entry of the navigation and of the command palette.
type navItem struct {
	Section, Label, Path, Keys string
}

// nav lists every screen, in the order of the spec.
var nav = []navItem{
	{"overview", "Overview", "/", "g o"},
	{"integrations", "Integrations", "/integrations", "g i"},
	{"webhooks", "Webhooks", "/webhooks", "g w"},
	{"debugger", "Debugger", "/debugger", "g b"},
	{"deliveries", "Deliveries", "/deliveries", "g d"},
	{"dlq", "Dead letters", "/dlq", "g q"},
	{"retry", "Retry", "/retry", "g r"},
	{"oauth", "OAuth", "/oauth", "g a"},
	{"api", "API access", "/api-access", "g p"},
	{"logs", "Logs", "/logs", "g l"},
	{"docs", "Webhook docs", "/docs/webhooks", "g h"},
}

// assets serves the embedded static files with a content hash for cache
// busting.
type assets struct {
	files map[string]*asset
}

type asset struct {
	body        []byte
	hash, ctype string
}

func loadAssets() (*assets, error) {
	a := &assets{files: map[string]*asset{}}
	err := fs.WalkDir(ui.Static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(ui.Static, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.files[strings.TrimPrefix(p, "static/")] = &asset{body: b, hash: hex.EncodeToString(sum[:8]),
			ctype: mime.TypeByExtension(path.Ext(p))}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("admin: static files: %w", err)
	}
	return a, nil
}

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := a.files[strings.TrimPrefix(r.URL.Path, "/static/")]
	if f == nil {
		http.NotFound(w, r)
		return
	}
	if r.URL.Query().Get("v") == f.hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("ETag", `"`+f.hash+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}

// funcs are the template helpers.
func (h *Handler) funcs() template.FuncMap {
	return template.FuncMap{
		"url": h.url,
		"asset": func(name string) string {
			if f := h.assets.files[name]; f != nil {
				return h.url("/static/" + name + "?v=" + f.hash)
			}
			return h.url("/static/" + name)
		},
		"nav":      func() []navItem { return nav },
		"ago":      h.ago,
		"when":     func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 MST") },
		"whenp":    func(t *time.Time) string { return derefTime(t) },
		"pct":      func(f float64) string { return trimPct(f * 100) },
		"mask":     secret.Mask,
		"pretty":   prettyJSON,
		"join":     strings.Join,
		"has":      func(list []string, s string) bool { return contains(list, s) },
		"query":    func(kv ...string) template.URL { return template.URL(queryString(kv...)) },
		"deref":    func(p *int) int { return derefInt(p) },
		"derefok":  func(p *int) bool { return p != nil },
		"dict":     dict,
		"list":     func(s ...string) []string { return s },
		"optlabel": optionLabel,
		"pcts":     trimPct,
		"num":      thousands,
		"msec":     humanMS,
		"upper":    strings.ToUpper,
		"clock":    func(t time.Time) string { return t.UTC().Format("Jan 2 3:04:05 PM") },
		"ratew":    rateWord,
	}
}

// optionLabels explain the options of the fields whose values say little
// alone (§4, "● 587 (TLS) ○ 465 (SSL) ○ 25 (Unencrypted)").
var optionLabels = map[string]map[string]string{
	"smtpPort": {"587": "587 (TLS - Recommended)", "465": "465 (SSL)", "25": "25 (Unencrypted)"},
}

func optionLabel(field, opt string) string {
	if l, ok := optionLabels[field][opt]; ok {
		return l
	}
	return opt
}

// thousands writes a count with separators: "47,234".
func thousands(n any) string {
	var v int64
	switch x := n.(type) {
	case int:
		v = int64(x)
	case int64:
		v = x
	default:
		return fmt.Sprint(n)
	}
	s := strconv.FormatInt(v, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// humanMS writes a response time as the spec does: "245ms", "1.2
// seconds".
func humanMS(ms float64) string {
	if ms < 1000 {
		return strconv.FormatFloat(math.Round(ms), 'f', -1, 64) + "ms"
	}
	return strconv.FormatFloat(math.Round(ms/100)/10, 'f', -1, 64) + " seconds"
}

// parsePages parses the layout and partials once, then each page over a
// clone of them.
func (h *Handler) parsePages() (map[string]*template.Template, error) {
	base, err := template.New("layout.tmpl").Funcs(h.funcs()).ParseFS(ui.Templates, "templates/layout.tmpl", "templates/partials.tmpl")
	if err != nil {
		return nil, fmt.Errorf("admin: templates: %w", err)
	}
	names, err := fs.Glob(ui.Templates, "templates/*.tmpl")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".tmpl")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(ui.Templates, n)
		if err != nil {
			return nil, fmt.Errorf("admin: template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// newView fills the layout's data for a request.
func (h *Handler) newView(w http.ResponseWriter, r *http.Request, section, title string, data any) *view {
	v := &view{Title: title, Section: section, AppTitle: h.cfg.Title, Prefix: h.cfg.Prefix, Data: data,
		PollMS: h.cfg.PollInterval.Milliseconds(), Features: features{OAuth: h.cfg.OAuth != nil,
			Integrations: h.cfg.Integrations != nil, APIAccess: h.cfg.APIAccess != nil, RetryDefaults: h.cfg.RetryDefaults != nil}}
	if p := principalOf(r.Context()); p != nil {
		v.Principal, v.CSRF = p, h.csrfToken(p)
	}
	v.Flash = h.takeFlash(w, r)
	if r.Method == http.MethodGet {
		v.Canonical = h.url(r.URL.RequestURI())
	}
	return v
}

// fragmentHeader asks for one live part of a page instead of the page.
const fragmentHeader = "X-Admin-Fragment"

// render writes a page, or only its fragment named by the request's
// X-Admin-Fragment header (the live updates poll those).
func (h *Handler) render(w http.ResponseWriter, r *http.Request, page string, status int, v *view) {
	t := h.pages[page]
	name := "layout"
	if f := r.Header.Get(fragmentHeader); f != "" {
		if t.Lookup("fragment-"+f) == nil {
			http.Error(w, "no such fragment", http.StatusNotFound)
			return
		}
		name = "fragment-" + f
		w.Header().Set(fragmentHeader, f)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, v); err != nil {
		h.cfg.Logger.ErrorContext(r.Context(), "admin page failed to render", "page", page, "error", err)
		http.Error(w, "The page could not be shown.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// at sets the page's canonical address (a path under the prefix).
func (v *view) at(h *Handler, path string) *view {
	v.Canonical = h.url(path)
	return v
}

// renderError shows an error page.
func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, ae *APIError) {
	h.render(w, r, "error", ae.Status, h.newView(w, r, "", http.StatusText(ae.Status), ae))
}

// flashCookie carries a message across a redirect after a change.
const flashCookie = "intime_admin_flash"

func (h *Handler) setFlash(w http.ResponseWriter, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: h.cfg.Prefix + "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: 60})
}

func (h *Handler) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil || r.Header.Get(fragmentHeader) != "" {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: h.cfg.Prefix + "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	msg, _ := url.QueryUnescape(c.Value)
	return msg
}

// redirect sends the browser to a page of the admin after a change, with a
// message for it.
func (h *Handler) redirect(w http.ResponseWriter, r *http.Request, path, flash string) {
	if flash != "" {
		h.setFlash(w, flash)
	}
	http.Redirect(w, r, h.url(path), http.StatusSeeOther)
}

// ago says how long ago t was, as the spec's screens do ("5 min ago").
func (h *Handler) ago(t any) string {
	var at time.Time
	switch v := t.(type) {
	case time.Time:
		at = v
	case *time.Time:
		if v == nil {
			return "never"
		}
		at = *v
	default:
		return ""
	}
	d := h.cfg.Clock().Sub(at)
	switch {
	case d < 0:
		return "in " + human(-d)
	case d < 10*time.Second:
		return "just now"
	}
	return human(d) + " ago"
}

func human(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d sec", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

func derefTime(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 MST")
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// trimPct prints a percentage with at most one decimal: "99.2%", "100%".
func trimPct(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	return strings.TrimSuffix(s, ".0") + "%"
}

// prettyJSON indents JSON for display; other text is shown as is.
func prettyJSON(b []byte) string {
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return string(b)
	}
	return out.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// queryString builds "?k=v&..." from pairs, leaving out empty values.
func queryString(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Add(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// dict builds a map for passing several values to a partial.
func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m
}
