package admin_test

import (
	"log/slog"
	"net/http"
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// The example authorization server logs every request to the default
	// logger; keep test output readable.
	slog.SetDefault(slog.New(slog.DiscardHandler))
	before := goleak.IgnoreCurrent()
	startBrowser()
	code := m.Run()
	stopBrowser()
	http.DefaultClient.CloseIdleConnections()
	if code == 0 {
		if err := goleak.Find(before); err != nil {
			os.Stderr.WriteString("goleak: " + err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}
