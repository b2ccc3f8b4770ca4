package sendgrid

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
)

// Name is the provider's name, and Version its version.
const (
	Name    = "sendgrid"
	Version = "1.0.0"
)

// TimeoutDefault bounds a request when neither the context nor
// [Config.HTTPClient] does.
const TimeoutDefault = 30 * time.Second

// Config configures a [Provider]. The zero value is usable. The API key and
// the other settings come with each call.
type Config struct {
	// HTTPClient makes the requests. Nil means a client of its own with
	// Timeout TimeoutDefault; the call's context bounds every request too.
	HTTPClient *http.Client
	// WebhookMaxAge, if positive, refuses signed events whose timestamp is
	// further than this from Now (replays). Zero means no age check:
	// SendGrid documents none.
	WebhookMaxAge time.Duration
	// Logger receives one record per message sent, never the API key. Nil
	// discards.
	Logger *slog.Logger
	// Now is the clock for X-RateLimit-Reset and WebhookMaxAge. Nil means
	// time.Now.
	Now func() time.Time
}

// WithDefaults returns a copy of c with zero fields set to their defaults.
func (c *Config) WithDefaults() Config {
	var out Config
	if c != nil {
		out = *c
	}
	if out.HTTPClient == nil {
		out.HTTPClient = &http.Client{Timeout: TimeoutDefault}
	}
	if out.Logger == nil {
		out.Logger = slog.New(slog.DiscardHandler)
	}
	if out.Now == nil {
		out.Now = time.Now
	}
	return out
}

// Provider sends email through SendGrid's Web API v3 and handles its Event
// Webhook. It implements [providers.Provider].
type Provider struct {
	providers.UnimplementedProvider
	cfg Config
}

var _ providers.Provider = (*Provider)(nil)

// New returns a provider configured by cfg (nil means defaults).
func New(cfg *Config) *Provider {
	return &Provider{cfg: cfg.WithDefaults()}
}

// Info implements [providers.Provider].
func (*Provider) Info(context.Context) (*providers.Info, error) {
	return &providers.Info{
		Name: Name, DisplayName: "SendGrid", Types: []string{"email"}, Version: Version,
		Fields: Fields, Capabilities: []string{email.OpSend, providers.CapabilityWebhook, providers.CapabilityKeyMint},
	}, nil
}

// Validate implements [providers.Provider].
func (*Provider) Validate(_ context.Context, s providers.Settings) error {
	return validate(s)
}
