package oidc_test

import (
	"log/slog"
	"testing"

	"go.uber.org/goleak"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/oidc"
	"github.com/intimeos/integrations/providers/providertest"
)

// TestMain serves the provider when the test binary is re-executed as a
// plugin (providertest.Plugin), and otherwise runs the tests and checks
// for leaked goroutines.
func TestMain(m *testing.M) {
	providers.ServeSelf(map[string]providers.Provider{oidc.Name: oidc.New(nil)})
	// The example OP logs every request to the default logger.
	slog.SetDefault(slog.New(slog.DiscardHandler))
	goleak.VerifyTestMain(m)
}

// plugin starts this test binary as the OIDC plugin: the one place the
// tests call providertest.Plugin.
func plugin(t testing.TB) providers.Provider { return providertest.Plugin(t, oidc.Name) }
