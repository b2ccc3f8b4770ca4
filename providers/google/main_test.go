package google_test

import (
	"log/slog"
	"testing"

	"go.uber.org/goleak"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/google"
	"github.com/intimeos/integrations/providers/providertest"
)

// TestMain serves the provider when the test binary is re-executed as a
// plugin (plain, or recording the settings it receives: see recorder), and
// otherwise runs the tests and checks for leaked goroutines.
func TestMain(m *testing.M) {
	providers.ServeSelf(map[string]providers.Provider{google.Name: google.New(nil), recordedName: newRecorder()})
	// The example authorization server logs every request to the default
	// logger; keep test output readable.
	slog.SetDefault(slog.New(slog.DiscardHandler))
	goleak.VerifyTestMain(m)
}

// plugin starts this test binary as the Google plugin: the one place the
// tests call providertest.Plugin.
func plugin(t testing.TB) providers.Provider { return providertest.Plugin(t, google.Name) }
