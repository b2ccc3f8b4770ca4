package twilio

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/sms"
)

// Name is the provider's name, as hosts register and load it.
const Name = "twilio"

// DisplayName names the provider in messages: "Twilio is currently
// unavailable".
const DisplayName = "Twilio"

// Version is the provider's version.
const Version = "1.0.0"

// IntegrationType is the integration type the provider serves
// (UC-ADMIN-007 §2.3, SMS).
const IntegrationType = "sms"

// Config configures a [Provider]. The zero value is ready to use.
type Config struct {
	// HTTPClient sends the requests to Twilio. Nil means a client owned by
	// the provider with a 30 second timeout, whose idle connections
	// [Provider.Close] closes.
	HTTPClient *http.Client
	// Logger receives debug records of requests (method, path, status,
	// duration; never the auth token or message bodies). Nil discards.
	Logger *slog.Logger
	// Now is the clock for stage timings and Retry-After dates. Nil means
	// time.Now.
	Now func() time.Time
}

// Provider is the Twilio provider. It is safe for concurrent use; settings
// travel with each call.
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
	hc := httpapi.NewClient(Name, c.HTTPClient, c.Logger, c.Now)
	hc.ErrorMessage = errorMessage
	return &Provider{c: hc}
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
		Capabilities: []string{sms.OpSend, OpMessageGet, providers.CapabilityWebhook},
	}, nil
}

// Validate implements [providers.Provider].
func (*Provider) Validate(_ context.Context, s providers.Settings) error {
	_, err := parseSettings(s)
	return err
}
