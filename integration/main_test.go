package integration_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/smtp"
)

// pluginProviders are served when the test binary is re-executed as a
// plugin (providers.Host.LoadSelf).
func pluginProviders() map[string]providers.Provider {
	return map[string]providers.Provider{
		"calendar-plugin": &calendarPlugin{},
		"smtp":            smtp.New(nil),
		"probe":           newProbe("probe"),
		"whoami":          whoami{},
	}
}

func TestMain(m *testing.M) {
	if spec := os.Getenv(envCrashChild); spec != "" {
		os.Exit(crashChild(spec, os.Getenv(envCrashMode)))
	}
	providers.ServeSelf(pluginProviders())
	goleak.VerifyTestMain(m)
}
