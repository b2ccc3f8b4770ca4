package inbound_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/checkr"
)

// TestMain serves Checkr as a plugin when the test binary is re-executed
// as one (providers.Host.LoadSelf), and checks for leaked goroutines.
func TestMain(m *testing.M) {
	providers.ServeSelf(map[string]providers.Provider{checkr.Name: checkr.New(nil)})
	goleak.VerifyTestMain(m,
		// Idle keep-alive connections of HTTP clients (the test's, SNS's).
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"))
}
