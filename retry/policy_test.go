package retry_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/retry"
)

func TestDefaultPolicy(t *testing.T) {
	t.Parallel()

	p := retry.DefaultPolicy()
	require.Equal(t, 3, p.MaxRetries)
	require.Equal(t, retry.StrategyExponential, p.Strategy)
	require.Equal(t, 5*time.Second, p.FixedDelay)
	require.True(t, p.Jitter)
	require.Equal(t, 60*time.Second, p.MaxDelay)
	require.Equal(t, 30*time.Second, p.AttemptTimeout)
	require.Equal(t, []retry.Class{retry.ClassServerError, retry.ClassTimeout, retry.ClassConnRefused, retry.ClassDNS}, p.RetryOn.Classes())
	require.True(t, p.DeadLetter)
	require.NoError(t, p.Validate())
}

func TestPolicyRetriesOn(t *testing.T) {
	t.Parallel()

	p := retry.DefaultPolicy()
	tests := []struct {
		class retry.Class
		want  bool
	}{
		{retry.ClassNone, false},
		{retry.ClassServerError, true},
		{retry.ClassTimeout, true},
		{retry.ClassConnRefused, true},
		{retry.ClassDNS, true},
		{retry.ClassRateLimited, false},
		{retry.ClassClientError, false},
		{retry.ClassTLS, false},
		{retry.ClassPermanent, false},
		{retry.ClassCanceled, false},
		{retry.ClassNetwork, false},
		{retry.ClassUnknown, false},
	}
	for _, tt := range tests {
		t.Run(tt.class.String(), func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, p.RetriesOn(tt.class))
		})
	}

	t.Run("PermanentNeverRetried", func(t *testing.T) {
		t.Parallel()
		p := retry.DefaultPolicy()
		p.RetryOn = ^retry.ClassSet(0)
		require.False(t, p.RetriesOn(retry.ClassPermanent))
		require.False(t, p.RetriesOn(retry.ClassCanceled))
		require.False(t, p.RetriesOn(retry.ClassNone))
		require.True(t, p.RetriesOn(retry.ClassRateLimited))
	})
}

func TestPolicyDelays(t *testing.T) {
	t.Parallel()

	s := time.Second
	tests := []struct {
		name     string
		strategy retry.Strategy
		retries  int
		fixed    time.Duration
		maxDelay time.Duration
		want     []time.Duration
		preview  string
	}{
		{"ExponentialDefault", retry.StrategyExponential, 3, 5 * s, 60 * s, []time.Duration{s, 2 * s, 4 * s}, "1s → 2s → 4s"},
		{"ExponentialFour", retry.StrategyExponential, 4, 5 * s, 60 * s, []time.Duration{s, 2 * s, 4 * s, 8 * s}, "1s → 2s → 4s → 8s"},
		{"ExponentialCapped", retry.StrategyExponential, 6, 5 * s, 10 * s, []time.Duration{s, 2 * s, 4 * s, 8 * s, 10 * s, 10 * s}, "1s → 2s → 4s → 8s → 10s → 10s"},
		{"ExponentialTen", retry.StrategyExponential, 10, 5 * s, 300 * s, []time.Duration{s, 2 * s, 4 * s, 8 * s, 16 * s, 32 * s, 64 * s, 128 * s, 256 * s, 300 * s}, "1s → 2s → 4s → 8s → 16s → 32s → 64s → 128s → 256s → 300s"},
		{"Linear", retry.StrategyLinear, 4, 5 * s, 60 * s, []time.Duration{s, 2 * s, 3 * s, 4 * s}, "1s → 2s → 3s → 4s"},
		{"Fixed", retry.StrategyFixed, 3, 5 * s, 60 * s, []time.Duration{5 * s, 5 * s, 5 * s}, "5s → 5s → 5s"},
		{"FixedCapped", retry.StrategyFixed, 2, 120 * s, 60 * s, []time.Duration{60 * s, 60 * s}, "60s → 60s"},
		{"One", retry.StrategyLinear, 1, 5 * s, 60 * s, []time.Duration{s}, "1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := retry.DefaultPolicy()
			p.Strategy, p.MaxRetries, p.FixedDelay, p.MaxDelay = tt.strategy, tt.retries, tt.fixed, tt.maxDelay
			require.Equal(t, tt.want, p.Delays())
			require.Equal(t, tt.preview, p.Preview())
		})
	}
}

func TestPolicyDelay(t *testing.T) {
	t.Parallel()

	p := retry.DefaultPolicy()
	p.MaxDelay = 300 * time.Second
	require.Zero(t, p.Delay(0))
	require.Zero(t, p.Delay(-3))
	require.Equal(t, 300*time.Second, p.Delay(1000), "huge retry numbers saturate at MaxDelay")
	p.Strategy = retry.StrategyLinear
	require.Equal(t, 300*time.Second, p.Delay(1<<40))
	p.Strategy = "bogus"
	require.Zero(t, p.Delay(1))
}

func TestPolicyJSON(t *testing.T) {
	t.Parallel()

	t.Run("Marshal", func(t *testing.T) {
		t.Parallel()
		b, err := json.Marshal(retry.DefaultPolicy())
		require.NoError(t, err)
		require.JSONEq(t, `{"maxRetries":3,"retryStrategy":"exponential","fixedDelay":5,"enableJitter":true,
			"maxDelay":60,"attemptTimeout":30,"retryOn":["server_error","timeout","connection_refused","dns"],"enableDlq":true}`, string(b))
	})

	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		p := retry.Policy{MaxRetries: 7, Strategy: retry.StrategyFixed, FixedDelay: 42 * time.Second, MaxDelay: 300 * time.Second,
			AttemptTimeout: 10 * time.Second, RetryOn: retry.NewClassSet(retry.ClassRateLimited, retry.ClassTLS)}
		b, err := json.Marshal(p)
		require.NoError(t, err)
		var got retry.Policy
		require.NoError(t, json.Unmarshal(b, &got))
		require.Equal(t, p, got)
	})

	t.Run("AbsentFieldsKeepDefaults", func(t *testing.T) {
		t.Parallel()
		p := retry.DefaultPolicy()
		require.NoError(t, json.Unmarshal([]byte(`{"maxRetries":5,"retryOn":["rate_limited"],"enableDlq":false}`), &p))
		want := retry.DefaultPolicy()
		want.MaxRetries, want.RetryOn, want.DeadLetter = 5, retry.NewClassSet(retry.ClassRateLimited), false
		require.Equal(t, want, p)
	})

	t.Run("Errors", func(t *testing.T) {
		t.Parallel()
		for _, in := range []string{`{"retryOn":["nope"]}`, `{"maxRetries":"3"}`, `[]`} {
			var p retry.Policy
			require.Error(t, json.Unmarshal([]byte(in), &p), in)
		}
	})

	t.Run("HugeSecondsStayOutOfRange", func(t *testing.T) {
		t.Parallel()
		var p retry.Policy
		require.NoError(t, json.Unmarshal([]byte(`{"maxDelay":9223372036854775807,"fixedDelay":-9223372036854775807}`), &p))
		require.Positive(t, p.MaxDelay)
		require.Negative(t, p.FixedDelay)
	})
}

func TestClassNames(t *testing.T) {
	t.Parallel()

	for c := retry.ClassNone; c <= retry.ClassUnknown; c++ {
		b, err := c.MarshalText()
		require.NoError(t, err)
		var got retry.Class
		require.NoError(t, got.UnmarshalText(b))
		require.Equal(t, c, got)
	}
	require.Equal(t, "class(99)", retry.Class(99).String())
	_, err := retry.Class(-1).MarshalText()
	require.Error(t, err)
	_, err = retry.ParseClass("5xx")
	require.EqualError(t, err, `retry: unknown class "5xx"`)
}

func TestClassSet(t *testing.T) {
	t.Parallel()

	s := retry.NewClassSet(retry.ClassDNS, retry.ClassServerError, retry.Class(99))
	require.True(t, s.Has(retry.ClassDNS))
	require.False(t, s.Has(retry.Class(99)))
	require.False(t, s.Has(retry.Class(-1)))
	require.Equal(t, "server_error,dns", s.String())
	s = s.Without(retry.ClassDNS).Without(retry.Class(-5))
	require.Equal(t, []retry.Class{retry.ClassServerError}, s.Classes())
	require.Equal(t, []retry.Class{}, retry.ClassSet(0).Classes())
	require.Equal(t, "server_error,timeout,connection_refused,dns", retry.DefaultRetryOn.String())
}

func TestClassTransient(t *testing.T) {
	t.Parallel()

	var got []retry.Class
	for c := retry.ClassNone; c <= retry.ClassUnknown; c++ {
		if c.Transient() {
			got = append(got, c)
		}
	}
	require.Equal(t, []retry.Class{retry.ClassServerError, retry.ClassTimeout, retry.ClassConnRefused,
		retry.ClassDNS, retry.ClassRateLimited, retry.ClassNetwork}, got)
}
