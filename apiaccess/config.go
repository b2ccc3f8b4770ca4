package apiaccess

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"time"
)

// Defaults of [Config].
const (
	PerMinuteDefault       = 100
	PerHourDefault         = 1000
	OrgPerHourDefault      = 10000
	LeaseShareDefault      = 0.05
	LeaseMaxDefault        = 100
	LeaseAheadDefault      = time.Second
	RecheckDefault         = time.Second
	IdleReturnDefault      = 5 * time.Second
	FlushIntervalDefault   = time.Second
	TokenCacheTTLDefault   = time.Minute
	ChangeOverlapDefault   = time.Minute
	TokenLifetimeDefault   = 90 * 24 * time.Hour
	MaxGraceDefault        = 30 * 24 * time.Hour
	UsageRetentionDefault  = 31 * 24 * time.Hour
	MaxPendingDefault      = 100_000
	StoreTimeoutDefault    = 5 * time.Second
	AnomalyFactorDefault   = 10
	AnomalyMinDefault      = 60
	AnomalyBaselineDefault = 24 * time.Hour
	// LimitMax bounds every configurable limit.
	LimitMax = 100_000_000
)

// Config configures a [Service]. The zero value is usable: every field has a
// default. [New] copies it.
type Config struct {
	// Clock returns the current time. Nil means time.Now. Rate windows,
	// token expiry, usage buckets and anomaly windows all read it, so tests
	// do not sleep.
	Clock func() time.Time
	// Logger receives store failures of the background work; tokens never
	// reach it. Nil discards.
	Logger *slog.Logger

	// PerMinute and PerHour are the default limits of a token (100 and
	// 1,000); a token may override them. OrgPerHour is the limit of all the
	// tokens of an organization together (10,000).
	PerMinute  int
	PerHour    int
	OrgPerHour int

	// LeaseShare is the largest share of a limit one host leases at once
	// (default 0.05, 5 %), and LeaseMax caps it in requests (default
	// 100). Together they set the documented margin: see the package doc,
	// "Rate limits across hosts".
	LeaseShare float64
	LeaseMax   int
	// LeaseAhead is how much of this host's own traffic a lease should
	// cover (default 1 s): a host serving 20 requests a second for a token
	// leases about 20 at a time, within LeaseShare and LeaseMax.
	LeaseAhead time.Duration
	// Recheck is how long a host refuses from its own memory after the
	// store said a window's budget is spent, before asking again (default
	// 1 s). Another host may have given budget back meanwhile.
	Recheck time.Duration
	// IdleReturn gives a lease back to the store when this host has not used
	// it for that long (default 5 s), so an idle host does not sit on budget
	// others could use.
	IdleReturn time.Duration
	// StoreTimeout bounds each store call of the request path (default 5 s).
	StoreTimeout time.Duration

	// FlushInterval is how often the background loop writes buffered
	// usage, reads the token change feed and returns idle leases
	// (default 1 s). It bounds what a crash loses and how long another
	// host's revocation takes to reach this one.
	FlushInterval time.Duration
	// MaxPending bounds the usage rows buffered while the store is
	// unreachable (default 100,000); past it new figures are dropped and
	// counted in [Service.Dropped].
	MaxPending int
	// TokenCacheTTL bounds how long a token is served from memory without
	// being read again (default 1 min). Revocations arrive sooner through
	// the change feed; this is the safety net.
	TokenCacheTTL time.Duration
	// ChangeOverlap is how far back each read of the change feed reaches
	// (default 1 min), to cover transactions that commit late and clock
	// skew between hosts.
	ChangeOverlap time.Duration
	// UsageRetention is how long usage figures are kept (default 31 days).
	UsageRetention time.Duration

	// TokenLifetime is the expiry of a new token that names none (default
	// 90 days, as §10 advises rotating keys every 90 days).
	TokenLifetime time.Duration
	// MaxGrace bounds the grace period of a rotation (default 30 days).
	MaxGrace time.Duration
	// Scopes, when set, are the only scopes a token may hold; nil allows
	// any well-formed scope.
	Scopes []string

	// Anomaly configures anomaly detection; OnAnomaly receives each
	// anomaly once across hosts, on the background loop's goroutine.
	Anomaly   AnomalyConfig
	OnAnomaly func(ctx context.Context, a *Anomaly)
}

// AnomalyConfig configures anomaly detection. A token is anomalous in a
// one-minute window when it made at least MinRequests requests and more
// than Factor times its normal rate, the average per minute over the
// Baseline before the window.
type AnomalyConfig struct {
	// Disabled turns detection off.
	Disabled bool
	// Factor is how far above normal counts as anomalous (default 10).
	Factor float64
	// MinRequests is the least count in a window that can be anomalous
	// (default 60), so a quiet token's few requests never are.
	MinRequests int64
	// Baseline is how far back the normal rate is measured (default 24 h).
	Baseline time.Duration
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
	setDefault(&out.PerMinute, PerMinuteDefault)
	setDefault(&out.PerHour, PerHourDefault)
	setDefault(&out.OrgPerHour, OrgPerHourDefault)
	setDefault(&out.LeaseShare, LeaseShareDefault)
	setDefault(&out.LeaseMax, LeaseMaxDefault)
	setDefault(&out.LeaseAhead, LeaseAheadDefault)
	setDefault(&out.Recheck, RecheckDefault)
	setDefault(&out.IdleReturn, IdleReturnDefault)
	setDefault(&out.StoreTimeout, StoreTimeoutDefault)
	setDefault(&out.FlushInterval, FlushIntervalDefault)
	setDefault(&out.MaxPending, MaxPendingDefault)
	setDefault(&out.TokenCacheTTL, TokenCacheTTLDefault)
	setDefault(&out.ChangeOverlap, ChangeOverlapDefault)
	setDefault(&out.UsageRetention, UsageRetentionDefault)
	setDefault(&out.TokenLifetime, TokenLifetimeDefault)
	setDefault(&out.MaxGrace, MaxGraceDefault)
	setDefault(&out.Anomaly.Factor, AnomalyFactorDefault)
	setDefault(&out.Anomaly.MinRequests, AnomalyMinDefault)
	setDefault(&out.Anomaly.Baseline, AnomalyBaselineDefault)
	out.Scopes = append([]string(nil), out.Scopes...)
	return &out
}

// setDefault sets *p to v when *p is the zero value (nil for a function).
func setDefault[T comparable](p *T, v T) {
	var zero T
	if *p == zero {
		*p = v
	}
}

// LeaseChunk is the most of a limit's budget that one host leases and holds
// at a time: LeaseShare of the limit, rounded up, at most LeaseMax, at
// least 1.
func (c *Config) LeaseChunk(limit int) int { return c.WithDefaults().chunk(limit) }

// Margin is the documented bound on refusing while the budget has room: with
// hosts sharing a limit, a request is refused only when at most
// Margin(limit, hosts) = (hosts-1) x LeaseChunk(limit) of the window's budget
// is left unadmitted across all hosts. With the defaults and two hosts: 5 for
// 100 a minute, 50 for 1,000 an hour, 100 for 10,000 an hour.
func (c *Config) Margin(limit, hosts int) int { return max(0, hosts-1) * c.LeaseChunk(limit) }

// chunk is LeaseChunk on a Config with its defaults.
func (c *Config) chunk(limit int) int {
	return max(1, min(c.LeaseMax, int(math.Ceil(float64(limit)*c.LeaseShare))))
}

// ConfigError names a Config field that is out of range.
type ConfigError struct {
	Field  string
	Reason string
}

// Error returns "apiaccess: Config.PerMinute: must be between 1 and 1000000".
func (e *ConfigError) Error() string { return "apiaccess: Config." + e.Field + ": " + e.Reason }

func (c *Config) validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"PerMinute", c.PerMinute}, {"PerHour", c.PerHour}, {"OrgPerHour", c.OrgPerHour}, {"LeaseMax", c.LeaseMax}} {
		if f.v < 1 || f.v > LimitMax {
			return &ConfigError{f.name, fmt.Sprintf("must be between 1 and %d", LimitMax)}
		}
	}
	if c.LeaseShare <= 0 || c.LeaseShare > 1 {
		return &ConfigError{"LeaseShare", "must be above 0 and at most 1"}
	}
	for _, f := range []struct {
		name string
		v    time.Duration
	}{{"LeaseAhead", c.LeaseAhead}, {"Recheck", c.Recheck}, {"IdleReturn", c.IdleReturn}, {"StoreTimeout", c.StoreTimeout},
		{"FlushInterval", c.FlushInterval}, {"TokenCacheTTL", c.TokenCacheTTL}, {"ChangeOverlap", c.ChangeOverlap},
		{"UsageRetention", c.UsageRetention}, {"TokenLifetime", c.TokenLifetime}, {"MaxGrace", c.MaxGrace},
		{"Anomaly.Baseline", c.Anomaly.Baseline}} {
		if f.v < 0 {
			return &ConfigError{f.name, "must not be negative"}
		}
	}
	if c.Anomaly.Baseline < time.Minute {
		return &ConfigError{"Anomaly.Baseline", "must be at least a minute"}
	}
	if c.Anomaly.Factor < 1 || c.Anomaly.MinRequests < 1 {
		return &ConfigError{"Anomaly", "Factor and MinRequests must be at least 1"}
	}
	for _, s := range c.Scopes {
		if !validScope(s) {
			return &ConfigError{"Scopes", fmt.Sprintf("%q is not a well-formed scope", s)}
		}
	}
	return nil
}
