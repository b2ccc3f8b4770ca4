package inbound

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"strings"
	"time"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/twilio"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

// Defaults of [Config].
const (
	// MaxBodyDefault bounds a request's body: 1 MiB, above SNS's 256 KiB
	// messages and SendGrid's batches.
	MaxBodyDefault = 1 << 20
	// MaxEventAgeDefault is how old an event may be: older ones are
	// replays (the providers retry for at most 3 days).
	MaxEventAgeDefault = 7 * 24 * time.Hour
	// RetentionDefault is how long received events are kept, and with
	// them the de-duplication of their IDs; it must exceed MaxEventAge so
	// that a replayed event is either a duplicate or too old.
	RetentionDefault = 30 * 24 * time.Hour
	// TimeoutDefault bounds the handling of one request (SNS waits 15 s).
	TimeoutDefault = 10 * time.Second
	// AlertIntervalDefault is the shortest time between two evaluations
	// of an integration's rate alerts in this process.
	AlertIntervalDefault = time.Minute
)

// MetricPrefix starts the metric of each normalised event type:
// "inbound.email.bounced". Each event is counted once, in the hour it was
// received.
const MetricPrefix = "inbound."

// AlertRaiser raises alerts. [storage.AlertStore] implements it, and so
// the Manager's store; an alert engine (rules, notifiers) can take its
// place in Config.Alerts.
type AlertRaiser interface {
	AlertRaise(ctx context.Context, p *storage.AlertRaiseParams) (*storage.Alert, error)
}

// DefaultURLSettings name, for the providers that sign the URL they call,
// the setting the Receiver fills with the public URL of the request (from
// Config.BaseURL) before HandleWebhook: Twilio signs the full URL
// (X-Twilio-Signature) and verifies against its statusCallbackUrl.
var DefaultURLSettings = map[string]string{twilio.Name: twilio.FieldStatusCallbackURL}

// Config configures a [Receiver]. [New] copies it and fills the defaults.
type Config struct {
	// Manager is the integration Manager: its store holds the
	// integrations, endpoints, events, metrics and alerts, and its
	// recorder writes the log entries. Required.
	Manager *integration.Manager
	// Providers are the installed providers (the Manager's): each
	// request goes to its integration's provider's HandleWebhook, in
	// process or through its plugin. Required.
	Providers *providers.Host
	// BaseURL is the public URL the host mounts the Receiver under, such
	// as "https://intime.com/api/webhooks": an integration's URL is
	// BaseURL/{provider}/{token}. It is https (http only to a loopback
	// host), and it is what Twilio's signatures cover. Required.
	BaseURL string
	// OnEvents, if set, receives each request's new events, after they
	// are stored and before the provider is answered: the host's
	// callback. An error answers 503, and the provider's retry hands the
	// same events (same IDs) to OnEvents again: it must be idempotent by
	// [Event.ID] and quick (a queue, not the work).
	OnEvents func(ctx context.Context, b *Batch) error
	// Webhooks, if set, republishes every new event whose type its
	// catalog has (see [WebhookEvents]) as an outbound webhook event, with
	// an idempotency key per event.
	Webhooks *webhook.Dispatcher
	// Alerts raises the rate alerts. Nil means the Manager's store.
	Alerts AlertRaiser
	// Rules are the rate alerts evaluated after a request stores events
	// of their types. Nil means [DefaultRules]; an empty slice, none.
	Rules []RateRule
	// AlertInterval is the shortest time between two evaluations of one
	// integration's rules in this process (default 1 min).
	AlertInterval time.Duration
	// MaxBody bounds a request's body in bytes (default 1 MiB); a larger
	// one is answered 413 unread.
	MaxBody int64
	// MaxEventAge refuses (401) a request carrying an event the provider
	// dates older than this (default 7 days): a replay.
	MaxEventAge time.Duration
	// Retention is how long events are kept for [Receiver.Prune] (default
	// 30 days); it must exceed MaxEventAge.
	Retention time.Duration
	// Timeout bounds one request's handling (default 10 s).
	Timeout time.Duration
	// URLSettings map a provider to the setting that receives the
	// request's public URL. Nil means [DefaultURLSettings].
	URLSettings map[string]string
	// Clock returns the current time. Nil means time.Now.
	Clock func() time.Time
	// Logger receives refused requests and failures, never a body or a
	// secret. Nil discards.
	Logger *slog.Logger
}

// WithDefaults returns a copy of c with every zero field set to its
// default.
func (c *Config) WithDefaults() Config {
	var out Config
	if c != nil {
		out = *c
	}
	if out.Rules == nil {
		out.Rules = DefaultRules()
	}
	setDefault(&out.AlertInterval, AlertIntervalDefault)
	setDefault(&out.MaxBody, MaxBodyDefault)
	setDefault(&out.MaxEventAge, MaxEventAgeDefault)
	setDefault(&out.Retention, RetentionDefault)
	setDefault(&out.Timeout, TimeoutDefault)
	if out.URLSettings == nil {
		out.URLSettings = maps.Clone(DefaultURLSettings)
	}
	if out.Clock == nil {
		out.Clock = time.Now
	}
	if out.Logger == nil {
		out.Logger = slog.New(slog.DiscardHandler)
	}
	out.BaseURL = strings.TrimRight(out.BaseURL, "/")
	return out
}

func setDefault[T int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// validate says which field is wrong.
func (c *Config) validate() error {
	switch {
	case c.Manager == nil:
		return errors.New("inbound: Config.Manager is required")
	case c.Providers == nil:
		return errors.New("inbound: Config.Providers is required")
	case c.Retention <= c.MaxEventAge:
		return fmt.Errorf("inbound: Config.Retention (%s) must exceed Config.MaxEventAge (%s), or a replay could be stored again",
			c.Retention, c.MaxEventAge)
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" ||
		(u.Scheme != "https" && (u.Scheme != "http" || !providers.IsLoopback(u.Hostname()))) {
		return fmt.Errorf("inbound: Config.BaseURL must be the public https URL the Receiver is mounted under, got %q", c.BaseURL)
	}
	for _, r := range c.Rules {
		if err := r.validate(); err != nil {
			return err
		}
	}
	return nil
}
