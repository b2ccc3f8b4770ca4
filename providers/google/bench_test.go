package google_test

import (
	"context"
	"testing"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/google"
	"github.com/intimeos/integrations/providers/internal/testkit"
)

// BenchmarkEventCreate is the OAuth HTTP API providers' figure: interview
// events created per second against the local Calendar API, in process
// and through the plugin (the access token travelling with each call),
// with the plugin's share of the in-process rate measured in the same run
// ("plugin-vs-inprocess").
func BenchmarkEventCreate(b *testing.B) {
	f := newFakeGoogle(b)
	f.Forget = true
	inproc := google.New(nil)
	b.Cleanup(func() { _ = inproc.Close() })
	s := f.settings(tokGood)
	testkit.BenchInProcessVsPlugin(b, inproc, plugin(b), func(p providers.Provider) error {
		_, err := p.Do(context.Background(), s, createOp)
		return err
	})
}
