package oauth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// Defaults of [Config].
const (
	RefreshSkewDefault     = 2 * time.Minute
	StateTTLDefault        = 10 * time.Minute
	RefreshAheadDefault    = 10 * time.Minute
	RefreshIntervalDefault = time.Minute
	RefreshLeaseDefault    = 2 * time.Minute
	RefreshBatchDefault    = 100
	HTTPTimeoutDefault     = 30 * time.Second
)

// Config configures a [Connector]. [New] copies it and fills the defaults.
type Config struct {
	// BaseURL is the host application's external URL; each provider's
	// redirect URI is BaseURL + "/oauth/callback/{provider}". Required.
	BaseURL string
	// HTTPClient makes token, discovery and provider API requests. Nil
	// means a client with a 30 s timeout on http.DefaultTransport.
	HTTPClient *http.Client
	// Clock returns the current time. Nil means time.Now. Expiry, state
	// lifetimes and leases all read it.
	Clock func() time.Time
	// Logger receives connection and refresh events; tokens, codes,
	// verifiers and client secrets are never logged. Nil discards.
	Logger *slog.Logger
	// RefreshSkew is how long before its expiry an access token is
	// refreshed on use (default 2 min), capped at a quarter of the token's
	// lifetime (from when it was stored to its expiry): a 30 s token is
	// refreshed in its last 7.5 s, not on every use. An access token
	// without a refresh token is used until it expires.
	RefreshSkew time.Duration
	// StateTTL is how long an authorization request may take (default
	// 10 min).
	StateTTL time.Duration
	// RetryPolicy governs refreshes on use: 5xx, 429, timeouts and network
	// errors are retried with backoff. Nil means [DefaultRetryPolicy].
	RetryPolicy *retry.Policy
	// RetryTimer returns the timer for waits between retries. Nil means
	// real timers; tests pass one that fires at once.
	RetryTimer func() backoff.Timer
	// RefreshAhead is the window of proactive refreshes: tokens expiring
	// within it are refreshed by [Connector.RefreshExpiring] (default
	// 10 min).
	RefreshAhead time.Duration
	// RefreshInterval is how often [Connector.Run] looks for expiring
	// tokens (default 1 min).
	RefreshInterval time.Duration
	// RefreshLease is how long a claimed token is reserved for one
	// refresher (default 2 min); a failed proactive refresh is tried again
	// after it.
	RefreshLease time.Duration
	// RefreshBatch is how many tokens one pass claims (default 100).
	RefreshBatch int
	// Settings reads an integration's OAuth settings. Nil means
	// [ParseSettings] of the integration's config.
	Settings func(ctx context.Context, in *storage.Integration) (*Settings, error)
}

// DefaultRetryPolicy is the spec's default policy, also retrying 429 and
// other network failures: a refresh must not break a connection over a
// passing failure.
func DefaultRetryPolicy() retry.Policy {
	p := retry.DefaultPolicy()
	p.RetryOn |= retry.NewClassSet(retry.ClassRateLimited, retry.ClassNetwork)
	return p
}

// WithDefaults returns a copy of c with every zero field set to its default.
func (c *Config) WithDefaults() Config {
	out := *c
	if out.HTTPClient == nil {
		out.HTTPClient = &http.Client{Timeout: HTTPTimeoutDefault}
	}
	if out.Clock == nil {
		out.Clock = time.Now
	}
	if out.Logger == nil {
		out.Logger = slog.New(slog.DiscardHandler)
	}
	if out.RetryPolicy == nil {
		p := DefaultRetryPolicy()
		out.RetryPolicy = &p
	}
	if out.Settings == nil {
		out.Settings = func(_ context.Context, in *storage.Integration) (*Settings, error) {
			return ParseSettings(in.Config)
		}
	}
	setDefault(&out.RefreshSkew, RefreshSkewDefault)
	setDefault(&out.StateTTL, StateTTLDefault)
	setDefault(&out.RefreshAhead, RefreshAheadDefault)
	setDefault(&out.RefreshInterval, RefreshIntervalDefault)
	setDefault(&out.RefreshLease, RefreshLeaseDefault)
	setDefault(&out.RefreshBatch, RefreshBatchDefault)
	return out
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

func (c *Config) validate() error {
	u, err := url.Parse(c.BaseURL)
	if c.BaseURL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errors.New("oauth: Config.BaseURL must be the host's absolute http(s) URL")
	}
	if c.RefreshSkew < 0 || c.StateTTL < 0 || c.RefreshAhead < 0 || c.RefreshLease < 0 || c.RefreshBatch < 0 || c.RefreshInterval < 0 {
		return errors.New("oauth: Config durations and RefreshBatch must not be negative")
	}
	if err := c.RetryPolicy.Validate(); err != nil {
		return errors.Join(errors.New("oauth: Config.RetryPolicy"), err)
	}
	return nil
}
