// Package providertest is the conformance suite for provider authors: one
// [Exercise] that a provider runs in process and, through [Plugin], as a
// plugin process started from the test binary itself.
//
// # Usage
//
//	func TestMain(m *testing.M) {
//		providertest.Main(m, map[string]providers.Provider{"slack": slack.New()})
//	}
//
//	func TestConformance(t *testing.T) {
//		suite := &providertest.Suite{Settings: providers.Settings{...}, ...}
//		t.Run("in process", func(t *testing.T) { providertest.Exercise(t, slack.New(), suite) })
//		t.Run("plugin", func(t *testing.T) { providertest.Exercise(t, providertest.Plugin(t, "slack"), suite) })
//	}
//
// # What it checks
//
// Info is complete and consistent; the suite's settings validate and empty
// settings give each required field its "empty" message; Check reports
// known stages; the suite's operations succeed and its failures fail with
// the expected [providers.Kind] and Retry-After wait (so both survive the
// boundary); an unknown operation is [providers.ErrUnsupported]; a provider
// with the webhook capability accepts a signed request and rejects a forged
// one (the Webhook subtest is skipped for a provider without it).
//
// [PluginWith] starts the plugin with a host configuration, an environment
// and arguments. The plugin authors' guide, docs/plugins.md in the
// repository, walks through the whole path.
package providertest
