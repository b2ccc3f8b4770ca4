package ses

import (
	"context"
	"log/slog"
	"net/http"
	"regexp"
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

// Defaults of the SNS fields of [Config].
const (
	// SNSTimeoutDefault bounds a certificate fetch or a subscription
	// confirmation.
	SNSTimeoutDefault = 10 * time.Second
	// SNSMaxAgeDefault is how far an SNS message's Timestamp may be from
	// now. SNS's retries of an HTTP(S) delivery end within an hour (its
	// hard limit on a delivery policy), so an older message is a replay.
	SNSMaxAgeDefault = time.Hour
	// SNSCertTTLDefault is how long a fetched signing certificate is
	// reused (never past its NotAfter).
	SNSCertTTLDefault = 24 * time.Hour
	// SNSCertCacheSizeDefault bounds the certificates cached.
	SNSCertCacheSizeDefault = 64
)

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
	// Now times the connection test's stages and is the clock of SNS
	// message ages and certificate validity. Nil means time.Now.
	Now func() time.Time
	// SNSHost matches the host (with its port, if the URL has one) of
	// the SNS URLs HandleWebhook fetches: SigningCertURL and SubscribeURL,
	// which must also be https. Nil means [DefaultSNSHost]; tests serving
	// their own certificate set it, production never should.
	SNSHost *regexp.Regexp
	// SNSClient fetches signing certificates and confirms subscriptions.
	// Nil means a client with SNSTimeoutDefault that follows no
	// redirects.
	SNSClient *http.Client
	// SNSMaxAge refuses SNS messages whose Timestamp is further than this
	// from Now (default 1 hour, SNSMaxAgeDefault).
	SNSMaxAge time.Duration
	// SNSCertTTL is how long a signing certificate is cached (default
	// 24 h), and SNSCertCacheSize how many are (default 64).
	SNSCertTTL       time.Duration
	SNSCertCacheSize int
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
	if out.SNSHost == nil {
		out.SNSHost = DefaultSNSHost
	}
	if out.SNSClient == nil {
		out.SNSClient = newSNSClient()
	}
	if out.SNSMaxAge <= 0 {
		out.SNSMaxAge = SNSMaxAgeDefault
	}
	if out.SNSCertTTL <= 0 {
		out.SNSCertTTL = SNSCertTTLDefault
	}
	if out.SNSCertCacheSize <= 0 {
		out.SNSCertCacheSize = SNSCertCacheSizeDefault
	}
	return out
}

// Provider sends email through Amazon SES (API v2). It implements
// [providers.Provider].
type Provider struct {
	providers.UnimplementedProvider
	cfg   Config
	certs *certCache
}

var _ providers.Provider = (*Provider)(nil)

// New returns a provider configured by cfg (nil means defaults).
func New(cfg *Config) *Provider {
	return &Provider{cfg: cfg.WithDefaults(), certs: &certCache{entries: map[string]certEntry{}}}
}

// Info implements [providers.Provider].
func (*Provider) Info(context.Context) (*providers.Info, error) {
	return &providers.Info{
		Name: Name, DisplayName: "AWS SES", Types: []string{"email"}, Version: Version,
		Fields: Fields, Capabilities: []string{email.OpSend, providers.CapabilityWebhook},
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
