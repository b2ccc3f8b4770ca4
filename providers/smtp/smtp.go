package smtp

import (
	"context"
	"log/slog"
	"net"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
)

// Name is the provider's name, and Version its version.
const (
	Name    = "smtp"
	Version = "1.0.0"
)

// OpSendTest is the "Send Test Email" operation: payload {"to": "..."},
// result an [email.Receipt]. It sends a short message naming the provider
// and endpoint.
const OpSendTest = "email.test"

// The defaults of [Config].
const (
	DialTimeoutDefault    = 30 * time.Second
	CommandTimeoutDefault = 60 * time.Second
	LocalNameDefault      = "localhost"
)

// Config configures a [Provider]. The zero value is usable. Settings (host,
// credentials, ...) are not here: they come with each call.
type Config struct {
	// DialTimeout bounds opening the TCP connection. The call's context
	// bounds it too. Zero means DialTimeoutDefault (30s).
	DialTimeout time.Duration
	// CommandTimeout bounds the wait for each reply of the server,
	// including the greeting. The call's context bounds it too. Zero means
	// CommandTimeoutDefault (60s).
	CommandTimeout time.Duration
	// LocalName is the name sent with EHLO. Empty means LocalNameDefault.
	LocalName string
	// Resolver resolves the SMTP host. Nil means net.DefaultResolver.
	Resolver *net.Resolver
	// Logger receives one record per message sent and a warning for
	// unencrypted connections; never credentials. Nil discards.
	Logger *slog.Logger
	// Now is the clock for Date headers and stage timings. Nil means
	// time.Now.
	Now func() time.Time
}

// WithDefaults returns a copy of c with zero fields set to their defaults.
func (c *Config) WithDefaults() Config {
	var out Config
	if c != nil {
		out = *c
	}
	if out.DialTimeout <= 0 {
		out.DialTimeout = DialTimeoutDefault
	}
	if out.CommandTimeout <= 0 {
		out.CommandTimeout = CommandTimeoutDefault
	}
	if out.LocalName == "" {
		out.LocalName = LocalNameDefault
	}
	if out.Resolver == nil {
		out.Resolver = net.DefaultResolver
	}
	if out.Logger == nil {
		out.Logger = slog.New(slog.DiscardHandler)
	}
	if out.Now == nil {
		out.Now = time.Now
	}
	return out
}

// Provider sends email over SMTP. It implements [providers.Provider].
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
		Name: Name, DisplayName: "SMTP", Types: []string{"email"}, Version: Version,
		Fields: Fields, Capabilities: []string{email.OpSend, OpSendTest},
	}, nil
}

// Validate implements [providers.Provider]: the spec's rules and messages,
// and a parseable smtpRootCA.
func (*Provider) Validate(_ context.Context, s providers.Settings) error {
	return validate(s)
}
