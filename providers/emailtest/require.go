package emailtest

import (
	"os"
	"testing"
)

// RequireAll reports whether INTIME_REQUIRE_ALL=1: then a test may not skip
// for a missing peer.
func RequireAll() bool { return os.Getenv("INTIME_REQUIRE_ALL") == "1" }

// skipOrFail skips the test with msg, or fails it under INTIME_REQUIRE_ALL=1.
func skipOrFail(t testing.TB, msg string) {
	t.Helper()
	if RequireAll() {
		t.Fatal(msg + " (INTIME_REQUIRE_ALL=1: not skipping)")
	}
	t.Skip(msg)
}
