package providers

import (
	"context"
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
type Instance struct {
	name     string
	provider Provider
	settings Settings
	breaker  *Breaker
	clock    func() time.Time

	mu            sync.Mutex
	cooldownUntil time.Time
}

var _ Caller = (*Instance)(nil)

// NewInstance returns an instance named name (shown in messages, e.g.
// "SendGrid") calling p with s, with a breaker configured by cfg.
func NewInstance(name string, p Provider, s Settings, cfg *BreakerConfig) *Instance {
	b := NewBreaker(name, cfg)
	return &Instance{name: name, provider: p, settings: s, breaker: b, clock: b.cfg.Clock}
}

// Name returns the instance's name.
func (in *Instance) Name() string { return in.name }

// Breaker returns the instance's circuit breaker.
func (in *Instance) Breaker() *Breaker { return in.breaker }

// Provider returns the instance's provider.
func (in *Instance) Provider() Provider { return in.provider }

// Call runs op through the breaker. Errors are *[Error] values naming the
// instance.
func (in *Instance) Call(ctx context.Context, op *Operation) (*Result, error) {
	if wait := in.cooldown(); wait > 0 {
		return nil, &Error{Kind: KindRateLimited, RetryAfter: wait, Provider: in.name,
			Message: "backing off after the provider's 429"}
	}
	var res *Result
	err := in.breaker.Execute(func() error {
		var err error
		res, err = in.provider.Do(ctx, in.settings, op)
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
