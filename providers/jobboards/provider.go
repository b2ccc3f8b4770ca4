package jobboards

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
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
type Provider struct {
	providers.UnimplementedProvider
	c *httpapi.Client
}

var _ providers.Provider = (*Provider)(nil)

// New returns a provider configured by cfg (nil means all defaults).
func New(cfg *Config) *Provider {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	return &Provider{c: httpapi.NewClient(Name, c.HTTPClient, c.Logger, c.Now)}
}

// Close closes the idle connections of the provider's own HTTP client. The
// provider stays usable.
func (p *Provider) Close() error {
	p.c.Close()
	return nil
}

// Info implements [providers.Provider].
func (*Provider) Info(context.Context) (*providers.Info, error) {
	return &providers.Info{
		Name:         Name,
		DisplayName:  DisplayName,
		Types:        []string{IntegrationType},
		Version:      Version,
		Fields:       fields(),
		Capabilities: []string{OpJobUpsert, OpJobRemove, OpFeedRender},
	}, nil
}

// Validate implements [providers.Provider].
func (*Provider) Validate(_ context.Context, s providers.Settings) error {
	_, err := parseSettings(s)
	return err
}
