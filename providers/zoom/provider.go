package zoom

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/internal/manifest"
	"github.com/intimeos/integrations/providers/meeting"
)

// Name is the provider's name, as hosts register and load it.
const Name = "zoom"

// DisplayName names the provider in messages: "Zoom is currently
// unavailable".
const DisplayName = "Zoom"

// Version is the provider's version.
const Version = "1.0.0"

// IntegrationType is the integration type the provider serves
// (UC-ADMIN-007 §2.3, Video).
const IntegrationType = "video"

// Config configures a [Provider]. The zero value is ready to use.
type Config struct {
	// HTTPClient sends the requests to Zoom. Nil means a client owned by
	// the provider with a 30 second timeout, whose idle connections
	// [Provider.Close] closes.
	HTTPClient *http.Client
	// Logger receives debug records of requests (method, path, status,
	// duration; never the access token or bodies). Nil discards.
	Logger *slog.Logger
	// Now is the clock for stage timings and Retry-After dates. Nil means
	// time.Now.
	Now func() time.Time
}

// Provider is the Zoom provider. It is safe for concurrent use; settings,
// the access token included, travel with each call and are not kept.
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
	Fields: fields, Capabilities: append(meeting.Operations(), providers.CapabilityOAuth),
	Validate: manifest.Parses(parseSettings)}

// Do implements [providers.Provider]: the operations of package meeting.
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	if op == nil || !meeting.IsOperation(op.Name) {
		return nil, providers.UnknownOperation(op)
	}
	c, err := p.session(s)
	if err != nil {
		return nil, err
	}
	return meeting.Handle(ctx, op, c)
}

// session is one call's settings and access token.
type session struct {
	*httpapi.Session
	st *settings
}

var _ meeting.Handler = (*session)(nil)

func (p *Provider) session(s providers.Settings) (*session, error) {
	hs, st, err := httpapi.SessionWith(p.c, s, parseSettings)
	if err != nil {
		return nil, err
	}
	return &session{Session: hs, st: st}, nil
}
