package webhook

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/retry"
)

// Defaults of [Config].
const (
	WorkersDefault              = 8
	BatchSizeDefault            = 64
	LeaseDefault                = retry.AttemptTimeoutMax + time.Minute
	LeaseMin                    = 2 * time.Second
	PollIntervalDefault         = time.Second
	PerSubscriptionLimitDefault = 4
	SecretOverlapDefault        = 24 * time.Hour
	ReapIntervalDefault         = 30 * time.Second
	RetentionBatchDefault       = 1000
	// leaseMargin is kept between an attempt's deadline and its lease's
	// end, so that the row is finished before another worker may claim it.
	leaseMargin = time.Second
)

// Config configures a [Dispatcher]. The zero value is usable: every field has
// a default. [New] copies it.
type Config struct {
	// Transport sends deliveries and test sends. Nil means [NewTransport]
	// with AllowAddrs and TLSConfig: the SSRF guard, no proxy, HTTP/1.1 and
	// HTTP/2. A caller-supplied Transport bypasses the SSRF guard unless it
	// was built by [NewTransport]. Redirects are never followed either way.
	Transport http.RoundTripper
	// TLSConfig is the TLS configuration of the default transport (for
	// example RootCAs trusting a test server). Nil means the system roots.
	TLSConfig *tls.Config
	// AllowAddrs lets the default transport dial addresses the SSRF guard
	// refuses (loopback, private, link-local, ...): for development and
	// tests only. Nil refuses every non-global address.
	AllowAddrs []netip.Prefix
	// Clock returns the current time. Nil means time.Now. Retry schedules,
	// leases and secret overlap all read it, so tests do not sleep.
	Clock func() time.Time
	// Logger receives delivery failures and loop errors; secrets and
	// payloads are never logged. Nil discards.
	Logger *slog.Logger
	// Rand returns jitter values in [0, 1). Nil means math/rand/v2.
	Rand func() float64
	// Workers is the number of deliveries in flight per Dispatcher
	// (default 8).
	Workers int
	// BatchSize is the most due rows one claim leases, and the most
	// claimed rows that wait for a free worker (default 64). While
	// workers are busy, claims wait for half a batch of free places.
	BatchSize int
	// Lease is how long a claimed row stays reserved (default 6 min, at
	// least 2 s). An attempt's timeout is cut so that it ends a second
	// before its lease: the lease always outlives the attempt.
	Lease time.Duration
	// PollInterval is how often idle workers look for due rows when no
	// wake-up arrives (default 1 s).
	PollInterval time.Duration
	// PerSubscriptionLimit caps the rows of one subscription leased at once
	// across the Dispatcher, so that a slow endpoint cannot take every
	// worker (default 4).
	PerSubscriptionLimit int
	// SecretOverlap is how long a regenerated secret keeps signing beside
	// its successor (default 24 h; zero means the default). To replace a
	// secret with no overlap, after a leak, use
	// [Dispatcher.SubscriptionSecretRevoke].
	SecretOverlap time.Duration
	// ReapInterval is how often expired leases are returned (default 30 s).
	ReapInterval time.Duration
	// Retention, when positive, deletes delivery history older than it
	// (rows still in the DLQ are kept), RetentionBatch rows at a time
	// (default 1000), every ReapInterval. Zero keeps history forever.
	Retention      time.Duration
	RetentionBatch int
	// DefaultPolicy is the retry policy of subscriptions without one when
	// OrgPolicy has none. Nil means [retry.DefaultPolicy].
	DefaultPolicy *retry.Policy
	// OrgPolicy returns an organization's default retry policy, or nil to
	// use DefaultPolicy. Nil means no per-organization defaults.
	OrgPolicy func(ctx context.Context, orgID uuid.UUID) (*retry.Policy, error)
	// OnDeadLetter is called after a delivery is moved to the dead letter
	// queue (for alerts), once that is recorded, on the goroutine that
	// records the workers' attempts; keep it quick.
	OnDeadLetter func(ctx context.Context, dl *DeadLetter)
	// Events are registered in the catalog after [DefaultEvents].
	Events []EventType
}

// DeadLetter reports a delivery that failed every retry.
type DeadLetter struct {
	OrganizationID uuid.UUID
	WebhookID      uuid.UUID
	DeliveryID     uuid.UUID
	EventID        uuid.UUID
	EventType      string
	Attempts       int
	Reason         string
}

// WithDefaults returns a copy of c with every zero field set to its default.
func (c *Config) WithDefaults() *Config {
	out := Config{}
	if c != nil {
		out = *c
	}
	if out.Clock == nil {
		out.Clock = time.Now
	}
	if out.Logger == nil {
		out.Logger = slog.New(slog.DiscardHandler)
	}
	setDefault(&out.Workers, WorkersDefault)
	setDefault(&out.BatchSize, BatchSizeDefault)
	setDefault(&out.Lease, LeaseDefault)
	setDefault(&out.PollInterval, PollIntervalDefault)
	setDefault(&out.PerSubscriptionLimit, PerSubscriptionLimitDefault)
	setDefault(&out.SecretOverlap, SecretOverlapDefault)
	setDefault(&out.ReapInterval, ReapIntervalDefault)
	setDefault(&out.RetentionBatch, RetentionBatchDefault)
	if out.DefaultPolicy == nil {
		p := retry.DefaultPolicy()
		out.DefaultPolicy = &p
	}
	if out.Transport == nil {
		out.Transport = NewTransport(&TransportOpts{AllowAddrs: out.AllowAddrs, TLSConfig: out.TLSConfig,
			MaxIdleConnsPerHost: max(64, out.Workers)})
	}
	return &out
}

func setDefault[T int | time.Duration](v *T, def T) {
	if *v == 0 {
		*v = def
	}
}

// validate says which field is wrong.
func (c *Config) validate() error {
	switch {
	case c.Workers < 0:
		return errors.New("webhook: Config.Workers must not be negative")
	case c.BatchSize < 0:
		return errors.New("webhook: Config.BatchSize must not be negative")
	case c.Lease < LeaseMin:
		return errors.New("webhook: Config.Lease must be at least 2s")
	case c.PollInterval < 0, c.ReapInterval < 0, c.Retention < 0:
		return errors.New("webhook: Config intervals must not be negative")
	case c.RetentionBatch < 0:
		return errors.New("webhook: Config.RetentionBatch must not be negative")
	case c.PerSubscriptionLimit < 0:
		return errors.New("webhook: Config.PerSubscriptionLimit must not be negative")
	case c.SecretOverlap < 0:
		return errors.New("webhook: Config.SecretOverlap must not be negative")
	}
	if err := c.DefaultPolicy.Validate(); err != nil {
		return errors.Join(errors.New("webhook: Config.DefaultPolicy is invalid"), err)
	}
	return nil
}
