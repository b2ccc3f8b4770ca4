package providers

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"
)

// Defaults of [BreakerConfig].
const (
	FailureThresholdDefault = 5
	OpenTimeoutDefault      = 60 * time.Second
	HalfOpenProbesDefault   = 1
)

// BreakerConfig configures a [Breaker]. The zero value is usable.
type BreakerConfig struct {
	// FailureThreshold is how many consecutive failures open the breaker.
	// Zero means FailureThresholdDefault (5).
	FailureThreshold uint32
	// OpenTimeout is how long the breaker stays open before letting probes
	// through (half-open). Zero means OpenTimeoutDefault (60s).
	OpenTimeout time.Duration
	// HalfOpenProbes is how many calls a half-open breaker lets through;
	// that many successes close it, one failure opens it again. Zero means
	// HalfOpenProbesDefault (1).
	HalfOpenProbes uint32
	// Clock returns the current time; the open period is measured on it.
	// Nil means time.Now.
	Clock func() time.Time
	// OnStateChange, if set, is called after every state change, outside
	// the breaker's locks.
	OnStateChange func(name string, from, to BreakerState)
}

// WithDefaults returns a copy of c with zero fields set to their defaults.
func (c *BreakerConfig) WithDefaults() BreakerConfig {
	var out BreakerConfig
	if c != nil {
		out = *c
	}
	if out.FailureThreshold == 0 {
		out.FailureThreshold = FailureThresholdDefault
	}
	if out.OpenTimeout <= 0 {
		out.OpenTimeout = OpenTimeoutDefault
	}
	if out.HalfOpenProbes == 0 {
		out.HalfOpenProbes = HalfOpenProbesDefault
	}
	if out.Clock == nil {
		out.Clock = time.Now
	}
	return out
}

// BreakerState is a circuit breaker's state.
type BreakerState int

// The breaker states.
const (
	BreakerClosed BreakerState = iota
	BreakerHalfOpen
	BreakerOpen
)

// String returns "closed", "half-open" or "open".
func (s BreakerState) String() string {
	switch s {
	case BreakerClosed:
		return "closed"
	case BreakerHalfOpen:
		return "half-open"
	case BreakerOpen:
		return "open"
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// ErrBreakerOpen is returned (wrapped) for calls an open breaker rejects, and
// for calls over a half-open breaker's probe limit.
var ErrBreakerOpen = errors.New("providers: circuit breaker open")

// Breaker is the circuit breaker of one provider instance, built on
// [gobreaker.CircuitBreaker]. Transient failures count ([KindRetryable],
// unclassified errors); an answer from the provider that is an error of the
// request (auth, invalid input, permanent, unsupported) counts as success;
// rate limiting and cancellation are not counted.
//
// gobreaker reads the wall clock, so Breaker keeps the open period itself on
// Config.Clock and lets gobreaker's own open timeout elapse at once: tests
// move the clock instead of sleeping.
type Breaker struct {
	name string
	cfg  BreakerConfig
	cb   *gobreaker.CircuitBreaker[struct{}]

	mu        sync.Mutex
	state     BreakerState // as reported
	openUntil time.Time
	pending   []func()
}

// NewBreaker returns a closed breaker named name.
func NewBreaker(name string, cfg *BreakerConfig) *Breaker {
	b := &Breaker{name: name, cfg: cfg.WithDefaults()}
	threshold := b.cfg.FailureThreshold
	b.cb = gobreaker.NewCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        name,
		MaxRequests: b.cfg.HalfOpenProbes,
		Timeout:     time.Nanosecond,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= threshold },
		IsSuccessful: func(err error) bool {
			return !countsAsFailure(err)
		},
		IsExcluded:    notCounted,
		OnStateChange: b.onStateChange,
	})
	return b
}

// countsAsFailure reports whether err means the provider is failing.
func countsAsFailure(err error) bool {
	if err == nil {
		return false
	}
	switch KindOf(err) {
	case KindAuth, KindInvalidInput, KindPermanent, KindUnsupported:
		return false
	}
	return true
}

// notCounted reports whether err says nothing about the provider's health.
func notCounted(err error) bool {
	k := KindOf(err)
	return err != nil && (k == KindCanceled || k == KindRateLimited)
}

// onStateChange runs under gobreaker's lock: it records and queues.
func (b *Breaker) onStateChange(_ string, _, to gobreaker.State) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch to {
	case gobreaker.StateOpen:
		b.openUntil = b.cfg.Clock().Add(b.cfg.OpenTimeout)
		b.setLocked(BreakerOpen)
	case gobreaker.StateClosed:
		b.setLocked(BreakerClosed)
	}
	// open → half-open is gobreaker's instant timeout; reported by admit.
}

func (b *Breaker) setLocked(s BreakerState) {
	if s == b.state {
		return
	}
	from := b.state
	b.state = s
	if f := b.cfg.OnStateChange; f != nil {
		b.pending = append(b.pending, func() { f(b.name, from, s) })
	}
}

// admit rejects calls while the breaker is open on the configured clock.
func (b *Breaker) admit() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state != BreakerOpen {
		return true
	}
	if b.cfg.Clock().Before(b.openUntil) {
		return false
	}
	b.setLocked(BreakerHalfOpen)
	return true
}

func (b *Breaker) flush() {
	b.mu.Lock()
	fns := b.pending
	b.pending = nil
	b.mu.Unlock()
	for _, f := range fns {
		f()
	}
}

// Execute runs fn if the breaker admits it and records its outcome. A
// rejected call returns an error wrapping [ErrBreakerOpen] without running fn.
func (b *Breaker) Execute(fn func() error) error {
	defer b.flush()
	if !b.admit() {
		return b.openError()
	}
	_, err := b.cb.Execute(func() (struct{}, error) { return struct{}{}, fn() })
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return b.openError()
	}
	return err
}

func (b *Breaker) openError() error {
	return &Error{Kind: KindRetryable, Message: "circuit breaker " + b.name + " is open",
		Err: ErrBreakerOpen}
}

// State returns the breaker's state on the configured clock.
func (b *Breaker) State() BreakerState {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state == BreakerOpen && !b.cfg.Clock().Before(b.openUntil) {
		return BreakerHalfOpen
	}
	return b.state
}

// Name returns the breaker's name.
func (b *Breaker) Name() string { return b.name }
