package zapier

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/intimeos/integrations/apiaccess"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

// Defaults of [Config].
const (
	// Scope is the API token scope every endpoint requires.
	Scope              = "zapier"
	PrefixDefault      = "/zapier"
	SampleLimitDefault = 3
	// BodyMax bounds a subscribe request's body.
	BodyMax = 64 << 10
)

// Config configures a [Handler]; the zero value is usable.
type Config struct {
	// Prefix is the path the handler is mounted at (default "/zapier"):
	// the routes are Prefix+"/me", Prefix+"/hooks" and so on. Mount the
	// handler at Prefix+"/".
	Prefix string
	// SampleLimit is how many recent payloads the polling list returns
	// (default 3).
	SampleLimit int
	// Clock stamps the catalog's sample payload when no event was
	// delivered yet. Nil means time.Now.
	Clock func() time.Time
	// Logger receives store failures. Nil discards.
	Logger *slog.Logger
}

// Handler serves Zapier's REST hooks. It is an [http.Handler] behind the
// [apiaccess.Service] middleware: every request needs an API token with
// [Scope], is held to the token's rate limits and counted in its usage.
type Handler struct {
	svc   *apiaccess.Service
	d     *webhook.Dispatcher
	store storage.ZapierHookStore
	cfg   Config
	h     http.Handler
}

// New returns a Handler. Subscriptions are made with d, which delivers them
// (start it with [webhook.Dispatcher.Start] in some process); store is the
// store d runs on.
func New(svc *apiaccess.Service, d *webhook.Dispatcher, store storage.ZapierHookStore, cfg *Config) (*Handler, error) {
	if svc == nil || d == nil || store == nil {
		return nil, errors.New("zapier: Service, Dispatcher and store are required")
	}
	h := &Handler{svc: svc, d: d, store: store}
	if cfg != nil {
		h.cfg = *cfg
	}
	if h.cfg.Prefix == "" {
		h.cfg.Prefix = PrefixDefault
	}
	h.cfg.Prefix = "/" + strings.Trim(h.cfg.Prefix, "/")
	if h.cfg.SampleLimit <= 0 {
		h.cfg.SampleLimit = SampleLimitDefault
	}
	if h.cfg.Clock == nil {
		h.cfg.Clock = time.Now
	}
	if h.cfg.Logger == nil {
		h.cfg.Logger = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	scoped := apiaccess.RequireScopes(Scope)
	p := h.cfg.Prefix
	mux.Handle("GET "+p+"/me", scoped(http.HandlerFunc(h.me)))
	mux.Handle("GET "+p+"/events", scoped(http.HandlerFunc(h.events)))
	mux.Handle("GET "+p+"/events/{event}/samples", scoped(http.HandlerFunc(h.samples)))
	mux.Handle("GET "+p+"/hooks", scoped(http.HandlerFunc(h.list)))
	mux.Handle("POST "+p+"/hooks", scoped(http.HandlerFunc(h.subscribe)))
	mux.Handle("DELETE "+p+"/hooks/{id}", scoped(http.HandlerFunc(h.unsubscribe)))
	h.h = svc.Middleware(mux)
	return h, nil
}

// ServeHTTP implements [http.Handler].
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.h.ServeHTTP(w, r) }

// Me is the auth test's answer: who the token is.
type Me struct {
	OrganizationID string `json:"organization_id"`
	TokenID        string `json:"token_id"`
	TokenName      string `json:"token_name"`
}

// me answers Zapier's auth test: 200 with who the token is (Zapier shows
// token_name as the connection's label).
func (h *Handler) me(w http.ResponseWriter, r *http.Request) {
	p, _ := apiaccess.PrincipalFrom(r.Context())
	writeJSON(w, http.StatusOK, Me{OrganizationID: p.OrganizationID.String(), TokenID: p.TokenID.String(), TokenName: p.TokenName})
}

// Event is one entry of the event list, for Zapier's trigger dropdown.
type Event struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

func (h *Handler) events(w http.ResponseWriter, r *http.Request) {
	types := h.d.Catalog().Types()
	out := make([]Event, len(types))
	for i, t := range types {
		out[i] = Event{Key: t.Name, Label: t.Description}
	}
	writeJSON(w, http.StatusOK, out)
}

// errorBody is the JSON body of an error.
type errorBody struct {
	Error   string            `json:"error"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorBody{Error: code, Message: msg})
}

// hookName names a Zapier subscription: unique in the organization, and
// recognisable in the admin's webhook list.
func hookName(event string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "Zapier: " + event + " " + hex.EncodeToString(b)
}
