package adp_test

import (
	"io"
	"log"
	"testing"

	"go.uber.org/goleak"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/adp"
)

// discardLog silences the fake's "TLS handshake error" lines.
var discardLog = log.New(io.Discard, "", 0)

// TestMain serves the provider when the test binary is re-executed as a
// plugin (providertest.Plugin), and otherwise runs the tests and checks
// for leaked goroutines.
func TestMain(m *testing.M) {
	providers.ServeSelf(map[string]providers.Provider{adp.Name: adp.New(nil)})
	goleak.VerifyTestMain(m)
}
