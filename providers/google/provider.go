package google

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/calendar"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/internal/manifest"
)

// Name is the provider's name, as hosts register and load it.
const Name = "google"

// DisplayName names the provider in messages: "Google Calendar is
// currently unavailable".
const DisplayName = "Google Calendar"

// Version is the provider's version.
const Version = "1.0.0"

// IntegrationType is the integration type the provider serves
// (UC-ADMIN-007 §2.1, Calendar).
const IntegrationType = "calendar"

// Config configures a [Provider]. The zero value is ready to use.
type Config struct {
	// HTTPClient sends the requests to Google. Nil means a client owned by
	// the provider with a 30 second timeout, whose idle connections
	// [Provider.Close] closes.
	HTTPClient *http.Client
	// Logger receives debug records of requests (method, path, status,
	// duration; never the access token or event bodies). Nil discards.
	Logger *slog.Logger
	// Now is the clock for stage timings and Retry-After dates. Nil means
	// time.Now.
	Now func() time.Time
}

// Provider is the Google Calendar provider. It is safe for concurrent use;
// settings, the access token included, travel with each call and are not
// kept.
//
// Info and Validate are the embedded manifest.Base's: the package's
// fields and operations, and its settings rules, as data.
type Provider struct {
	manifest.Base
	c *httpapi.Client
}

var _ providers.Provider = (*Provider)(nil)

// New returns a provider configured by cfg (nil means all defaults).
func New(cfg *Config) *Provider {
	p := &Provider{Base: manifest.New(&spec), c: (*httpapi.Config)(cfg).Client(Name)}
	p.c.ErrorMessage = errorMessage
	p.c.Classify = classify
	return p
}

// Close closes the idle connections of the provider's own HTTP client. The
// provider stays usable.
func (p *Provider) Close() error {
	p.c.Close()
	return nil
}

// spec is what Info says of the provider, and how Validate checks
// settings.
var spec = manifest.Spec{Name: Name, DisplayName: DisplayName, Version: Version, Types: []string{IntegrationType},
	Fields: fields, Capabilities: append(calendar.Operations(), providers.CapabilityOAuth),
	Validate: manifest.Parses(parseSettings)}

// Do implements [providers.Provider]: the operations of package calendar.
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	if op == nil || !calendar.IsOperation(op.Name) {
		return nil, providers.UnknownOperation(op)
	}
	c, err := p.session(s)
	if err != nil {
		return nil, err
	}
	return calendar.Handle(ctx, op, c)
}

// session is one call's settings and access token.
type session struct {
	*httpapi.Session
	st *settings
}

var _ calendar.Handler = (*session)(nil)

func (p *Provider) session(s providers.Settings) (*session, error) {
	hs, st, err := httpapi.SessionWith(p.c, s, parseSettings)
	if err != nil {
		return nil, err
	}
	return &session{Session: hs, st: st}, nil
}
