package oidc

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/internal/manifest"
	"github.com/intimeos/integrations/providers/sso"
)

// Name is the provider's name, as hosts register and load it.
const Name = "oidc"

// DisplayName names the provider in messages: "SSO (OpenID Connect) is
// currently unavailable".
const DisplayName = "SSO (OpenID Connect)"

// Version is the provider's version.
const Version = "1.0.0"

// IntegrationType is the integration type the provider serves
// (UC-ADMIN-007 §2.4, SSO: Okta / Auth0).
const IntegrationType = "sso"

// Defaults of [Config].
const (
	ClockSkewDefault     = time.Minute
	MaxTokenAgeDefault   = 10 * time.Minute
	FlowTTLDefault       = 10 * time.Minute
	MetadataTTLDefault   = time.Hour
	KeyRefetchMinDefault = 10 * time.Second
	MaxIssuersDefault    = 64
)

// Config configures a [Provider]. The zero value is ready to use.
type Config struct {
	// HTTPClient sends the requests to the issuer (discovery, JWKS, token,
	// userinfo). Nil means a client owned by the provider with a 30 second
	// timeout, whose idle connections [Provider.Close] closes.
	HTTPClient *http.Client
	// Logger receives debug records of requests (method, path, status,
	// duration; never the client secret, codes or tokens). Nil discards.
	Logger *slog.Logger
	// Now is the clock for token validity, flow expiry and stage timings.
	// Nil means time.Now.
	Now func() time.Time
	// Rand is the source of states, nonces, PKCE verifiers and sealing
	// nonces; it must be safe for concurrent use. Nil means
	// crypto/rand.Reader.
	Rand io.Reader
	// ClockSkew is the difference tolerated between the issuer's clock and
	// Now on exp, nbf, iat and auth_time. Zero means ClockSkewDefault (1m).
	ClockSkew time.Duration
	// MaxTokenAge refuses ID tokens issued longer ago (iat), beyond
	// ClockSkew. Zero means MaxTokenAgeDefault (10m).
	MaxTokenAge time.Duration
	// FlowTTL is how long a started sign-in can be completed. Zero means
	// FlowTTLDefault (10m).
	FlowTTL time.Duration
	// MetadataTTL is how long an issuer's discovery document and keys are
	// cached before being fetched again. Zero means MetadataTTLDefault (1h).
	MetadataTTL time.Duration
	// KeyRefetchMin is the least time between two fetches of an issuer's
	// keys prompted by a token signed with a key not in the cache. Zero
	// means KeyRefetchMinDefault (10s).
	KeyRefetchMin time.Duration
	// MaxIssuers bounds the issuers cached. Zero means MaxIssuersDefault
	// (64).
	MaxIssuers int
}

// WithDefaults returns a copy of c with zero fields set to their defaults.
func (c *Config) WithDefaults() Config {
	var out Config
	if c != nil {
		out = *c
	}
	if out.Now == nil {
		out.Now = time.Now
	}
	if out.Rand == nil {
		out.Rand = rand.Reader
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&out.ClockSkew, ClockSkewDefault)
	def(&out.MaxTokenAge, MaxTokenAgeDefault)
	def(&out.FlowTTL, FlowTTLDefault)
	def(&out.MetadataTTL, MetadataTTLDefault)
	def(&out.KeyRefetchMin, KeyRefetchMinDefault)
	if out.MaxIssuers <= 0 {
		out.MaxIssuers = MaxIssuersDefault
	}
	return out
}

// Provider is the OpenID Connect SSO provider. It is safe for concurrent
// use and keeps no sign-in state: settings travel with each call, and a
// sign-in's state travels sealed through the host ([sso.Authorization]).
// It caches issuers' discovery documents and keys.
//
// Info and Validate are the embedded manifest.Base's: the package's
// fields and operations, and its settings rules, as data.
type Provider struct {
	manifest.Base
	cfg Config
	c   *httpapi.Client
	dir *directory
}

var _ providers.Provider = (*Provider)(nil)

// New returns a provider configured by cfg (nil means all defaults).
func New(cfg *Config) *Provider {
	c := cfg.WithDefaults()
	hc := httpapi.NewClient(Name, c.HTTPClient, c.Logger, c.Now)
	hc.ErrorMessage = errorMessage
	return &Provider{Base: manifest.New(&spec), cfg: c, c: hc,
		dir: newDirectory(hc, c.MetadataTTL, c.KeyRefetchMin, c.MaxIssuers)}
}

// Close closes the idle connections of the provider's own HTTP client. The
// provider stays usable.
func (p *Provider) Close() error {
	p.c.Close()
	return nil
}

// spec is what Info says of the provider, and how Validate checks
// settings.
var spec = manifest.Spec{Name: Name, DisplayName: DisplayName, Version: Version, Types: []string{IntegrationType},
	Fields: fields, Capabilities: []string{sso.OpAuthorize, sso.OpComplete, sso.OpVerify, sso.OpLogout},
	Validate: manifest.Parses(parseSettings)}

// Do implements [providers.Provider]: [sso.OpAuthorize], [sso.OpComplete],
// [sso.OpVerify] and [sso.OpLogout].
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	return httpapi.Dispatch(ctx, Name, map[string]httpapi.Handler[*settings]{
		sso.OpAuthorize: p.authorize,
		sso.OpComplete:  p.complete,
		sso.OpVerify:    p.verifyToken,
		sso.OpLogout:    p.logout,
	}, op, func() (*settings, error) { return parseSettings(s) })
}
