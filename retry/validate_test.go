package retry_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/retry"
)

func ptr[T any](v T) *T { return &v }

func TestPolicyValidate(t *testing.T) {
	t.Parallel()

	s := time.Second
	tests := []struct {
		name   string
		mutate func(p *retry.Policy)
		field  string
		want   string
	}{
		{"MaxRetriesZero", func(p *retry.Policy) { p.MaxRetries = 0 }, "maxRetries", "Minimum retry count is 1"},
		{"MaxRetriesNegative", func(p *retry.Policy) { p.MaxRetries = -1 }, "maxRetries", "Minimum retry count is 1"},
		{"MaxRetriesMin", func(p *retry.Policy) { p.MaxRetries = 1 }, "", ""},
		{"MaxRetriesMax", func(p *retry.Policy) { p.MaxRetries = 10 }, "", ""},
		{"MaxRetriesAbove", func(p *retry.Policy) { p.MaxRetries = 11 }, "maxRetries", "Maximum retry count is 10"},
		{"StrategyEmpty", func(p *retry.Policy) { p.Strategy = "" }, "retryStrategy", "Please select a retry strategy"},
		{"StrategyUnknown", func(p *retry.Policy) { p.Strategy = "random" }, "retryStrategy", "Please select a retry strategy"},
		{"StrategyLinear", func(p *retry.Policy) { p.Strategy = retry.StrategyLinear }, "", ""},
		{"FixedDelayZero", func(p *retry.Policy) { p.Strategy, p.FixedDelay = retry.StrategyFixed, 0 }, "fixedDelay", "Minimum delay is 1 second"},
		{"FixedDelayMin", func(p *retry.Policy) { p.Strategy, p.FixedDelay = retry.StrategyFixed, s }, "", ""},
		{"FixedDelayMax", func(p *retry.Policy) { p.Strategy, p.FixedDelay = retry.StrategyFixed, 300*s }, "", ""},
		{"FixedDelayAbove", func(p *retry.Policy) { p.Strategy, p.FixedDelay = retry.StrategyFixed, 301*s }, "fixedDelay", "Maximum delay is 300 seconds (5 minutes)"},
		{"FixedDelayFraction", func(p *retry.Policy) { p.Strategy, p.FixedDelay = retry.StrategyFixed, 1500*time.Millisecond }, "fixedDelay", "Delay must be a whole number of seconds"},
		{"FixedDelayIgnoredWhenZero", func(p *retry.Policy) { p.FixedDelay = 0 }, "", ""},
		{"FixedDelayCheckedWhenSet", func(p *retry.Policy) { p.FixedDelay = 301 * s }, "fixedDelay", "Maximum delay is 300 seconds (5 minutes)"},
		{"MaxDelayZero", func(p *retry.Policy) { p.MaxDelay = 0 }, "maxDelay", "Minimum max delay is 10 seconds"},
		{"MaxDelayBelow", func(p *retry.Policy) { p.MaxDelay = 9 * s }, "maxDelay", "Minimum max delay is 10 seconds"},
		{"MaxDelayMin", func(p *retry.Policy) { p.MaxDelay = 10 * s }, "", ""},
		{"MaxDelayMax", func(p *retry.Policy) { p.MaxDelay = 300 * s }, "", ""},
		{"MaxDelayAbove", func(p *retry.Policy) { p.MaxDelay = 301 * s }, "maxDelay", "Maximum delay cannot exceed 300 seconds"},
		{"MaxDelayFraction", func(p *retry.Policy) { p.MaxDelay = 10*s + 1 }, "maxDelay", "Maximum delay must be a whole number of seconds"},
		{"AttemptTimeoutZero", func(p *retry.Policy) { p.AttemptTimeout = 0 }, "attemptTimeout", "Minimum timeout per attempt is 1 second"},
		{"AttemptTimeoutMin", func(p *retry.Policy) { p.AttemptTimeout = s }, "", ""},
		{"AttemptTimeoutMax", func(p *retry.Policy) { p.AttemptTimeout = 300 * s }, "", ""},
		{"AttemptTimeoutAbove", func(p *retry.Policy) { p.AttemptTimeout = 301 * s }, "attemptTimeout", "Maximum timeout per attempt is 300 seconds"},
		{"AttemptTimeoutFraction", func(p *retry.Policy) { p.AttemptTimeout = 2500 * time.Millisecond }, "attemptTimeout", "Timeout per attempt must be a whole number of seconds"},
		{"RetryOnEmpty", func(p *retry.Policy) { p.RetryOn = 0 }, "", ""},
		{"RetryOnAll", func(p *retry.Policy) {
			p.RetryOn = retry.NewClassSet(retry.ClassRateLimited, retry.ClassClientError, retry.ClassTLS, retry.ClassNetwork, retry.ClassUnknown)
		}, "", ""},
		{"RetryOnPermanent", func(p *retry.Policy) { p.RetryOn = p.RetryOn.With(retry.ClassPermanent) }, "retryOn", "Errors of type permanent cannot be retried"},
		{"RetryOnCanceled", func(p *retry.Policy) { p.RetryOn = p.RetryOn.With(retry.ClassCanceled) }, "retryOn", "Errors of type canceled cannot be retried"},
		{"RetryOnNone", func(p *retry.Policy) { p.RetryOn = p.RetryOn.With(retry.ClassNone) }, "retryOn", "Errors of type none cannot be retried"},
		{"JitterAndDlqOff", func(p *retry.Policy) { p.Jitter, p.DeadLetter = false, false }, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := retry.DefaultPolicy()
			tt.mutate(&p)
			err := p.Validate()
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			var verr *retry.ValidationError
			require.ErrorAs(t, err, &verr)
			require.Equal(t, map[string]string{tt.field: tt.want}, verr.Fields)
			require.Equal(t, tt.want, verr.Field(tt.field))
			require.Equal(t, "retry: "+tt.field+": "+tt.want, err.Error())
		})
	}
}

func TestPolicyValidateAllFields(t *testing.T) {
	t.Parallel()

	err := retry.Policy{Strategy: retry.StrategyFixed, RetryOn: retry.NewClassSet(retry.ClassPermanent)}.Validate()
	var verr *retry.ValidationError
	require.ErrorAs(t, err, &verr)
	require.Equal(t, map[string]string{
		"maxRetries":     "Minimum retry count is 1",
		"fixedDelay":     "Minimum delay is 1 second",
		"maxDelay":       "Minimum max delay is 10 seconds",
		"attemptTimeout": "Minimum timeout per attempt is 1 second",
		"retryOn":        "Errors of type permanent cannot be retried",
	}, verr.Fields)
	require.Equal(t, "retry: maxRetries: Minimum retry count is 1; fixedDelay: Minimum delay is 1 second; "+
		"maxDelay: Minimum max delay is 10 seconds; attemptTimeout: Minimum timeout per attempt is 1 second; "+
		"retryOn: Errors of type permanent cannot be retried", err.Error())
	require.Empty(t, verr.Field("enableJitter"))
}

// validForm returns a complete, valid form.
func validForm() retry.PolicyForm {
	return retry.PolicyForm{MaxRetries: ptr(3), RetryStrategy: retry.StrategyExponential, MaxDelay: ptr(60)}
}

func TestPolicyFormValidate(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		mutate func(f *retry.PolicyForm)
		want   map[string]string
	}{
		{"Valid", func(f *retry.PolicyForm) {}, nil},
		{"MaxRetriesEmpty", func(f *retry.PolicyForm) { f.MaxRetries = nil }, map[string]string{"maxRetries": "Max retries is required"}},
		{"MaxRetriesBelow", func(f *retry.PolicyForm) { f.MaxRetries = ptr(0) }, map[string]string{"maxRetries": "Minimum retry count is 1"}},
		{"MaxRetriesAbove", func(f *retry.PolicyForm) { f.MaxRetries = ptr(11) }, map[string]string{"maxRetries": "Maximum retry count is 10"}},
		{"StrategyEmpty", func(f *retry.PolicyForm) { f.RetryStrategy = "" }, map[string]string{"retryStrategy": "Please select a retry strategy"}},
		{"FixedDelayEmpty", func(f *retry.PolicyForm) { f.RetryStrategy = retry.StrategyFixed }, map[string]string{"fixedDelay": "Delay is required for fixed interval strategy"}},
		{"FixedDelayBelow", func(f *retry.PolicyForm) { f.RetryStrategy, f.FixedDelay = retry.StrategyFixed, ptr(0) }, map[string]string{"fixedDelay": "Minimum delay is 1 second"}},
		{"FixedDelayAbove", func(f *retry.PolicyForm) { f.RetryStrategy, f.FixedDelay = retry.StrategyFixed, ptr(301) }, map[string]string{"fixedDelay": "Maximum delay is 300 seconds (5 minutes)"}},
		{"FixedDelayNotNeeded", func(f *retry.PolicyForm) { f.RetryStrategy = retry.StrategyLinear }, nil},
		{"MaxDelayEmpty", func(f *retry.PolicyForm) { f.MaxDelay = nil }, map[string]string{"maxDelay": "Maximum delay is required"}},
		{"MaxDelayBelow", func(f *retry.PolicyForm) { f.MaxDelay = ptr(9) }, map[string]string{"maxDelay": "Minimum max delay is 10 seconds"}},
		{"MaxDelayAbove", func(f *retry.PolicyForm) { f.MaxDelay = ptr(301) }, map[string]string{"maxDelay": "Maximum delay cannot exceed 300 seconds"}},
		{"AttemptTimeoutBelow", func(f *retry.PolicyForm) { f.AttemptTimeout = ptr(0) }, map[string]string{"attemptTimeout": "Minimum timeout per attempt is 1 second"}},
		{"AttemptTimeoutAbove", func(f *retry.PolicyForm) { f.AttemptTimeout = ptr(301) }, map[string]string{"attemptTimeout": "Maximum timeout per attempt is 300 seconds"}},
		{"RetryOnUnknown", func(f *retry.PolicyForm) { f.RetryOn = []string{"dns", "5xx"} }, map[string]string{"retryOn": "Unknown error type: 5xx"}},
		{"AllEmpty", func(f *retry.PolicyForm) { *f = retry.PolicyForm{} }, map[string]string{
			"maxRetries":    "Max retries is required",
			"retryStrategy": "Please select a retry strategy",
			"maxDelay":      "Maximum delay is required",
		}},
		{"AllEmptyFixed", func(f *retry.PolicyForm) { *f = retry.PolicyForm{RetryStrategy: retry.StrategyFixed} }, map[string]string{
			"maxRetries": "Max retries is required",
			"fixedDelay": "Delay is required for fixed interval strategy",
			"maxDelay":   "Maximum delay is required",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := validForm()
			tt.mutate(&f)
			err := f.Validate()
			_, perr := f.Policy()
			if tt.want == nil {
				require.NoError(t, err)
				require.NoError(t, perr)
				return
			}
			var verr *retry.ValidationError
			require.ErrorAs(t, err, &verr)
			require.Equal(t, tt.want, verr.Fields)
			require.Equal(t, err, perr)
		})
	}
}

func TestPolicyFormPolicy(t *testing.T) {
	t.Parallel()

	t.Run("Defaults", func(t *testing.T) {
		t.Parallel()
		p, err := validForm().Policy()
		require.NoError(t, err)
		require.Equal(t, retry.DefaultPolicy(), p)
	})

	t.Run("AllFields", func(t *testing.T) {
		t.Parallel()
		f := retry.PolicyForm{MaxRetries: ptr(5), RetryStrategy: retry.StrategyFixed, FixedDelay: ptr(12), EnableJitter: ptr(false),
			MaxDelay: ptr(120), AttemptTimeout: ptr(15), RetryOn: []string{"rate_limited", "client_error"}, EnableDlq: ptr(false)}
		p, err := f.Policy()
		require.NoError(t, err)
		require.Equal(t, retry.Policy{MaxRetries: 5, Strategy: retry.StrategyFixed, FixedDelay: 12 * time.Second, MaxDelay: 120 * time.Second,
			AttemptTimeout: 15 * time.Second, RetryOn: retry.NewClassSet(retry.ClassRateLimited, retry.ClassClientError)}, p)
		back := p.Form()
		require.Equal(t, f, back)
	})

	t.Run("FromJSON", func(t *testing.T) {
		t.Parallel()
		var f retry.PolicyForm
		require.NoError(t, json.Unmarshal([]byte(`{"retryStrategy":"fixed","retryOn":[]}`), &f))
		_, err := f.Policy()
		var verr *retry.ValidationError
		require.True(t, errors.As(err, &verr))
		require.Equal(t, map[string]string{
			"maxRetries": "Max retries is required",
			"fixedDelay": "Delay is required for fixed interval strategy",
			"maxDelay":   "Maximum delay is required",
		}, verr.Fields)

		require.NoError(t, json.Unmarshal([]byte(`{"maxRetries":2,"fixedDelay":7,"maxDelay":10,"retryOn":[]}`), &f))
		p, err := f.Policy()
		require.NoError(t, err)
		require.Equal(t, retry.ClassSet(0), p.RetryOn)
		require.Equal(t, "7s → 7s", p.Preview())
	})
}

func TestParsePolicyForm(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		values url.Values
		want   map[string]string
		policy *retry.Policy
	}{
		{
			name: "Complete",
			values: url.Values{"maxRetries": {" 4 "}, "retryStrategy": {"linear"}, "maxDelay": {"30"}, "attemptTimeout": {"20"},
				"enableJitter": {"on"}, "enableDlq": {"true"}, "retryOn": {"server_error", "rate_limited"}},
			policy: &retry.Policy{MaxRetries: 4, Strategy: retry.StrategyLinear, FixedDelay: 5 * time.Second, Jitter: true,
				MaxDelay: 30 * time.Second, AttemptTimeout: 20 * time.Second, RetryOn: retry.NewClassSet(retry.ClassServerError, retry.ClassRateLimited), DeadLetter: true},
		},
		{
			name:   "UncheckedBoxes",
			values: url.Values{"maxRetries": {"3"}, "retryStrategy": {"fixed"}, "fixedDelay": {"9"}, "maxDelay": {"60"}, "enableJitter": {"off"}},
			policy: &retry.Policy{MaxRetries: 3, Strategy: retry.StrategyFixed, FixedDelay: 9 * time.Second, MaxDelay: 60 * time.Second, AttemptTimeout: 30 * time.Second},
		},
		{
			name:   "Empty",
			values: url.Values{"maxRetries": {""}, "retryStrategy": {"fixed"}, "fixedDelay": {" "}},
			want: map[string]string{"maxRetries": "Max retries is required", "fixedDelay": "Delay is required for fixed interval strategy",
				"maxDelay": "Maximum delay is required"},
		},
		{
			name:   "NotNumbers",
			values: url.Values{"maxRetries": {"three"}, "retryStrategy": {"fixed"}, "fixedDelay": {"1.5"}, "maxDelay": {"1e3"}, "attemptTimeout": {"x"}},
			want: map[string]string{"maxRetries": "Max retries must be a whole number", "fixedDelay": "Delay must be a whole number of seconds",
				"maxDelay": "Maximum delay must be a whole number of seconds", "attemptTimeout": "Timeout per attempt must be a whole number of seconds"},
		},
		{
			name:   "OutOfRange",
			values: url.Values{"maxRetries": {"0"}, "retryStrategy": {"exponential"}, "maxDelay": {"301"}, "retryOn": {"canceled"}},
			want: map[string]string{"maxRetries": "Minimum retry count is 1", "maxDelay": "Maximum delay cannot exceed 300 seconds",
				"retryOn": "Errors of type canceled cannot be retried"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := retry.ParsePolicyForm(tt.values).Policy()
			if tt.policy != nil {
				require.NoError(t, err)
				require.Equal(t, *tt.policy, p)
				return
			}
			var verr *retry.ValidationError
			require.ErrorAs(t, err, &verr)
			require.Equal(t, tt.want, verr.Fields)
		})
	}
}
