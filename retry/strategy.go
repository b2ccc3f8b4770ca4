package retry

import (
	"math/rand/v2"
	"time"
)

// Strategy names a delay schedule; its values are the form's retryStrategy options.
type Strategy string

// The three strategies of the form.
const (
	// StrategyExponential waits 1 s, 2 s, 4 s, 8 s, ... (recommended, default).
	StrategyExponential Strategy = "exponential"
	// StrategyLinear waits 1 s, 2 s, 3 s, 4 s, ...
	StrategyLinear Strategy = "linear"
	// StrategyFixed waits FixedDelay before every retry.
	StrategyFixed Strategy = "fixed"
)

// BaseDelay is the first delay of the exponential and linear strategies and
// the linear step.
const BaseDelay = time.Second

// Valid reports whether s is one of the three strategies.
func (s Strategy) Valid() bool {
	switch s {
	case StrategyExponential, StrategyLinear, StrategyFixed:
		return true
	}
	return false
}

// Delay returns the unjittered delay before retry n (1 for the first retry),
// capped at MaxDelay when MaxDelay is positive. It returns 0 for n < 1 or an
// unknown strategy.
func (p Policy) Delay(n int) time.Duration {
	if n < 1 {
		return 0
	}
	var d time.Duration
	switch p.Strategy {
	case StrategyExponential:
		d = exponential(n)
	case StrategyLinear:
		d = linear(n)
	case StrategyFixed:
		d = p.FixedDelay
	}
	return p.capDelay(d)
}

// largeDelay stands in for delays too large to compute; every cap is below it.
const largeDelay = time.Duration(1 << 62)

func exponential(n int) time.Duration {
	if n > 31 {
		return largeDelay
	}
	return BaseDelay << (n - 1)
}

func linear(n int) time.Duration {
	if n > 1<<30 {
		return largeDelay
	}
	return time.Duration(n) * BaseDelay
}

func (p Policy) capDelay(d time.Duration) time.Duration {
	if p.MaxDelay > 0 && d > p.MaxDelay {
		return p.MaxDelay
	}
	return max(d, 0)
}

// jitter varies d uniformly within ±20% using u in [0, 1) (clamped), then caps it.
func (p Policy) jitter(d time.Duration, u float64) time.Duration {
	u = min(max(u, 0), 1)
	f := 1 - JitterFraction + 2*JitterFraction*u
	return p.capDelay(time.Duration(float64(d) * f))
}

// NextAttempt decides, without sleeping, whether to retry after attempt
// number attempt (the count of attempts already made, 1 after the first)
// ended with outcome o, and how long to wait. It is the decision [Do] makes,
// for callers that schedule retries instead of waiting, such as a durable
// delivery queue. Jitter uses the global math/rand/v2 source; see
// [NextAttemptRand] for a deterministic one.
func NextAttempt(p Policy, attempt int, o Outcome) (time.Duration, bool) {
	return NextAttemptRand(p, attempt, o, rand.Float64)
}

// NextAttemptRand is [NextAttempt] with the jitter source rnd, which returns
// values in [0, 1) like [rand.Float64]; nil means no jitter.
//
// There is no retry when o's class is not in p.RetryOn, or when attempt is
// below 1 or above p.MaxRetries. A positive o.RetryAfter (from Retry-After)
// is honoured as is, without jitter, clamped to p.MaxDelay. Otherwise the
// delay is p.Delay(attempt), jittered by ±20% when p.Jitter is set, never
// above p.MaxDelay.
func NextAttemptRand(p Policy, attempt int, o Outcome, rnd func() float64) (time.Duration, bool) {
	if attempt < 1 || attempt > p.MaxRetries || !p.RetriesOn(o.Class) {
		return 0, false
	}
	if o.RetryAfter > 0 {
		return p.capDelay(o.RetryAfter), true
	}
	d := p.Delay(attempt)
	if p.Jitter && rnd != nil {
		d = p.jitter(d, rnd())
	}
	return d, true
}
