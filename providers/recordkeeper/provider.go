package recordkeeper

import (
	"context"
	"log/slog"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/sftpdrop"
)

// Name is the provider's name, as hosts register and load it.
const Name = "recordkeeper"

// DisplayName names the provider in messages; hosts usually name the
// instance after the chosen recordkeeper instead ("Fidelity is currently
// unavailable").
const DisplayName = "401(k) Recordkeeper"

// Version is the provider's version.
const Version = "1.0.0"

// IntegrationType is the integration type the provider serves
// (UC-ADMIN-007 §2.2, 401k).
const IntegrationType = "retirement_401k"

// Config configures a [Provider]. The zero value is ready to use.
type Config struct {
	// HandshakeTimeout bounds connecting and authenticating to the SFTP
	// server. Zero means [sftpdrop.DefaultHandshakeTimeout].
	HandshakeTimeout time.Duration
	// Logger receives debug records of deliveries (file name, size,
	// duration; never keys, SSNs or amounts). Nil discards.
	Logger *slog.Logger
	// Now is the clock for the file's creation time, file IDs and stage
	// timings. Nil means time.Now.
	Now func() time.Time
}

// Provider is the 401(k) recordkeeper provider. It is safe for concurrent
// use; settings travel with each call.
type Provider struct {
	providers.UnimplementedProvider
	sftp *sftpdrop.Client
	now  func() time.Time
}

var _ providers.Provider = (*Provider)(nil)

// New returns a provider configured by cfg (nil means all defaults).
func New(cfg *Config) *Provider {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Provider{now: c.Now,
		sftp: sftpdrop.New(&sftpdrop.Config{HandshakeTimeout: c.HandshakeTimeout, Logger: c.Logger, Now: c.Now})}
}

// Info implements [providers.Provider].
func (*Provider) Info(context.Context) (*providers.Info, error) {
	return &providers.Info{
		Name:         Name,
		DisplayName:  DisplayName,
		Types:        []string{IntegrationType},
		Version:      Version,
		Fields:       Fields(),
		Capabilities: []string{OpSend, OpRender},
	}, nil
}

// Validate implements [providers.Provider] with the rules of [Fields].
func (*Provider) Validate(_ context.Context, s providers.Settings) error {
	_, err := parseSettings(s)
	return err
}

// Check implements [providers.Provider] with [sftpdrop.Client.Check]:
// DNS, TCP, the SSH handshake against the pinned host key, then key
// authentication and the upload folder. Nothing is written.
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	return p.sftp.Check(ctx, st.target), nil
}
