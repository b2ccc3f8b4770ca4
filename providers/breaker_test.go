package providers_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock { return &fakeClock{now: time.Date(2025, 12, 4, 10, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestBreaker(t *testing.T) {
	t.Parallel()
	clock := newClock()
	var changes []string
	b := providers.NewBreaker("primary", &providers.BreakerConfig{FailureThreshold: 3, OpenTimeout: time.Minute,
		Clock: clock.Now, OnStateChange: func(_ string, from, to providers.BreakerState) {
			changes = append(changes, from.String()+"→"+to.String())
		}})
	fail := func() error { return providers.Unavailable(errors.New("503"), retry.ClassServerError) }
	ok := func() error { return nil }

	// Errors that say nothing about the provider's health do not trip it.
	for _, err := range []error{providers.AuthFailed(errors.New("401")), providers.InvalidInput(errors.New("400")),
		context.Canceled, retry.RateLimited(errors.New("429"), time.Second)} {
		for range 5 {
			require.Equal(t, err, b.Execute(func() error { return err }))
		}
	}
	require.Equal(t, providers.BreakerClosed, b.State())

	for range 3 {
		require.Error(t, b.Execute(fail))
	}
	require.Equal(t, providers.BreakerOpen, b.State())
	calls := 0
	err := b.Execute(func() error { calls++; return nil })
	require.ErrorIs(t, err, providers.ErrBreakerOpen)
	require.Zero(t, calls, "an open breaker does not call")
	require.True(t, retry.IsRetryable(err))

	clock.Add(time.Minute)
	require.Equal(t, providers.BreakerHalfOpen, b.State())
	require.Error(t, b.Execute(fail), "a failed probe")
	require.Equal(t, providers.BreakerOpen, b.State())

	clock.Add(time.Minute)
	require.NoError(t, b.Execute(ok), "a successful probe")
	require.Equal(t, providers.BreakerClosed, b.State())
	require.Equal(t, []string{"closed→open", "open→half-open", "half-open→open", "open→half-open", "half-open→closed"}, changes)
}
