package integration

import (
	"errors"
	"log/slog"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/storage"
)

// Defaults of [Config].
const (
	CacheTTLDefault               = 10 * time.Second
	SlowThresholdDefault          = 3 * time.Second
	SlowFactorDefault             = 3.0
	HealthCheckIntervalDefault    = 5 * time.Minute
	HealthCheckTimeoutDefault     = 30 * time.Second
	HealthCheckConcurrencyDefault = 16
	HealthCheckPollDefault        = 5 * time.Second
	RecordBatchDefault            = 256
	RecordQueueDefault            = 1024
	RecordIntervalDefault         = time.Second
	QuotaBlockDefault             = 100
	LogRetentionDefault           = 30 * 24 * time.Hour
	LogMaintenanceIntervalDefault = time.Hour
)

// Bounds of an integration's own health-check interval
// ([CreateParams.CheckInterval]).
const (
	CheckIntervalMin = time.Minute
	CheckIntervalMax = 24 * time.Hour
)

// Config configures a [Manager]. [New] copies it and fills the defaults.
type Config struct {
	// Store keeps integrations, logs, metrics and schedules. Required.
	Store storage.Store
	// Providers holds the installed providers: registered in process or
	// loaded as plugins. Required.
	Providers *providers.Host
	// Catalog lists the integration types offered. Nil means
	// [DefaultCatalog].
	Catalog *Catalog
	// OAuth supplies the access tokens of integrations whose provider
	// needs OAuth ([providers.CapabilityOAuth]). Nil means such
	// integrations cannot be called.
	OAuth *oauth.Connector
	// Clock returns the current time. Nil means time.Now. Schedules,
	// metric buckets, quotas and breakers read it, so tests do not sleep.
	Clock func() time.Time
	// Logger receives the Manager's own events (loop errors, recording
	// failures, failover switches); secrets never reach it. Nil discards.
	Logger *slog.Logger
	// Breaker configures each provider instance's circuit breaker. Nil
	// means [providers.BreakerConfig] defaults on Clock.
	Breaker *providers.BreakerConfig
	// CacheTTL bounds how stale a resolved integration may be: a change made
	// through this Manager applies to its next call, and one made on another
	// host within CacheTTL (default 10 s).
	CacheTTL time.Duration
	// SlowThreshold is the response time over which a call is logged as
	// "Slow response" (default 3 s, UC-ADMIN-007 §10 "alert if > 3
	// seconds"); so is a call SlowFactor (default 3) times slower than its
	// integration's normal (7-day average) response time.
	SlowThreshold time.Duration
	SlowFactor    float64
	// HealthCheckInterval is the interval of integrations without their
	// own (default 5 min, §10 "every 5 minutes").
	HealthCheckInterval time.Duration
	// HealthCheckTimeout bounds one connection test (default 30 s).
	HealthCheckTimeout time.Duration
	// HealthCheckConcurrency is how many checks this process runs at once
	// (default 16).
	HealthCheckConcurrency int
	// HealthCheckPoll is how often an idle scheduler looks for due checks
	// (default 5 s): a check runs at most this late.
	HealthCheckPoll time.Duration
	// NoHealthCheckScheduler keeps [Manager.Start] from running the
	// health-check scheduler in this process (hosts that should not check,
	// tests that call [Manager.HealthCheckRun] themselves).
	NoHealthCheckScheduler bool
	// RecordBatch is the most records written in one transaction (default
	// 256), and RecordQueue how many may wait for it (default 1024). A
	// process killed without Stop loses at most RecordQueue + RecordBatch
	// records; a clean Stop loses none.
	RecordBatch int
	RecordQueue int
	// RecordInterval is the longest a record waits before it is written
	// (default 1 s).
	RecordInterval time.Duration
	// QuotaBlock is the most quota units one reservation takes from the
	// store for this process (default 100, and at most a hundredth of the
	// limit: 10 for the default 1,000 an hour), so that a call does not
	// write to the store.
	QuotaBlock int
	// RetryTimer returns the timer for waits between a call's retries. Nil
	// means real timers; tests pass one that fires at once.
	RetryTimer func() backoff.Timer
	// RetryRand returns jitter values in [0, 1). Nil means math/rand/v2.
	RetryRand func() float64
	// LogRetention is how long log entries are kept (default 30 days):
	// log maintenance deletes older ones. Negative keeps them forever.
	LogRetention time.Duration
	// LogMaintenanceInterval is how often a started Manager runs log
	// maintenance ([Manager.LogMaintenanceRun]: retention and the daily
	// summaries), the first time at Start (default 1 h).
	LogMaintenanceInterval time.Duration
	// NoLogMaintenance keeps [Manager.Start] from running log maintenance
	// in this process (tests that call [Manager.LogMaintenanceRun]
	// themselves). One host running it is enough; several share it.
	NoLogMaintenance bool
	// NoLogSummary keeps log maintenance from writing the daily summary
	// entries ("247 emails sent yesterday").
	NoLogSummary bool
}

// WithDefaults returns a copy of c with every zero field set to its
// default.
func (c *Config) WithDefaults() Config {
	var out Config
	if c != nil {
		out = *c
	}
	if out.Catalog == nil {
		out.Catalog = DefaultCatalog()
	}
	if out.Clock == nil {
		out.Clock = time.Now
	}
	if out.Logger == nil {
		out.Logger = slog.New(slog.DiscardHandler)
	}
	setDefault(&out.CacheTTL, CacheTTLDefault)
	setDefault(&out.SlowThreshold, SlowThresholdDefault)
	setDefault(&out.SlowFactor, SlowFactorDefault)
	setDefault(&out.HealthCheckInterval, HealthCheckIntervalDefault)
	setDefault(&out.HealthCheckTimeout, HealthCheckTimeoutDefault)
	setDefault(&out.HealthCheckConcurrency, HealthCheckConcurrencyDefault)
	setDefault(&out.HealthCheckPoll, HealthCheckPollDefault)
	setDefault(&out.RecordBatch, RecordBatchDefault)
	setDefault(&out.RecordQueue, RecordQueueDefault)
	setDefault(&out.RecordInterval, RecordIntervalDefault)
	setDefault(&out.QuotaBlock, QuotaBlockDefault)
	setDefault(&out.LogRetention, LogRetentionDefault)
	setDefault(&out.LogMaintenanceInterval, LogMaintenanceIntervalDefault)
	breaker := providers.BreakerConfig{}
	if out.Breaker != nil {
		breaker = *out.Breaker
	}
	if breaker.Clock == nil {
		breaker.Clock = out.Clock
	}
	out.Breaker = &breaker
	return out
}

func setDefault[T int | float64 | time.Duration](v *T, def T) {
	if *v == 0 {
		*v = def
	}
}

// validate says which field is wrong.
func (c *Config) validate() error {
	switch {
	case c.Store == nil:
		return errors.New("integration: Config.Store is required")
	case c.Providers == nil:
		return errors.New("integration: Config.Providers is required")
	case c.CacheTTL < 0, c.SlowThreshold < 0, c.SlowFactor < 0, c.HealthCheckInterval < 0, c.HealthCheckTimeout < 0,
		c.HealthCheckPoll < 0, c.RecordInterval < 0, c.LogMaintenanceInterval < 0:
		return errors.New("integration: Config durations and factors must not be negative")
	case c.HealthCheckConcurrency < 0, c.RecordBatch < 0, c.RecordQueue < 0, c.QuotaBlock < 0:
		return errors.New("integration: Config sizes must not be negative")
	}
	return nil
}
