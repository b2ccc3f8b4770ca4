package admin

import (
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
)

// Handler is the admin: the JSON API under /api and the dashboard's pages,
// behind the host's authorizer, CSRF protection and a strict
// Content-Security-Policy. Make one with [New] and mount it under
// Config.Prefix.
type Handler struct {
	cfg     *Config
	csrfKey []byte
	cop     *http.CrossOriginProtection
	mux     *http.ServeMux
	ops     []*operation
	pages   map[string]*template.Template
	assets  *assets
	root    http.Handler
}

// New returns the admin handler. cfg is required and copied: Authorize,
// Store and Webhooks must be set (an admin without an authorizer is an
// error, never an open door).
func New(cfg *Config) (*Handler, error) {
	if cfg == nil {
		return nil, errors.New("admin: Config is required (Authorize, Store, Webhooks)")
	}
	c := cfg.WithDefaults()
	if err := c.validate(); err != nil {
		return nil, err
	}
	h := &Handler{cfg: c, cop: http.NewCrossOriginProtection(), mux: http.NewServeMux()}
	h.csrfKey = c.CSRFKey
	if h.csrfKey == nil {
		h.csrfKey = make([]byte, CSRFKeyMin)
		if _, err := rand.Read(h.csrfKey); err != nil {
			return nil, fmt.Errorf("admin: CSRF key: %w", err)
		}
	}
	var err error
	if h.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if h.pages, err = h.parsePages(); err != nil {
		return nil, err
	}
	h.ops = h.operations()
	for _, o := range h.ops {
		h.mux.Handle(o.method+" "+o.path, o.serve)
	}
	h.routePages()
	h.mux.Handle("GET /static/", h.assets)
	h.mux.HandleFunc("/", h.notFound)
	h.root = secureHeaders(h.authorize(h.guardChanges(h.mux)))
	return h, nil
}

// ServeHTTP strips the prefix and serves the request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, h.cfg.Prefix)
	if !ok || (rest != "" && rest[0] != '/') {
		http.NotFound(w, r)
		return
	}
	if rest == "" {
		rest = "/"
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path = rest
	r2.URL.RawPath = ""
	h.root.ServeHTTP(w, r2)
}

// Prefix returns the path the handler is mounted under.
func (h *Handler) Prefix() string { return h.cfg.Prefix }

// url returns an absolute path under the prefix.
func (h *Handler) url(path string) string { return h.cfg.Prefix + path }

// isAPI reports whether a request is for the JSON API.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// isForm reports a form-encoded body.
func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")
}

// fail answers an error in the API's shape or as a page.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	ae, expected := toAPIError(err)
	if !expected {
		h.cfg.Logger.ErrorContext(r.Context(), "admin request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	if isAPI(r) {
		writeJSON(w, ae.Status, &ErrorBody{Error: ae})
		return
	}
	h.renderError(w, r, ae)
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) { h.fail(w, r, errNotFound) }
