package carrier_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/carrier"
)

// TestMain serves the provider when the test binary is re-executed as a
// plugin (providertest.Plugin), and otherwise runs the tests and checks
// for leaked goroutines.
func TestMain(m *testing.M) {
	providers.ServeSelf(map[string]providers.Provider{carrier.Name: carrier.New(nil)})
	goleak.VerifyTestMain(m)
}
