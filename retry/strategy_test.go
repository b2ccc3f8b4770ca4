package retry_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/retry"
)

func constRand(u float64) func() float64 { return func() float64 { return u } }

func TestStrategyValid(t *testing.T) {
	t.Parallel()

	for _, s := range []retry.Strategy{retry.StrategyExponential, retry.StrategyLinear, retry.StrategyFixed} {
		require.True(t, s.Valid(), s)
	}
	for _, s := range []retry.Strategy{"", "Exponential", "constant"} {
		require.False(t, s.Valid(), s)
	}
}

func TestNextAttempt(t *testing.T) {
	t.Parallel()

	s := time.Second
	noJitter := retry.DefaultPolicy()
	noJitter.Jitter = false
	rateLimited := noJitter
	rateLimited.RetryOn = rateLimited.RetryOn.With(retry.ClassRateLimited)
	server := retry.Outcome{Class: retry.ClassServerError, StatusCode: 503}

	tests := []struct {
		name      string
		policy    retry.Policy
		attempt   int
		outcome   retry.Outcome
		rnd       func() float64
		wantDelay time.Duration
		wantRetry bool
	}{
		{"FirstRetry", noJitter, 1, server, nil, s, true},
		{"SecondRetry", noJitter, 2, server, nil, 2 * s, true},
		{"LastRetry", noJitter, 3, server, nil, 4 * s, true},
		{"Exhausted", noJitter, 4, server, nil, 0, false},
		{"NoAttemptYet", noJitter, 0, server, nil, 0, false},
		{"Success", noJitter, 1, retry.Outcome{}, nil, 0, false},
		{"NotInRetryOn", noJitter, 1, retry.Outcome{Class: retry.ClassClientError, StatusCode: 400}, nil, 0, false},
		{"RateLimitedOffByDefault", noJitter, 1, retry.Outcome{Class: retry.ClassRateLimited, RetryAfter: 5 * s}, nil, 0, false},
		{"RetryAfterHonoured", rateLimited, 1, retry.Outcome{Class: retry.ClassRateLimited, RetryAfter: 17 * s}, nil, 17 * s, true},
		{"RetryAfterClamped", rateLimited, 1, retry.Outcome{Class: retry.ClassRateLimited, RetryAfter: time.Hour}, nil, 60 * s, true},
		{"RetryAfterNotJittered", retry.DefaultPolicy(), 2, retry.Outcome{Class: retry.ClassServerError, RetryAfter: 7 * s}, constRand(0), 7 * s, true},
		{"RateLimitedWithoutRetryAfter", rateLimited, 2, retry.Outcome{Class: retry.ClassRateLimited}, nil, 2 * s, true},
		{"Permanent", noJitter, 1, retry.Outcome{Class: retry.ClassPermanent}, nil, 0, false},
		{"Canceled", noJitter, 1, retry.Outcome{Class: retry.ClassCanceled}, nil, 0, false},
		{"JitterLow", retry.DefaultPolicy(), 1, server, constRand(0), 800 * time.Millisecond, true},
		{"JitterMid", retry.DefaultPolicy(), 2, server, constRand(0.5), 2 * s, true},
		{"JitterHigh", retry.DefaultPolicy(), 3, server, constRand(0.75), 4400 * time.Millisecond, true},
		{"JitterOutOfRangeClamped", retry.DefaultPolicy(), 1, server, constRand(7), 1200 * time.Millisecond, true},
		{"JitterCappedAtMaxDelay", retry.Policy{MaxRetries: 3, Strategy: retry.StrategyFixed, FixedDelay: 60 * s, Jitter: true,
			MaxDelay: 60 * s, RetryOn: retry.DefaultRetryOn}, 1, server, constRand(0.99), 60 * s, true},
		{"JitterNilRand", retry.DefaultPolicy(), 1, server, nil, s, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, ok := retry.NextAttemptRand(tt.policy, tt.attempt, tt.outcome, tt.rnd)
			require.Equal(t, tt.wantRetry, ok)
			require.Equal(t, tt.wantDelay, d)
		})
	}

	t.Run("GlobalRand", func(t *testing.T) {
		t.Parallel()
		d, ok := retry.NextAttempt(retry.DefaultPolicy(), 1, server)
		require.True(t, ok)
		require.GreaterOrEqual(t, d, 800*time.Millisecond)
		require.Less(t, d, 1200*time.Millisecond)
	})
}

// randomPolicy returns a valid policy drawn from r.
func randomPolicy(r *rand.Rand) retry.Policy {
	strategies := []retry.Strategy{retry.StrategyExponential, retry.StrategyLinear, retry.StrategyFixed}
	return retry.Policy{
		MaxRetries:     1 + r.IntN(10),
		Strategy:       strategies[r.IntN(3)],
		FixedDelay:     time.Duration(1+r.IntN(300)) * time.Second,
		Jitter:         true,
		MaxDelay:       time.Duration(10+r.IntN(291)) * time.Second,
		AttemptTimeout: time.Duration(1+r.IntN(300)) * time.Second,
		RetryOn:        retry.DefaultRetryOn,
	}
}

func TestJitterProperty(t *testing.T) {
	t.Parallel()

	r := rand.New(rand.NewPCG(1, 2))
	out := retry.Outcome{Class: retry.ClassTimeout}
	for range 20000 {
		p := randomPolicy(r)
		require.NoError(t, p.Validate())
		attempt := 1 + r.IntN(p.MaxRetries)
		base := p.Delay(attempt)
		d, ok := retry.NextAttemptRand(p, attempt, out, r.Float64)
		require.True(t, ok)
		require.GreaterOrEqual(t, d, base-base/5-1, "policy %+v attempt %d", p, attempt)
		require.LessOrEqual(t, d, base+base/5, "policy %+v attempt %d", p, attempt)
		require.LessOrEqual(t, d, p.MaxDelay)
		require.Positive(t, d)
	}
}

func TestJitterSpreads(t *testing.T) {
	t.Parallel()

	r := rand.New(rand.NewPCG(3, 4))
	p := retry.DefaultPolicy()
	p.Strategy, p.FixedDelay = retry.StrategyFixed, 10*time.Second
	var below, above int
	for range 1000 {
		d, _ := retry.NextAttemptRand(p, 1, retry.Outcome{Class: retry.ClassDNS}, r.Float64)
		if d < 9*time.Second {
			below++
		}
		if d > 11*time.Second {
			above++
		}
	}
	require.Positive(t, below, "jitter reaches the lower quarter")
	require.Positive(t, above, "jitter reaches the upper quarter")
}

func TestUnjitteredDelaysProperty(t *testing.T) {
	t.Parallel()

	r := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		p := randomPolicy(r)
		delays := p.Delays()
		require.Len(t, delays, p.MaxRetries)
		for i, d := range delays {
			require.LessOrEqual(t, d, p.MaxDelay)
			require.Positive(t, d)
			if i > 0 && p.Strategy != retry.StrategyFixed {
				require.GreaterOrEqual(t, d, delays[i-1], "schedules never shrink")
			}
		}
	}
}
