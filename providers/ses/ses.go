package ses

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
)

// Name is the provider's name, and Version its version.
const (
	Name    = "ses"
	Version = "1.0.0"
)

// TimeoutDefault bounds a request when neither the context nor
// [Config.HTTPClient] does.
const TimeoutDefault = 30 * time.Second

// Config configures a [Provider]. The zero value is usable. Region and
// credentials are not here: they come with each call, in the settings,
// never from the host's environment or shared AWS files.
type Config struct {
	// HTTPClient makes the requests. Nil means a client of its own with
	// Timeout TimeoutDefault; the call's context bounds every request too.
	HTTPClient *http.Client
	// Logger receives one record per message sent, never credentials. Nil
	// discards.
	Logger *slog.Logger
	// Now times the connection test's stages. Nil means time.Now.
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

// Provider sends email through Amazon SES (API v2). It implements
// [providers.Provider].
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
		Name: Name, DisplayName: "AWS SES", Types: []string{"email"}, Version: Version,
		Fields: Fields, Capabilities: []string{email.OpSend},
	}, nil
}

// Validate implements [providers.Provider].
func (*Provider) Validate(_ context.Context, s providers.Settings) error {
	return providers.ValidateSettings(Fields, s)
}

// client builds an SES client from the settings alone: static credentials,
// the settings' region and endpoint, no retries of its own (the host's
// retry policy and failover decide), no environment.
func (p *Provider) client(st *settings) *sesv2.Client {
	opts := sesv2.Options{
		Region:      st.region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(st.keyID, st.secret, "")),
		HTTPClient:  p.cfg.HTTPClient,
		Retryer:     aws.NopRetryer{},
	}
	if st.endpoint != nil {
		opts.BaseEndpoint = aws.String(st.endpoint.String())
	}
	return sesv2.New(opts)
}
