package carrier

import (
	"context"
	"log/slog"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/filedrop"
	"github.com/intimeos/integrations/providers/internal/manifest"
	"github.com/intimeos/integrations/providers/sftpdrop"
)

// Name is the provider's name, as hosts register and load it.
const Name = "carrier"

// DisplayName names the provider in messages; hosts usually name the
// instance after the chosen carrier instead ("VSP is currently
// unavailable").
const DisplayName = "Benefits Carrier"

// Version is the provider's version.
const Version = "1.0.0"

// IntegrationType is the integration type the provider serves
// (UC-ADMIN-007 §2.2, Benefits).
const IntegrationType = "benefits"

// Config configures a [Provider]. The zero value is ready to use.
type Config struct {
	// HandshakeTimeout bounds connecting and authenticating to the SFTP
	// server. Zero means [sftpdrop.DefaultHandshakeTimeout].
	HandshakeTimeout time.Duration
	// Logger receives debug records of deliveries (file name, size,
	// duration; never keys, names or other member data). Nil discards.
	Logger *slog.Logger
	// Now is the clock for file dates, control numbers and stage timings.
	// Nil means time.Now.
	Now func() time.Time
}

// Provider is the benefits carrier provider. It is safe for concurrent
// use; settings travel with each call.
//
// Info and Validate are the embedded manifest.Base's: the package's
// fields and operations, and its settings rules, as data.
type Provider struct {
	manifest.Base
	drop *filedrop.Dropper[*settings, EnrollmentFile]
}

var _ providers.Provider = (*Provider)(nil)

// spec is what Info says of the provider, and how Validate checks
// settings: with the rules of [Fields].
var spec = manifest.Spec{Name: Name, DisplayName: DisplayName, Version: Version, Types: []string{IntegrationType},
	Fields: Fields, Capabilities: []string{OpSend, OpRender}, Validate: manifest.Parses(parseSettings)}

// New returns a provider configured by cfg (nil means all defaults).
func New(cfg *Config) *Provider {
	return &Provider{Base: manifest.New(&spec), drop: filedrop.New(&ops, (*sftpdrop.Config)(cfg))}
}

// Check implements [providers.Provider] with [sftpdrop.Client.Check]:
// DNS, TCP, the SSH handshake against the pinned host key, then key
// authentication and the upload folder. Nothing is written.
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	return p.drop.Check(ctx, s)
}
