package bamboohr

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/internal/manifest"
)

// Name is the provider's name, as hosts register and load it.
const Name = "bamboohr"

// DisplayName names the provider in messages: "BambooHR is currently
// unavailable".
const DisplayName = "BambooHR"

// Version is the provider's version.
const Version = "1.0.0"

// IntegrationType is the integration type the provider serves
// (UC-ADMIN-007 §2.2, HRIS).
const IntegrationType = "hris"

// Config configures a [Provider]. The zero value is ready to use.
type Config struct {
	// HTTPClient sends the requests to BambooHR. Nil means a client owned by
	// the provider with a 30 second timeout, whose idle connections
	// [Provider.Close] closes.
	HTTPClient *http.Client
	// Logger receives debug records of requests (method, path, status,
	// duration; never the API key or employee data). Nil discards.
	Logger *slog.Logger
	// Now is the clock for stage timings and Retry-After dates. Nil means
	// time.Now.
	Now func() time.Time
}

// Provider is the BambooHR provider. It is safe for concurrent use; settings
// travel with each call.
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
	Fields: fields, Capabilities: []string{OpDirectory, OpSync, OpUpdate},
	Validate: manifest.Parses(parseSettings)}
