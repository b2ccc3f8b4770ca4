package webhook

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"reflect"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
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

// Upper bounds of [Config]: [New] refuses larger values, which would only
// exhaust memory (Start allocates per worker and per batch place) or
// overflow time arithmetic.
const (
	WorkersMax              = 1024
	BatchSizeMax            = storage.LimitMax
	PerSubscriptionLimitMax = storage.LimitMax
	RetentionBatchMax       = 100_000
	LeaseMax                = 24 * time.Hour
	PollIntervalMax         = time.Hour
	ReapIntervalMax         = time.Hour
	SecretOverlapMax        = 30 * 24 * time.Hour
	RetentionMax            = 100 * 365 * 24 * time.Hour
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
	// tests only. Nil refuses every non-global address. Subscription URLs
	// whose host is an IP address outside the public address space, or
	// localhost, are refused when created or updated unless AllowAddrs
	// admits them (with a caller-supplied Transport too).
	AllowAddrs []netip.Prefix
	// Clock returns the current time. Nil means time.Now. Retry schedules,
	// leases and secret overlap all read it, so tests do not sleep.
	Clock func() time.Time
	// Logger receives delivery failures and loop errors. Each failed
	// attempt is logged once, with its subscription, event, attempt,
	// status and class: at Warn when a retry follows, at Error when it
	// goes to the dead letter queue. Payloads, headers, secrets and
	// request URLs are never logged. Nil discards.
	Logger *slog.Logger
	// Rand returns jitter values in [0, 1). Nil means math/rand/v2.
	Rand func() float64
	// Workers is the number of deliveries in flight per Dispatcher
	// (default 8, at most 1024).
	Workers int
	// BatchSize is the most due rows one claim leases, and the most
	// claimed rows that wait for a free worker (default 64, at most
	// 1000, the store's largest claim). While workers are busy, claims
	// wait for half a batch of free places.
	BatchSize int
	// Lease is how long a claimed row stays reserved (default 6 min, at
	// least 2 s, at most 24 h). An attempt's timeout is cut so that it ends a second
	// before its lease: the lease always outlives the attempt.
	Lease time.Duration
	// PollInterval is how often idle workers look for due rows when no
	// wake-up arrives (default 1 s, at most 1 h).
	PollInterval time.Duration
	// PerSubscriptionLimit caps the rows of one subscription this
	// Dispatcher holds at once (in flight or waiting for a worker), so
	// that a slow endpoint cannot take every worker (default 4, at most
	// 1000). Each Dispatcher has a cap of its own: with several hosts on
	// one PostgreSQL database, a busy subscription's rows are shared
	// between them, and its endpoint receives up to this many requests at
	// once from each.
	PerSubscriptionLimit int
	// SecretOverlap is how long a regenerated secret keeps signing beside
	// its successor (default 24 h; zero means the default; at most 30
	// days). To replace a
	// secret with no overlap, after a leak, use
	// [Dispatcher.SubscriptionSecretRevoke].
	SecretOverlap time.Duration
	// ReapInterval is how often expired leases are returned (default
	// 30 s, at most 1 h).
	ReapInterval time.Duration
	// Retention, when positive, deletes delivery history older than it
	// (rows still in the DLQ are kept), RetentionBatch rows at a time
	// (default 1000, at most 100,000), every ReapInterval. Zero keeps
	// history forever; at most 100 years.
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
	// Alerts receives the dead letter queue's alert (§13, "Alert when DLQ
	// has items": "Current DLQ items: 3", see [Dispatcher.DLQAlertCheck]).
	// Nil means the store's alerts ([storage.AlertStore]).
	Alerts AlertRaiser
	// DLQAlertInterval is the shortest time between two DLQ alert checks
	// of one organization after its dead letters (default 1 min); a
	// negative value turns the automatic alert off.
	DLQAlertInterval time.Duration
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

// validate says which field is wrong: negative values, and values beyond
// the bounds, are refused with the field's name and its bound.
func (c *Config) validate() error {
	if c.Lease < LeaseMin {
		return fmt.Errorf("webhook: Config.Lease must be at least %s, got %s", LeaseMin, c.Lease)
	}
	if c.Transport != nil {
		if v := reflect.ValueOf(c.Transport); v.Kind() == reflect.Pointer && v.IsNil() {
			return errors.New("webhook: Config.Transport is a nil pointer; leave it nil for the default transport")
		}
	}
	for _, b := range []struct {
		field      string
		value, max int64
		dur        bool
	}{
		{"Workers", int64(c.Workers), WorkersMax, false},
		{"BatchSize", int64(c.BatchSize), BatchSizeMax, false},
		{"PerSubscriptionLimit", int64(c.PerSubscriptionLimit), PerSubscriptionLimitMax, false},
		{"RetentionBatch", int64(c.RetentionBatch), RetentionBatchMax, false},
		{"Lease", int64(c.Lease), int64(LeaseMax), true},
		{"PollInterval", int64(c.PollInterval), int64(PollIntervalMax), true},
		{"ReapInterval", int64(c.ReapInterval), int64(ReapIntervalMax), true},
		{"SecretOverlap", int64(c.SecretOverlap), int64(SecretOverlapMax), true},
		{"Retention", int64(c.Retention), int64(RetentionMax), true},
	} {
		if err := checkBound(b.field, b.value, b.max, b.dur); err != nil {
			return err
		}
	}
	if err := c.DefaultPolicy.Validate(); err != nil {
		return errors.Join(errors.New("webhook: Config.DefaultPolicy is invalid"), err)
	}
	return nil
}

// checkBound refuses a negative value or one above max, naming the field.
func checkBound(field string, value, maxValue int64, dur bool) error {
	show := func(v int64) string {
		if dur {
			return time.Duration(v).String()
		}
		return strconv.FormatInt(v, 10)
	}
	switch {
	case value < 0:
		return fmt.Errorf("webhook: Config.%s must not be negative, got %s", field, show(value))
	case value > maxValue:
		return fmt.Errorf("webhook: Config.%s must be at most %s, got %s", field, show(maxValue), show(value))
	}
	return nil
}
