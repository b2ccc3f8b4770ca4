package ses_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/sendgrid"
	"github.com/intimeos/integrations/providers/ses"
	"github.com/intimeos/integrations/providers/ses/snstest"
)

func TestMain(m *testing.M) {
	providers.ServeSelf(map[string]providers.Provider{"ses": ses.New(snstest.ConfigFromEnv()), "sendgrid": sendgrid.New(nil)})
	goleak.VerifyTestMain(m,
		// Idle keep-alive connections of the providers' HTTP clients.
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"))
}
