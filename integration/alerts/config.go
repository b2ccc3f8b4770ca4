package alerts

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/storage"
)

// Defaults of [Config].
const (
	WindowDefault            = time.Hour
	EvaluateIntervalDefault  = time.Minute
	NotifyPollDefault        = 5 * time.Second
	NotifyLeaseDefault       = 2 * time.Minute
	NotifyTimeoutDefault     = 30 * time.Second
	NotifyMaxAttemptsDefault = 20
	RetryMinDefault          = 30 * time.Second
	RetryMaxDefault          = time.Hour
	RuleWindowDefault        = 15 * time.Minute
	SlowThresholdDefault     = 3 * time.Second
	SlowMinDefault           = 3
	QuotaBurstDefault        = 10
	CredentialsMaxAgeDefault = 90 * 24 * time.Hour
)

// Config configures an [Engine]. Zero fields take the defaults above.
type Config struct {
	// Store keeps the alerts, their notifications and each organization's
	// targets. Required.
	Store storage.Store
	// Manager is listened to (integration in error, failover switch) and
	// read by the periodic rules. Nil leaves only Raise and Resolve (the
	// webhook DLQ alert).
	Manager *integration.Manager
	// Notifiers send the notifications, each under its Name. Nil sends
	// none; alerts are still raised and resolved.
	Notifiers []Notifier
	// OAuth, when set, lets the OAuth rule read each connection's state
	// (oauth.Connector.Status).
	OAuth *oauth.Connector
	// Clock is the time source. Nil means time.Now.
	Clock func() time.Time
	// Logger receives a record per failed notification attempt and per
	// failed rule. Nil discards.
	Logger *slog.Logger

	// Window is the rule window: an open alert is notified once per window
	// (a raise opens it, a raise a window or more later sends a reminder);
	// 1 hour by default.
	Window time.Duration
	// EvaluateInterval is how often Start's loop runs the periodic rules;
	// 1 minute by default.
	EvaluateInterval time.Duration
	// NotifyPoll is how often Start's loop looks for due notifications
	// when nothing wakes it; 5 s by default.
	NotifyPoll time.Duration
	// NotifyLease is how long a claimed notification is held before
	// another host may take it; 2 minutes by default. It must exceed
	// NotifyTimeout.
	NotifyLease time.Duration
	// NotifyTimeout bounds one notifier call; 30 s by default.
	NotifyTimeout time.Duration
	// NotifyMaxAttempts is how many times a notification is tried before it
	// is marked failed; 20 by default (about a day with RetryMax).
	NotifyMaxAttempts int
	// RetryMin and RetryMax bound the wait before a failed notification is
	// tried again: RetryMin doubled per attempt, at most RetryMax, or the
	// notifier's Retry-After when longer; 30 s and 1 hour by default.
	RetryMin, RetryMax time.Duration

	// RuleWindow is the span the counting rules (slow responses, quota
	// rejections) look back over; 15 minutes by default.
	RuleWindow time.Duration
	// SlowThreshold is the response time over which a call counts as slow
	// (§10); 3 s by default. SlowMin slow calls in RuleWindow raise the
	// alert; 3 by default.
	SlowThreshold time.Duration
	SlowMin       int
	// QuotaBurst quota rejections of an integration in RuleWindow raise
	// the alert; 10 by default.
	QuotaBurst int
	// CredentialsMaxAge is the age past which credentials should be
	// rotated; 90 days by default.
	CredentialsMaxAge time.Duration
	// CredentialsSince says when an integration's credentials were last
	// set. Nil means Integration.CredentialsSince: the last
	// Manager.RotateCredentials, else the integration's creation.
	CredentialsSince func(*integration.Integration) time.Time
	// Organizations lists the organizations the periodic rules look at.
	// Nil means every organization with an integration in the Store.
	Organizations func(ctx context.Context) ([]uuid.UUID, error)
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// withDefaults returns a copy of c with the defaults filled in.
func (c *Config) withDefaults() *Config {
	out := *c
	setDefault(&out.Window, WindowDefault)
	setDefault(&out.EvaluateInterval, EvaluateIntervalDefault)
	setDefault(&out.NotifyPoll, NotifyPollDefault)
	setDefault(&out.NotifyLease, NotifyLeaseDefault)
	setDefault(&out.NotifyTimeout, NotifyTimeoutDefault)
	setDefault(&out.NotifyMaxAttempts, NotifyMaxAttemptsDefault)
	setDefault(&out.RetryMin, RetryMinDefault)
	setDefault(&out.RetryMax, RetryMaxDefault)
	setDefault(&out.RuleWindow, RuleWindowDefault)
	setDefault(&out.SlowThreshold, SlowThresholdDefault)
	setDefault(&out.SlowMin, SlowMinDefault)
	setDefault(&out.QuotaBurst, QuotaBurstDefault)
	setDefault(&out.CredentialsMaxAge, CredentialsMaxAgeDefault)
	if out.Clock == nil {
		out.Clock = time.Now
	}
	if out.Logger == nil {
		out.Logger = slog.New(slog.DiscardHandler)
	}
	if out.CredentialsSince == nil {
		out.CredentialsSince = func(in *integration.Integration) time.Time { return in.CredentialsSince }
	}
	return &out
}

// validate says which field is wrong.
func (c *Config) validate() error {
	switch {
	case c.Store == nil:
		return errors.New("alerts: Config.Store is required")
	case c.Window < 0, c.EvaluateInterval < 0, c.NotifyPoll < 0, c.NotifyLease < 0, c.NotifyTimeout < 0,
		c.RetryMin < 0, c.RetryMax < 0, c.RuleWindow < 0, c.SlowThreshold < 0, c.CredentialsMaxAge < 0:
		return errors.New("alerts: Config durations must not be negative")
	case c.NotifyMaxAttempts < 0, c.SlowMin < 0, c.QuotaBurst < 0:
		return errors.New("alerts: Config counts must not be negative")
	case c.NotifyLease <= c.NotifyTimeout:
		return errors.New("alerts: Config.NotifyLease must exceed Config.NotifyTimeout")
	case c.RetryMax < c.RetryMin:
		return errors.New("alerts: Config.RetryMax must not be less than Config.RetryMin")
	}
	seen := map[string]bool{}
	for _, n := range c.Notifiers {
		if n == nil || n.Name() == "" {
			return errors.New("alerts: every Config.Notifiers entry needs a Name")
		}
		if seen[n.Name()] {
			return errors.New("alerts: two Config.Notifiers are named " + n.Name())
		}
		seen[n.Name()] = true
	}
	return nil
}
