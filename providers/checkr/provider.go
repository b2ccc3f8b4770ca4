package checkr

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/intimeos/integrations/providers"
)

// Name is the provider's name, as hosts register and load it.
const Name = "checkr"

// DisplayName names the provider in messages: "Checkr is currently
// unavailable".
const DisplayName = "Checkr"

// Version is the provider's version.
const Version = "1.0.0"

// IntegrationType is the integration type the provider serves (UC-ADMIN-007
// §2.1, Background Checks).
const IntegrationType = "background_checks"

// DefaultTimeout bounds one request to Checkr when [Config.HTTPClient] is
// nil.
const DefaultTimeout = 30 * time.Second

// Config configures a [Provider]. The zero value is ready to use.
type Config struct {
	// HTTPClient sends the requests to Checkr. Nil means a client owned by
	// the provider with [DefaultTimeout], whose idle connections
	// [Provider.Close] closes.
	HTTPClient *http.Client
	// Logger receives debug records of calls (operation, status, duration;
	// never the API key or payloads). Nil discards.
	Logger *slog.Logger
	// Now is the clock for stage timings and rate limit resets. Nil means
	// time.Now.
	Now func() time.Time
}

// Provider is the Checkr provider. It is safe for concurrent use; settings
// travel with each call.
type Provider struct {
	providers.UnimplementedProvider
	http   *http.Client
	owned  *http.Transport
	logger *slog.Logger
	now    func() time.Time
}

var _ providers.Provider = (*Provider)(nil)

// New returns a provider configured by cfg (nil means all defaults).
func New(cfg *Config) *Provider {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	p := &Provider{http: c.HTTPClient, logger: c.Logger, now: c.Now}
	if p.http == nil {
		p.owned = http.DefaultTransport.(*http.Transport).Clone()
		p.http = &http.Client{Transport: p.owned, Timeout: DefaultTimeout}
	}
	if p.logger == nil {
		p.logger = slog.New(slog.DiscardHandler)
	}
	if p.now == nil {
		p.now = time.Now
	}
	return p
}

// Close closes the idle connections of the provider's own HTTP client (not
// those of a [Config.HTTPClient]). The provider stays usable.
func (p *Provider) Close() error {
	if p.owned != nil {
		p.owned.CloseIdleConnections()
	}
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
		Capabilities: []string{OpCandidateCreate, OpInvitationCreate, OpReportGet, providers.CapabilityWebhook},
	}, nil
}

// Validate implements [providers.Provider]: the API key is required and
// the base URL, if set, must be an https URL (http only to loopback).
func (*Provider) Validate(_ context.Context, s providers.Settings) error {
	_, err := parseSettings(s)
	return err
}
