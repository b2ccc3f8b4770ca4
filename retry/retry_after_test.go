package retry_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/retry"
)

var fixedNow = time.Date(2025, 12, 4, 10, 0, 0, 0, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()

	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"120", 120 * time.Second, true},
		{"0", 0, true},
		{" 5 ", 5 * time.Second, true},
		{"007", 7 * time.Second, true},
		{"Thu, 04 Dec 2025 10:00:30 GMT", 30 * time.Second, true},
		{"Thursday, 04-Dec-25 10:01:00 GMT", time.Minute, true},
		{"Thu Dec  4 10:00:10 2025", 10 * time.Second, true},
		{"Thu, 04 Dec 2025 09:00:00 GMT", 0, true},
		{"99999999999999999999999", time.Duration(1<<63-1) / time.Second * time.Second, true},
		{"9223372036", 9223372036 * time.Second, true},
		{"9223372037", time.Duration(1<<63-1) / time.Second * time.Second, true},
		{"", 0, false},
		{"-5", 0, false},
		{"+5", 0, false},
		{"1.5", 0, false},
		{"5s", 0, false},
		{"tomorrow", 0, false},
		{"2025-12-04T10:00:30Z", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, ok := retry.ParseRetryAfter(tt.in, fixedNow)
			require.Equal(t, tt.wantOK, ok)
			require.Equal(t, tt.want, got)
		})
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"120", "0", "Thu, 04 Dec 2025 10:00:30 GMT", "Thursday, 04-Dec-25 10:01:00 GMT", "-1", "1e9", "99999999999999999999"} {
		f.Add(s, fixedNow.Unix())
	}
	f.Fuzz(func(t *testing.T, v string, nowUnix int64) {
		now := time.Unix(nowUnix, 0)
		d, ok := retry.ParseRetryAfter(v, now)
		if !ok {
			if d != 0 {
				t.Fatalf("ParseRetryAfter(%q) = %v, false; want 0", v, d)
			}
			return
		}
		if d < 0 {
			t.Fatalf("ParseRetryAfter(%q) = %v, negative", v, d)
		}
		// The same value read from a response must agree.
		resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {v}}}
		if o := retry.ClassifyResponse(resp, nil, now); o.RetryAfter != d {
			t.Fatalf("ClassifyResponse RetryAfter = %v, want %v", o.RetryAfter, d)
		}
	})
}
