package retry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// Attempt reports one attempt of [Do] to [DoOpts.Notify].
type Attempt struct {
	// Number counts attempts from 1.
	Number int
	// Outcome is the attempt's classified result.
	Outcome Outcome
	// Retry reports whether another attempt follows.
	Retry bool
	// Delay is the wait before the next attempt, 0 when Retry is false.
	Delay time.Duration
}

// DoOpts are optional settings of [Do]; nil means all defaults.
type DoOpts struct {
	// Notify, if set, is called after every attempt, on Do's goroutine.
	Notify func(Attempt)
	// Timer waits between attempts; nil means a real timer. Tests pass one
	// that fires at once. A Timer is stateful: use a new one per call.
	Timer backoff.Timer
	// Rand returns jitter values in [0, 1); nil means math/rand/v2.Float64.
	Rand func() float64
}

// Do runs op until it succeeds, following policy p, and returns nil, or a
// [*Error] when it gives up (or a [*ValidationError] wrapped in an error when
// p is invalid). Each attempt gets a child context that expires after
// p.AttemptTimeout; an attempt that outlives it counts as [ClassTimeout].
// Failures are classified by [ClassifyError] and retried when their class is
// in p.RetryOn, up to p.MaxRetries times, waiting as [NextAttempt] decides.
// A [Permanent] error stops at once. When ctx ends, during an attempt or a
// wait, Do stops and the error's last class is [ClassCanceled].
//
// The loop is backoff.RetryNotifyWithTimer with a backoff.BackOff that
// implements the policy, wrapped by backoff.WithContext.
func Do(ctx context.Context, p Policy, op func(ctx context.Context) error, opts *DoOpts) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("retry: invalid policy: %w", err)
	}
	r := newRun(ctx, p, op, opts)
	err := backoff.RetryNotifyWithTimer(r.attempt, backoff.WithContext(r, ctx), r.notifyRetry, r.opts.Timer)
	return r.finish(err)
}

// run is one call of Do; it is also the backoff.BackOff that Do's loop asks
// for delays.
type run struct {
	ctx      context.Context
	p        Policy
	op       func(ctx context.Context) error
	opts     DoOpts
	attempts int
	last     Outcome
	reported int
}

var _ backoff.BackOff = (*run)(nil)

func newRun(ctx context.Context, p Policy, op func(context.Context) error, opts *DoOpts) *run {
	r := &run{ctx: ctx, p: p, op: op}
	if opts != nil {
		r.opts = *opts
	}
	if r.opts.Rand == nil {
		r.opts.Rand = rand.Float64
	}
	return r
}

// attempt is the backoff.Operation: one call of op under the attempt timeout.
func (r *run) attempt() error {
	if err := r.ctx.Err(); err != nil {
		return backoff.Permanent(err)
	}
	r.attempts++
	actx, cancel := context.WithTimeout(r.ctx, r.p.AttemptTimeout)
	err := r.op(actx)
	timedOut := errors.Is(actx.Err(), context.DeadlineExceeded)
	cancel()
	r.last = r.classify(err, timedOut)
	if err == nil {
		return nil
	}
	if r.last.Class == ClassPermanent || r.last.Class == ClassCanceled {
		return backoff.Permanent(err)
	}
	return err
}

// classify classifies op's error, giving precedence to the caller's context
// and then to the attempt's own deadline.
func (r *run) classify(err error, timedOut bool) Outcome {
	o := ClassifyError(err)
	switch {
	case err == nil:
	case r.ctx.Err() != nil:
		o.Class = ClassCanceled
	case timedOut && o.Class != ClassPermanent:
		o.Class = ClassTimeout
	}
	return o
}

// Reset implements backoff.BackOff.
func (r *run) Reset() {}

// NextBackOff implements backoff.BackOff with [NextAttemptRand].
func (r *run) NextBackOff() time.Duration {
	d, ok := NextAttemptRand(r.p, r.attempts, r.last, r.opts.Rand)
	if !ok {
		return backoff.Stop
	}
	return d
}

func (r *run) notifyRetry(_ error, d time.Duration) {
	r.report(Attempt{Number: r.attempts, Outcome: r.last, Retry: true, Delay: d})
}

func (r *run) report(a Attempt) {
	r.reported = a.Number
	if r.opts.Notify != nil {
		r.opts.Notify(a)
	}
}

// finish reports the last attempt and builds Do's result.
func (r *run) finish(err error) error {
	if r.attempts > r.reported {
		r.report(Attempt{Number: r.attempts, Outcome: r.last})
	}
	if err == nil {
		return nil
	}
	e := &Error{Attempts: r.attempts, Last: r.last, Err: r.last.Err}
	if cerr := r.ctx.Err(); cerr != nil {
		e.Last = Outcome{Class: ClassCanceled, Err: cerr}
		e.Err = joinContext(cerr, r.last.Err)
	}
	return e
}

// joinContext wraps the last error with the context's, unless it already is it.
func joinContext(cerr, last error) error {
	if last == nil || errors.Is(last, cerr) {
		return cerr
	}
	return fmt.Errorf("%w: %w", cerr, last)
}
