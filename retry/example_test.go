package retry_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/intimeos/integrations/retry"
)

func ExampleDefaultPolicy() {
	p := retry.DefaultPolicy()
	fmt.Println(p.Preview())
	p.MaxRetries = 4
	fmt.Println(p.Preview())
	p.Strategy = retry.StrategyLinear
	fmt.Println(p.Preview())
	// Output:
	// 1s → 2s → 4s
	// 1s → 2s → 4s → 8s
	// 1s → 2s → 3s → 4s
}

func ExamplePolicy_Validate() {
	p := retry.DefaultPolicy()
	p.MaxRetries = 11
	p.MaxDelay = 400 * time.Second
	err := p.Validate()

	var verr *retry.ValidationError
	if errors.As(err, &verr) {
		fmt.Println(verr.Field("maxRetries"))
		fmt.Println(verr.Field("maxDelay"))
	}
	// Output:
	// Maximum retry count is 10
	// Maximum delay cannot exceed 300 seconds
}

func ExampleParsePolicyForm() {
	form := retry.ParsePolicyForm(url.Values{"retryStrategy": {"fixed"}, "maxRetries": {"2"}})
	_, err := form.Policy()
	fmt.Println(err)
	// Output:
	// retry: fixedDelay: Delay is required for fixed interval strategy; maxDelay: Maximum delay is required
}

func ExampleNextAttempt() {
	p := retry.DefaultPolicy()
	p.Jitter = false
	p.RetryOn = p.RetryOn.With(retry.ClassRateLimited)

	resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"12"}}}
	o := retry.ClassifyResponse(resp, nil, time.Now())
	fmt.Println(retry.NextAttempt(p, 1, o))

	o = retry.Outcome{Class: retry.ClassServerError, StatusCode: 503}
	for attempt := 1; attempt <= 4; attempt++ {
		fmt.Println(retry.NextAttempt(p, attempt, o))
	}
	// Output:
	// 12s true
	// 1s true
	// 2s true
	// 4s true
	// 0s false
}

func ExampleClassifyError() {
	fmt.Println(retry.ClassifyError(context.DeadlineExceeded).Class)
	fmt.Println(retry.ClassifyError(retry.Permanent(errors.New("invalid api key"))).Class)
	fmt.Println(retry.ClassifyError(retry.RateLimited(errors.New("quota"), 30*time.Second)).RetryAfter)
	// Output:
	// timeout
	// permanent
	// 30s
}

// instantTimer is a backoff.Timer that fires at once, for examples and tests.
type instantTimer struct{ c chan time.Time }

func (t *instantTimer) Start(time.Duration) { t.c <- time.Time{} }
func (t *instantTimer) Stop()               {}
func (t *instantTimer) C() <-chan time.Time { return t.c }

func ExampleDo() {
	p := retry.DefaultPolicy()
	p.Jitter = false

	calls := 0
	op := func(ctx context.Context) error {
		calls++
		if calls < 3 {
			return &retry.StatusError{StatusCode: http.StatusServiceUnavailable}
		}
		return nil
	}
	opts := &retry.DoOpts{
		Timer: &instantTimer{c: make(chan time.Time, 1)},
		Notify: func(a retry.Attempt) {
			fmt.Printf("attempt %d: %s, retry=%t after %s\n", a.Number, a.Outcome.Class, a.Retry, a.Delay)
		},
	}
	err := retry.Do(context.Background(), p, op, opts)
	fmt.Println("err:", err)
	// Output:
	// attempt 1: server_error, retry=true after 1s
	// attempt 2: server_error, retry=true after 2s
	// attempt 3: none, retry=false after 0s
	// err: <nil>
}

func ExampleDo_permanent() {
	op := func(ctx context.Context) error {
		return retry.Permanent(errors.New("invalid api key"))
	}
	err := retry.Do(context.Background(), retry.DefaultPolicy(), op, nil)
	var rerr *retry.Error
	if errors.As(err, &rerr) {
		fmt.Println(rerr.Attempts, rerr.Last.Class)
	}
	fmt.Println(err)
	// Output:
	// 1 permanent
	// retry: gave up after 1 attempt (permanent): invalid api key
}
