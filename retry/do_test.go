package retry_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/retry"
)

// fakeTimer fires at once and records each wait. With hold set it never
// fires and calls onStart instead, to cancel mid-wait.
type fakeTimer struct {
	waits   []time.Duration
	c       chan time.Time
	hold    bool
	onStart func()
}

func newFakeTimer() *fakeTimer { return &fakeTimer{c: make(chan time.Time, 1)} }

func (f *fakeTimer) Start(d time.Duration) {
	f.waits = append(f.waits, d)
	if f.onStart != nil {
		f.onStart()
	}
	if !f.hold {
		f.c <- time.Time{}
	}
}

func (f *fakeTimer) Stop()               {}
func (f *fakeTimer) C() <-chan time.Time { return f.c }

type doBundle struct {
	policy   retry.Policy
	timer    *fakeTimer
	attempts []retry.Attempt
	opts     *retry.DoOpts
}

// setup returns a jitter-free default policy, a fake timer and a notify
// hook that records attempts.
func setup(t *testing.T) *doBundle {
	t.Helper()
	b := &doBundle{policy: retry.DefaultPolicy(), timer: newFakeTimer()}
	b.policy.Jitter = false
	b.opts = &retry.DoOpts{Timer: b.timer, Notify: func(a retry.Attempt) { b.attempts = append(b.attempts, a) }}
	return b
}

// failing returns an op that fails with errs in turn, then succeeds.
func failing(calls *int, errs ...error) func(context.Context) error {
	return func(context.Context) error {
		*calls++
		if *calls <= len(errs) {
			return errs[*calls-1]
		}
		return nil
	}
}

func TestDo(t *testing.T) {
	t.Parallel()

	refused := opErr(syscall.ECONNREFUSED)
	unavailable := &retry.StatusError{StatusCode: 503}

	t.Run("SuccessFirstTime", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var calls int
		require.NoError(t, retry.Do(context.Background(), b.policy, failing(&calls), b.opts))
		require.Equal(t, 1, calls)
		require.Empty(t, b.timer.waits)
		require.Equal(t, []retry.Attempt{{Number: 1}}, b.attempts)
	})

	t.Run("SuccessAfterRetries", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var calls int
		require.NoError(t, retry.Do(context.Background(), b.policy, failing(&calls, refused, unavailable), b.opts))
		require.Equal(t, 3, calls)
		require.Equal(t, []time.Duration{time.Second, 2 * time.Second}, b.timer.waits)
		require.Len(t, b.attempts, 3)
		require.Equal(t, retry.Attempt{Number: 1, Outcome: retry.ClassifyError(refused), Retry: true, Delay: time.Second}, b.attempts[0])
		require.Equal(t, retry.ClassServerError, b.attempts[1].Outcome.Class)
		require.Equal(t, 503, b.attempts[1].Outcome.StatusCode)
		require.Equal(t, retry.Attempt{Number: 3}, b.attempts[2])
	})

	t.Run("GivesUp", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var calls int
		err := retry.Do(context.Background(), b.policy, failing(&calls, refused, refused, refused, unavailable, refused), b.opts)
		var rerr *retry.Error
		require.ErrorAs(t, err, &rerr)
		require.Equal(t, 4, rerr.Attempts)
		require.Equal(t, retry.ClassServerError, rerr.Last.Class)
		require.ErrorIs(t, err, unavailable)
		require.Equal(t, 4, calls)
		require.Equal(t, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}, b.timer.waits)
		require.Len(t, b.attempts, 4)
		require.False(t, b.attempts[3].Retry)
		require.Zero(t, b.attempts[3].Delay)
		require.True(t, retry.IsRetryable(err), "the class travels up")
	})

	t.Run("NotInRetryOn", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var calls int
		tooMany := &retry.StatusError{StatusCode: 429, RetryAfter: 3 * time.Second}
		err := retry.Do(context.Background(), b.policy, failing(&calls, tooMany), b.opts)
		var rerr *retry.Error
		require.ErrorAs(t, err, &rerr)
		require.Equal(t, 1, rerr.Attempts)
		require.Equal(t, retry.ClassRateLimited, rerr.Last.Class)
		require.Empty(t, b.timer.waits)
	})

	t.Run("RetryAfterHonouredAndClamped", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.policy.RetryOn = b.policy.RetryOn.With(retry.ClassRateLimited)
		b.policy.Jitter = true
		var calls int
		err := retry.Do(context.Background(), b.policy, failing(&calls,
			&retry.StatusError{StatusCode: 429, RetryAfter: 7 * time.Second},
			retry.RateLimited(errors.New("slow down"), 10*time.Minute),
		), b.opts)
		require.NoError(t, err)
		require.Equal(t, []time.Duration{7 * time.Second, 60 * time.Second}, b.timer.waits)
	})

	t.Run("Permanent", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var calls int
		bad := errors.New("invalid api key")
		err := retry.Do(context.Background(), b.policy, failing(&calls, retry.Permanent(bad)), b.opts)
		var rerr *retry.Error
		require.ErrorAs(t, err, &rerr)
		require.Equal(t, 1, rerr.Attempts)
		require.Equal(t, retry.ClassPermanent, rerr.Last.Class)
		require.ErrorIs(t, err, bad)
		require.Equal(t, 1, calls)
		require.Empty(t, b.timer.waits)
		require.Equal(t, []retry.Attempt{{Number: 1, Outcome: rerr.Last}}, b.attempts)
	})

	t.Run("PermanentAfterRetry", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.policy.RetryOn = ^retry.ClassSet(0) &^ retry.NewClassSet(retry.ClassPermanent, retry.ClassCanceled, retry.ClassNone)
		var calls int
		err := retry.Do(context.Background(), b.policy, failing(&calls, refused, retry.Permanent(refused)), b.opts)
		var rerr *retry.Error
		require.ErrorAs(t, err, &rerr)
		require.Equal(t, 2, rerr.Attempts)
		require.Equal(t, []time.Duration{time.Second}, b.timer.waits)
	})

	t.Run("CanceledDuringAttempt", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var calls int
		op := func(ctx context.Context) error {
			calls++
			if calls == 2 {
				cancel()
				return ctx.Err()
			}
			return refused
		}
		err := retry.Do(ctx, b.policy, op, b.opts)
		var rerr *retry.Error
		require.ErrorAs(t, err, &rerr)
		require.Equal(t, 2, rerr.Attempts)
		require.Equal(t, retry.ClassCanceled, rerr.Last.Class)
		require.ErrorIs(t, err, context.Canceled)
		require.Equal(t, 2, calls)
		require.Equal(t, retry.ClassCanceled, b.attempts[1].Outcome.Class)
		require.False(t, retry.IsRetryable(err))
	})

	t.Run("CanceledOpIgnoresContext", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		op := func(context.Context) error { cancel(); return refused }
		err := retry.Do(ctx, b.policy, op, b.opts)
		var rerr *retry.Error
		require.ErrorAs(t, err, &rerr)
		require.Equal(t, 1, rerr.Attempts)
		require.ErrorIs(t, err, context.Canceled)
		require.ErrorIs(t, err, refused, "the last error is kept")
		require.Empty(t, b.timer.waits)
	})

	t.Run("CanceledDuringWait", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		b.timer.hold, b.timer.onStart = true, cancel
		var calls int
		err := retry.Do(ctx, b.policy, failing(&calls, unavailable, unavailable), b.opts)
		var rerr *retry.Error
		require.ErrorAs(t, err, &rerr)
		require.Equal(t, 1, rerr.Attempts)
		require.Equal(t, retry.ClassCanceled, rerr.Last.Class)
		require.ErrorIs(t, err, context.Canceled)
		require.ErrorIs(t, err, unavailable)
		require.Equal(t, 1, calls)
		require.Equal(t, []retry.Attempt{{Number: 1, Outcome: retry.ClassifyError(unavailable), Retry: true, Delay: time.Second}}, b.attempts)
	})

	t.Run("CanceledBeforeStart", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var calls int
		err := retry.Do(ctx, b.policy, failing(&calls), b.opts)
		var rerr *retry.Error
		require.ErrorAs(t, err, &rerr)
		require.Zero(t, rerr.Attempts)
		require.Zero(t, calls)
		require.ErrorIs(t, err, context.Canceled)
		require.Empty(t, b.attempts)
	})

	t.Run("InvalidPolicy", func(t *testing.T) {
		t.Parallel()
		var calls int
		err := retry.Do(context.Background(), retry.Policy{}, failing(&calls), nil)
		var verr *retry.ValidationError
		require.ErrorAs(t, err, &verr)
		require.Equal(t, "Minimum retry count is 1", verr.Field("maxRetries"))
		require.Zero(t, calls)
	})

	t.Run("AttemptContextHasDeadline", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.policy.AttemptTimeout = 7 * time.Second
		parent := context.WithValue(context.Background(), ctxKey{}, "v")
		op := func(ctx context.Context) error {
			deadline, ok := ctx.Deadline()
			require.True(t, ok)
			require.WithinDuration(t, time.Now().Add(7*time.Second), deadline, 5*time.Second)
			require.Equal(t, "v", ctx.Value(ctxKey{}), "the attempt context is a child")
			return nil
		}
		require.NoError(t, retry.Do(parent, b.policy, op, b.opts))
	})

	t.Run("JitterFromRand", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.policy.Jitter = true
		b.opts.Rand = constRand(0)
		var calls int
		require.NoError(t, retry.Do(context.Background(), b.policy, failing(&calls, refused, refused, refused), b.opts))
		require.Equal(t, []time.Duration{800 * time.Millisecond, 1600 * time.Millisecond, 3200 * time.Millisecond}, b.timer.waits)
	})
}

type ctxKey struct{}

// The per-attempt timeout and the real timer run in a synctest bubble, whose
// clock is fake: nothing sleeps.
func TestDoAttemptTimeout(t *testing.T) {
	t.Parallel()

	synctest.Test(t, func(t *testing.T) {
		p := retry.DefaultPolicy()
		p.Jitter, p.AttemptTimeout, p.MaxRetries = false, 30*time.Second, 2
		var calls atomic.Int32
		var got []retry.Attempt
		op := func(ctx context.Context) error {
			if calls.Add(1) < 3 {
				<-ctx.Done() // hangs until the attempt times out
				return ctx.Err()
			}
			return nil
		}
		start := time.Now()
		err := retry.Do(context.Background(), p, op, &retry.DoOpts{Notify: func(a retry.Attempt) { got = append(got, a) }})
		require.NoError(t, err)
		require.Equal(t, int32(3), calls.Load())
		require.Equal(t, retry.ClassTimeout, got[0].Outcome.Class)
		require.Equal(t, retry.ClassTimeout, got[1].Outcome.Class)
		// In the bubble, time moves only by the timeouts and waits.
		require.Equal(t, 30*time.Second+time.Second+30*time.Second+2*time.Second, time.Since(start))
	})
}

func TestDoAttemptTimeoutOverridesClass(t *testing.T) {
	t.Parallel()

	synctest.Test(t, func(t *testing.T) {
		p := retry.DefaultPolicy()
		p.AttemptTimeout, p.MaxRetries = time.Second, 1
		op := func(ctx context.Context) error {
			<-ctx.Done()
			return errors.New("driver: bad connection") // unclassifiable, but the attempt timed out
		}
		err := retry.Do(context.Background(), p, op, &retry.DoOpts{Timer: newFakeTimer()})
		var rerr *retry.Error
		require.ErrorAs(t, err, &rerr)
		require.Equal(t, 2, rerr.Attempts)
		require.Equal(t, retry.ClassTimeout, rerr.Last.Class)
	})
}

func TestDoCallerDeadline(t *testing.T) {
	t.Parallel()

	synctest.Test(t, func(t *testing.T) {
		p := retry.DefaultPolicy()
		p.Jitter = false
		ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
		defer cancel()
		var calls int
		err := retry.Do(ctx, p, failing(&calls, opErr(syscall.ECONNREFUSED), opErr(syscall.ECONNREFUSED), opErr(syscall.ECONNREFUSED)), nil)
		var rerr *retry.Error
		require.ErrorAs(t, err, &rerr)
		require.Equal(t, retry.ClassCanceled, rerr.Last.Class)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.Equal(t, 2, calls, "attempts at 0 s and 1 s; the 2 s wait outlives the deadline")
	})
}

func TestDoHTTP(t *testing.T) {
	t.Parallel()

	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if hits.Add(1) < 3 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	c := client(t)

	b := setup(t)
	op := func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, nil)
		if err != nil {
			return retry.Permanent(err)
		}
		resp, err := c.Do(req)
		if resp != nil {
			defer resp.Body.Close()
		}
		return retry.ClassifyResponse(resp, err, time.Now()).Err
	}
	require.NoError(t, retry.Do(context.Background(), b.policy, op, b.opts))
	require.Equal(t, int32(3), hits.Load())
	require.Equal(t, 502, b.attempts[0].Outcome.StatusCode)
	require.Equal(t, []time.Duration{time.Second, 2 * time.Second}, b.timer.waits)
}
