package jobboards

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/internal/manifest"
)

// Name is the provider's name, as hosts register and load it.
const Name = "jobboards"

// DisplayName names the provider in messages: "Job Boards is currently
// unavailable".
const DisplayName = "Job Boards"

// Version is the provider's version.
const Version = "1.0.0"

// IntegrationType is the integration type the provider serves
// (UC-ADMIN-007 §2.1, Job Boards: Indeed, LinkedIn, Dice).
const IntegrationType = "job_boards"

// Config configures a [Provider]. The zero value is ready to use.
type Config struct {
	// HTTPClient fetches the public feed in [Provider.Check]. Nil means a
	// client owned by the provider with a 30 second timeout.
	HTTPClient *http.Client
	// Logger receives debug records (jobs written and removed, the check's
	// request). Nil discards.
	Logger *slog.Logger
	// Now is the clock for first posting dates and stage timings. Nil
	// means time.Now.
	Now func() time.Time
}

// Provider is the job boards provider. It is safe for concurrent use;
// settings travel with each call.
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
	return &Provider{Base: manifest.New(&spec), c: (*httpapi.Config)(cfg).Client(Name)}
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
	Fields: fields, Capabilities: []string{OpJobUpsert, OpJobRemove, OpFeedRender},
	Validate: manifest.Parses(parseSettings)}
