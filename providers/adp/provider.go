package adp

import (
	"context"
	"log/slog"
	"time"

	"github.com/intimeos/integrations/providers"
)

// Name is the provider's name, as hosts register and load it.
const Name = "adp"

// DisplayName names the provider in messages: "ADP is currently
// unavailable".
const DisplayName = "ADP"

// Version is the provider's version.
const Version = "1.0.0"

// IntegrationType is the integration type the provider serves
// (UC-ADMIN-007 §2.2, Payroll).
const IntegrationType = "payroll"

// Defaults of [Config].
const (
	// DefaultTimeout bounds one HTTP request, token requests included.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxSessions is how many sets of credentials keep their token
	// source and connections.
	DefaultMaxSessions = 64
)

// Config configures a [Provider]. The zero value is ready to use.
type Config struct {
	// Timeout bounds each HTTP request to ADP, token requests included,
	// which the caller's context cannot cancel once started (the token
	// source is shared). Zero means [DefaultTimeout].
	Timeout time.Duration
	// MaxSessions is how many sets of credentials keep their token source
	// and connections; the least recently used is dropped beyond it. Zero
	// means [DefaultMaxSessions].
	MaxSessions int
	// Logger receives debug records (token sources created and dropped,
	// requests with status and duration; never secrets, keys or tokens).
	// Nil discards.
	Logger *slog.Logger
	// Now is the clock for stage timings and certificate expiry. Nil means
	// time.Now.
	Now func() time.Time
}

// Provider is the ADP provider. It is safe for concurrent use; settings
// travel with each call, and the token source and connections of each set
// of credentials are kept between calls.
type Provider struct {
	providers.UnimplementedProvider
	cfg      Config
	sessions *sessions
}

var _ providers.Provider = (*Provider)(nil)

// New returns a provider configured by cfg (nil means all defaults).
func New(cfg *Config) *Provider {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxSessions <= 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Provider{cfg: c, sessions: newSessions(c.MaxSessions)}
}

// Close drops every cached token source and closes idle connections. The
// provider stays usable.
func (p *Provider) Close() error {
	p.sessions.clear()
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
		Capabilities: []string{OpWorkersList, OpPayrollExport},
	}, nil
}

// Validate implements [providers.Provider]: the required fields, the
// certificate and key (PEM, matching, not expired), the optional CA
// certificate and the URLs.
func (p *Provider) Validate(_ context.Context, s providers.Settings) error {
	_, err := p.parseSettings(s)
	return err
}
