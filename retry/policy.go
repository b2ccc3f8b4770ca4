package retry

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Defaults and ranges of the retry configuration form (spec §13, §17).
const (
	// DefaultMaxRetries is the default number of retries after the first attempt.
	DefaultMaxRetries = 3
	// MaxRetriesMin is the smallest accepted MaxRetries.
	MaxRetriesMin = 1
	// MaxRetriesMax is the largest accepted MaxRetries.
	MaxRetriesMax = 10

	// DefaultFixedDelay is the default delay of the fixed interval strategy.
	DefaultFixedDelay = 5 * time.Second
	// FixedDelayMin is the smallest accepted FixedDelay.
	FixedDelayMin = 1 * time.Second
	// FixedDelayMax is the largest accepted FixedDelay.
	FixedDelayMax = 300 * time.Second

	// DefaultMaxDelay is the default cap on any single delay.
	DefaultMaxDelay = 60 * time.Second
	// MaxDelayMin is the smallest accepted MaxDelay.
	MaxDelayMin = 10 * time.Second
	// MaxDelayMax is the largest accepted MaxDelay.
	MaxDelayMax = 300 * time.Second

	// DefaultAttemptTimeout is the default timeout of one attempt.
	DefaultAttemptTimeout = 30 * time.Second
	// AttemptTimeoutMin is the smallest accepted AttemptTimeout. The spec
	// gives no range for this field; this package chooses 1 to 300 seconds.
	AttemptTimeoutMin = 1 * time.Second
	// AttemptTimeoutMax is the largest accepted AttemptTimeout.
	AttemptTimeoutMax = 300 * time.Second

	// JitterFraction is the jitter amplitude: delays vary uniformly by ±20%.
	JitterFraction = 0.2
)

// Policy is the retry configuration of spec §13. Build one with
// [DefaultPolicy] and check it with [Policy.Validate]; the zero value is not
// valid. Its JSON form uses the spec's field names with durations as integer
// seconds.
type Policy struct {
	// MaxRetries is the number of retries after the first attempt, 1 to 10
	// (default 3); an operation runs at most MaxRetries+1 times.
	MaxRetries int
	// Strategy chooses the delay schedule (default exponential).
	Strategy Strategy
	// FixedDelay is the delay of [StrategyFixed], 1 to 300 seconds in whole
	// seconds (default 5 s). Other strategies ignore it.
	FixedDelay time.Duration
	// Jitter varies every delay uniformly by ±20% (default on).
	Jitter bool
	// MaxDelay caps every delay, Retry-After included: 10 to 300 seconds in
	// whole seconds (default 60 s).
	MaxDelay time.Duration
	// AttemptTimeout bounds one attempt, 1 to 300 seconds in whole seconds
	// (default 30 s).
	AttemptTimeout time.Duration
	// RetryOn is the set of classes that are retried (default [DefaultRetryOn]).
	RetryOn ClassSet
	// DeadLetter sends what fails every retry to the dead letter queue
	// (default on). This package only carries the setting.
	DeadLetter bool
}

// DefaultPolicy returns the spec's defaults: 3 retries, exponential backoff,
// 5 s fixed delay, jitter on, 60 s max delay, 30 s per attempt, retry on 5xx,
// timeout, connection refused and DNS failure, dead letter queue on.
func DefaultPolicy() Policy {
	return Policy{
		MaxRetries:     DefaultMaxRetries,
		Strategy:       StrategyExponential,
		FixedDelay:     DefaultFixedDelay,
		Jitter:         true,
		MaxDelay:       DefaultMaxDelay,
		AttemptTimeout: DefaultAttemptTimeout,
		RetryOn:        DefaultRetryOn,
		DeadLetter:     true,
	}
}

// RetriesOn reports whether the policy retries an outcome of class c.
// [ClassNone], [ClassPermanent] and [ClassCanceled] are never retried.
func (p Policy) RetriesOn(c Class) bool {
	return c.selectable() && p.RetryOn.Has(c)
}

// Delays returns the unjittered, capped delay before each of the MaxRetries
// retries: the schedule the form previews.
func (p Policy) Delays() []time.Duration {
	out := make([]time.Duration, 0, max(p.MaxRetries, 0))
	for n := 1; n <= p.MaxRetries; n++ {
		out = append(out, p.Delay(n))
	}
	return out
}

// Preview returns [Policy.Delays] as the form shows it, "1s → 2s → 4s".
func (p Policy) Preview() string {
	parts := make([]string, 0, max(p.MaxRetries, 0))
	for _, d := range p.Delays() {
		parts = append(parts, formatDelay(d))
	}
	return strings.Join(parts, " → ")
}

func formatDelay(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}

// policyJSON is the wire form of Policy.
type policyJSON struct {
	MaxRetries     int      `json:"maxRetries"`
	RetryStrategy  Strategy `json:"retryStrategy"`
	FixedDelay     int64    `json:"fixedDelay"`
	EnableJitter   bool     `json:"enableJitter"`
	MaxDelay       int64    `json:"maxDelay"`
	AttemptTimeout int64    `json:"attemptTimeout"`
	RetryOn        ClassSet `json:"retryOn"`
	EnableDlq      bool     `json:"enableDlq"`
}

// MarshalJSON encodes the policy with the spec's field names, durations in
// whole seconds (rounded).
func (p Policy) MarshalJSON() ([]byte, error) {
	return json.Marshal(policyJSON{
		MaxRetries:     p.MaxRetries,
		RetryStrategy:  p.Strategy,
		FixedDelay:     seconds(p.FixedDelay),
		EnableJitter:   p.Jitter,
		MaxDelay:       seconds(p.MaxDelay),
		AttemptTimeout: seconds(p.AttemptTimeout),
		RetryOn:        p.RetryOn,
		EnableDlq:      p.DeadLetter,
	})
}

// UnmarshalJSON decodes the spec's field names. Absent fields keep the
// receiver's values, so decoding into [DefaultPolicy] fills defaults. It does
// not validate; call [Policy.Validate], or decode a [PolicyForm] to tell
// absent fields from zero ones.
func (p *Policy) UnmarshalJSON(b []byte) error {
	w := policyJSON{
		MaxRetries: p.MaxRetries, RetryStrategy: p.Strategy,
		FixedDelay: seconds(p.FixedDelay), EnableJitter: p.Jitter,
		MaxDelay: seconds(p.MaxDelay), AttemptTimeout: seconds(p.AttemptTimeout),
		RetryOn: p.RetryOn, EnableDlq: p.DeadLetter,
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("retry: decode policy: %w", err)
	}
	*p = Policy{
		MaxRetries: w.MaxRetries, Strategy: w.RetryStrategy,
		FixedDelay: secondsDuration(w.FixedDelay), Jitter: w.EnableJitter,
		MaxDelay: secondsDuration(w.MaxDelay), AttemptTimeout: secondsDuration(w.AttemptTimeout),
		RetryOn: w.RetryOn, DeadLetter: w.EnableDlq,
	}
	return nil
}

func seconds(d time.Duration) int64 {
	return int64(d.Round(time.Second) / time.Second)
}

// secondsDuration converts seconds to a duration, saturating instead of
// overflowing so that validation sees an out-of-range value.
func secondsDuration(s int64) time.Duration {
	const limit = int64(1<<63-1) / int64(time.Second)
	switch {
	case s > limit:
		return time.Duration(limit) * time.Second
	case s < -limit:
		return -time.Duration(limit) * time.Second
	}
	return time.Duration(s) * time.Second
}
