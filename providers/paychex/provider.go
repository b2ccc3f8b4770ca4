package paychex

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/internal/manifest"
)

// Name is the provider's name, as hosts register and load it.
const Name = "paychex"

// DisplayName names the provider in messages: "Paychex is currently
// unavailable".
const DisplayName = "Paychex"

// Version is the provider's version.
const Version = "1.0.0"

// IntegrationType is the integration type the provider serves
// (UC-ADMIN-007 §2.2, Payroll), beside ADP.
const IntegrationType = "payroll"

// Config configures a [Provider]. The zero value is ready to use.
type Config struct {
	// HTTPClient sends the requests to Paychex, token requests included.
	// Nil means a client owned by the provider with a 30 second timeout,
	// whose idle connections [Provider.Close] closes. Token requests are
	// shared by concurrent calls, so the caller's context does not cancel
	// them: this client's timeout bounds them.
	HTTPClient *http.Client
	// MaxTokenSources is how many sets of credentials keep their token
	// source. Zero means 64.
	MaxTokenSources int
	// Logger receives debug records of requests (method, path, status,
	// duration; never secrets, tokens or worker data). Nil discards.
	Logger *slog.Logger
	// Now is the clock for stage timings and Retry-After dates. Nil means
	// time.Now.
	Now func() time.Time
}

// Provider is the Paychex provider. It is safe for concurrent use; settings
// travel with each call, and each set of credentials keeps one token source
// between calls.
//
// Info and Validate are the embedded manifest.Base's: the package's
// fields and operations, and its settings rules, as data.
type Provider struct {
	manifest.Base
	c      *httpapi.Client
	tokens *httpapi.Tokens
}

var _ providers.Provider = (*Provider)(nil)

// New returns a provider configured by cfg (nil means all defaults).
func New(cfg *Config) *Provider {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	hc := httpapi.NewClient(Name, c.HTTPClient, c.Logger, c.Now)
	hc.ErrorMessage = errorMessage
	return &Provider{Base: manifest.New(&spec), c: hc, tokens: httpapi.NewTokens(c.MaxTokenSources, hc.HTTP)}
}

// Close drops every cached token and closes the idle connections of the
// provider's own HTTP client. The provider stays usable.
func (p *Provider) Close() error {
	p.tokens.Clear()
	p.c.Close()
	return nil
}

// spec is what Info says of the provider, and how Validate checks
// settings.
var spec = manifest.Spec{Name: Name, DisplayName: DisplayName, Version: Version, Types: []string{IntegrationType},
	Fields: fields, Capabilities: []string{OpCompaniesList, OpWorkersList, OpPayPeriodsList},
	Validate: manifest.Parses(parseSettings)}
