package providers

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Caller runs operations; [*Instance] and [*Group] are Callers, and typed
// helpers such as email.Send take one.
type Caller interface {
	Call(ctx context.Context, op *Operation) (*Result, error)
}

// Instance is a provider with one integration's settings behind its own
// circuit breaker: "SendGrid for organization X". After a 429 it backs off
// for the provider's Retry-After, refusing calls locally until then.
//
// A call without a deadline gets one (InstanceConfig.AttemptTimeout, 30s by
// default), so a hung provider cannot hold it forever; across the plugin
// boundary the deadline holds whatever the provider does, in process the
// provider must honour its context. An in-process provider is guarded as a
// plugin is: a panic fails the call with a [*PanicError] ([KindPermanent],
// not counted by the breaker) and is logged with its stack on
// InstanceConfig.Logger.
type Instance struct {
	name     string
	provider Provider
	call     Provider // provider, guarded
	settings Settings
	breaker  *Breaker
	clock    func() time.Time
	timeout  time.Duration

	mu            sync.Mutex
	cooldownUntil time.Time
}

var _ Caller = (*Instance)(nil)

// InstanceConfig configures an [Instance] (see [NewInstanceWith]). The zero
// value is usable.
type InstanceConfig struct {
	// Breaker configures the instance's circuit breaker. Nil means the
	// defaults of [BreakerConfig].
	Breaker *BreakerConfig
	// AttemptTimeout bounds a call whose context has no deadline. Zero or
	// negative means AttemptTimeoutDefault (30s). A [Group] gives each
	// attempt its own deadline (GroupConfig.AttemptTimeout).
	AttemptTimeout time.Duration
	// Logger receives the panics of an in-process provider with their
	// stacks, at error level. Nil discards them (the stack is still in the
	// call's *PanicError).
	Logger *slog.Logger
}

// NewInstance returns an instance named name (shown in messages, e.g.
// "SendGrid") calling p with s, with a breaker configured by cfg. It is
// NewInstanceWith with only the breaker configured.
func NewInstance(name string, p Provider, s Settings, cfg *BreakerConfig) *Instance {
	return NewInstanceWith(name, p, s, &InstanceConfig{Breaker: cfg})
}

// NewInstanceWith returns an instance named name (shown in messages, e.g.
// "SendGrid") calling p with s, configured by cfg (nil means defaults).
func NewInstanceWith(name string, p Provider, s Settings, cfg *InstanceConfig) *Instance {
	var c InstanceConfig
	if cfg != nil {
		c = *cfg
	}
	if c.AttemptTimeout <= 0 {
		c.AttemptTimeout = AttemptTimeoutDefault
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	b := NewBreaker(name, c.Breaker)
	return &Instance{name: name, provider: p, call: guard(p, slogPanics(c.Logger.With("instance", name))), settings: s,
		breaker: b, clock: b.cfg.Clock, timeout: c.AttemptTimeout}
}

// Name returns the instance's name.
func (in *Instance) Name() string { return in.name }

// Breaker returns the instance's circuit breaker.
func (in *Instance) Breaker() *Breaker { return in.breaker }

// Provider returns the instance's provider.
func (in *Instance) Provider() Provider { return in.provider }

// Call runs op through the breaker, under the attempt timeout if ctx has no
// deadline. Errors are *[Error] values naming the instance.
func (in *Instance) Call(ctx context.Context, op *Operation) (*Result, error) {
	if wait := in.cooldown(); wait > 0 {
		return nil, &Error{Kind: KindRateLimited, RetryAfter: wait, Provider: in.name,
			Message: "backing off after the provider's 429"}
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, in.timeout)
		defer cancel()
	}
	var res *Result
	err := in.breaker.Execute(func() error {
		var err error
		res, err = in.call.Do(ctx, in.settings, op)
		return err
	})
	if err == nil {
		return res, nil
	}
	e := *AsError(err)
	e.Provider = in.name
	if e.Kind == KindRateLimited && e.RetryAfter > 0 {
		in.mu.Lock()
		in.cooldownUntil = in.clock().Add(e.RetryAfter)
		in.mu.Unlock()
	}
	return nil, &e
}

// cooldown returns how long the instance still backs off after a 429.
func (in *Instance) cooldown() time.Duration {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.cooldownUntil.Sub(in.clock())
}
