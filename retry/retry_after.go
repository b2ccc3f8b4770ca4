package retry

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRetryAfterSeconds is the largest number of seconds that fits a Duration.
const maxRetryAfterSeconds = math.MaxInt64 / int64(time.Second)

// ParseRetryAfter parses a Retry-After header value (RFC 9110 §10.2.3):
// either a number of seconds ("120") or an HTTP-date, which is measured from
// now. A date in the past yields 0. Huge second counts saturate. It reports
// false for anything else, including negative or fractional numbers.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if allDigits(v) {
		return parseSeconds(v), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseSeconds converts a string of digits, saturating on overflow.
func parseSeconds(s string) time.Duration {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > maxRetryAfterSeconds {
		return time.Duration(maxRetryAfterSeconds) * time.Second
	}
	return time.Duration(n) * time.Second
}
