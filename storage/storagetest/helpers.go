package storagetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// zone is a non-UTC zone: stores must hand times back in UTC.
var zone = time.FixedZone("UTC+05:30", 5*3600+30*60)

// fixedTime is a fixture instant with nanoseconds, which stores truncate to
// microseconds.
var fixedTime = time.Date(2031, time.May, 6, 7, 8, 9, 123456789, zone)

// baseTime is fixedTime without its sub-microsecond part, for range bounds
// that must compare exactly with stored times.
var baseTime = fixedTime.Truncate(time.Microsecond)

// requireTime checks that got is want truncated to microseconds, in UTC.
func requireTime(t *testing.T, want, got time.Time, msgAndArgs ...any) {
	t.Helper()
	w := want.Truncate(time.Microsecond)
	require.Truef(t, w.Equal(got), "time: want %s, got %s %v", w.UTC().Format(time.RFC3339Nano), got.Format(time.RFC3339Nano), msgAndArgs)
	require.Equal(t, time.UTC, got.Location(), "time %s is not in UTC %v", got, msgAndArgs)
}

// requireTimePtr is requireTime for optional times; nil must stay nil.
func requireTimePtr(t *testing.T, want, got *time.Time, msgAndArgs ...any) {
	t.Helper()
	if want == nil {
		require.Nil(t, got, msgAndArgs...)
		return
	}
	require.NotNil(t, got, msgAndArgs...)
	requireTime(t, *want, *got, msgAndArgs...)
}

// requireStamp checks that a store-stamped time is in UTC, has no
// sub-microsecond part and is not zero.
func requireStamp(t *testing.T, got time.Time, msgAndArgs ...any) {
	t.Helper()
	require.False(t, got.IsZero(), msgAndArgs...)
	require.Equal(t, time.UTC, got.Location(), msgAndArgs...)
	require.Zero(t, got.Nanosecond()%1000, "time %s is not truncated to microseconds %v", got, msgAndArgs)
}

// requireJSON compares JSON semantically; nil must stay nil.
func requireJSON(t *testing.T, want, got json.RawMessage, msgAndArgs ...any) {
	t.Helper()
	if want == nil {
		require.Nil(t, got, msgAndArgs...)
		return
	}
	require.NotNil(t, got, msgAndArgs...)
	require.JSONEq(t, string(want), string(got), msgAndArgs...)
}

func ptr[T any](v T) *T { return &v }
