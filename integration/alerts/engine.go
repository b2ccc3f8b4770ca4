package alerts

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

// Engine raises and resolves alerts, runs the periodic rules and sends
// the notifications. It implements webhook.AlertRaiser and
// webhook.AlertResolver, so that it can be a webhook Dispatcher's
// Config.Alerts.
type Engine struct {
	cfg         *Config
	store       storage.Store
	notifiers   map[string]Notifier
	unsubscribe func()

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
	wake   chan struct{}
}

var (
	_ webhook.AlertRaiser   = (*Engine)(nil)
	_ webhook.AlertResolver = (*Engine)(nil)
)

// New returns an engine. It listens to Config.Manager's hooks from now
// until [Engine.Stop]; [Engine.Start] runs the loops that evaluate the
// periodic rules and send the notifications.
func New(cfg *Config) (*Engine, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	c := cfg.withDefaults()
	if err := c.validate(); err != nil {
		return nil, err
	}
	e := &Engine{cfg: c, store: c.Store, notifiers: map[string]Notifier{}, wake: make(chan struct{}, 1)}
	for _, n := range c.Notifiers {
		e.notifiers[n.Name()] = n
	}
	if c.Manager != nil {
		e.unsubscribe = c.Manager.Subscribe(e.hooks())
	}
	return e, nil
}

func (e *Engine) now() time.Time { return e.cfg.Clock().UTC().Truncate(time.Microsecond) }

// AlertRaise raises an alert (or bumps the open one with its DedupKey) and
// queues its notifications: one per notifier when it opens, and a
// reminder when it is raised again a rule window or more after it opened
// (at most one per window). It implements webhook.AlertRaiser.
func (e *Engine) AlertRaise(ctx context.Context, p *storage.AlertRaiseParams) (*storage.Alert, error) {
	a, err := e.store.AlertRaise(ctx, p)
	if err != nil {
		return nil, err
	}
	kind, window := storage.AlertNotifyRaised, 0
	if a.Count > 1 {
		window = int(a.LastSeenAt.Sub(a.FirstSeenAt) / e.windowOf(a.DedupKey))
		if window == 0 {
			return a, nil
		}
		kind = storage.AlertNotifyReminder
	}
	return a, e.queue(ctx, a, kind, window)
}

// credentialsWindow is the credentials rule's window: a day, since the
// condition lasts until someone rotates them.
const credentialsWindow = 24 * time.Hour

// windowOf is the rule window of an alert's key.
func (e *Engine) windowOf(key string) time.Duration {
	if strings.HasPrefix(key, KeyCredentials) {
		return max(e.cfg.Window, credentialsWindow)
	}
	return e.cfg.Window
}

// AlertResolveKey resolves the organization's open alert with the
// de-duplication key, if any, and queues its "resolved" notices (once). It
// implements webhook.AlertResolver.
func (e *Engine) AlertResolveKey(ctx context.Context, orgID uuid.UUID, dedupKey string) error {
	_, err := e.Resolve(ctx, orgID, dedupKey)
	return err
}

// Resolve is AlertResolveKey returning the resolved alert, nil when none
// was open.
func (e *Engine) Resolve(ctx context.Context, orgID uuid.UUID, dedupKey string) (*storage.Alert, error) {
	a, err := e.store.AlertResolveKey(ctx, orgID, dedupKey)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return a, e.queue(ctx, a, storage.AlertNotifyResolved, 0)
}

// queue adds one notification per notifier and wakes the sender.
func (e *Engine) queue(ctx context.Context, a *storage.Alert, kind storage.AlertNotificationKind, window int) error {
	if len(e.notifiers) == 0 {
		return nil
	}
	ps := make([]*storage.AlertNotificationAddParams, 0, len(e.notifiers))
	for name := range e.notifiers {
		ps = append(ps, &storage.AlertNotificationAddParams{OrganizationID: a.OrganizationID, AlertID: a.ID,
			Notifier: name, Kind: kind, Window: window, NextAttemptAt: e.now()})
	}
	n, err := e.store.AlertNotificationAdd(ctx, ps)
	if n > 0 {
		e.signal()
	}
	return err
}

func (e *Engine) signal() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// Start runs the engine's loop until ctx ends or [Engine.Stop]: the
// periodic rules every Config.EvaluateInterval, and the due notifications
// whenever one is queued, or every Config.NotifyPoll. Several hosts may
// run it against the same store: a notification is claimed by one.
func (e *Engine) Start(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cancel != nil {
		return errors.New("alerts: the engine is already started")
	}
	ctx, e.cancel = context.WithCancel(context.WithoutCancel(ctx))
	e.done = make(chan struct{})
	go e.loop(ctx, e.done)
	return nil
}

// Stop stops the loop, waiting for it (or for ctx), and stops listening
// to the Manager's hooks. A notification being sent is finished or, if
// ctx ends first, left to its lease.
func (e *Engine) Stop(ctx context.Context) error {
	e.mu.Lock()
	cancel, done := e.cancel, e.done
	e.cancel, e.done = nil, nil
	if e.unsubscribe != nil {
		e.unsubscribe()
		e.unsubscribe = nil
	}
	e.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *Engine) loop(ctx context.Context, done chan struct{}) {
	defer close(done)
	evaluate := time.NewTicker(e.cfg.EvaluateInterval)
	defer evaluate.Stop()
	poll := time.NewTicker(e.cfg.NotifyPoll)
	defer poll.Stop()
	e.signal()
	for {
		select {
		case <-ctx.Done():
			return
		case <-evaluate.C:
			if err := e.Evaluate(ctx); err != nil && ctx.Err() == nil {
				e.cfg.Logger.Error("alerts: evaluate", "err", err)
			}
			continue
		case <-poll.C:
		case <-e.wake:
		}
		if _, err := e.NotifyDue(ctx); err != nil && ctx.Err() == nil {
			e.cfg.Logger.Error("alerts: notify", "err", err)
		}
	}
}
