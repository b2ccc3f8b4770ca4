package linkedin_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/linkedin"
	"github.com/intimeos/integrations/providers/providertest"
)

// TestMain serves the provider when the test binary is re-executed as a
// plugin, and otherwise runs the tests and checks for leaked goroutines.
func TestMain(m *testing.M) {
	providers.ServeSelf(map[string]providers.Provider{linkedin.Name: linkedin.New(nil)})
	goleak.VerifyTestMain(m)
}

// plugin starts this test binary as the LinkedIn plugin: the one place the
// tests call providertest.Plugin.
func plugin(t testing.TB) providers.Provider { return providertest.Plugin(t, linkedin.Name) }
