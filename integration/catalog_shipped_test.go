package integration_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/adp"
	"github.com/intimeos/integrations/providers/bamboohr"
	"github.com/intimeos/integrations/providers/carrier"
	"github.com/intimeos/integrations/providers/checkr"
	"github.com/intimeos/integrations/providers/everify"
	"github.com/intimeos/integrations/providers/google"
	"github.com/intimeos/integrations/providers/jobboards"
	"github.com/intimeos/integrations/providers/linkedin"
	"github.com/intimeos/integrations/providers/microsoft"
	"github.com/intimeos/integrations/providers/oidc"
	"github.com/intimeos/integrations/providers/paychex"
	"github.com/intimeos/integrations/providers/recordkeeper"
	"github.com/intimeos/integrations/providers/ringcentral"
	"github.com/intimeos/integrations/providers/s3"
	"github.com/intimeos/integrations/providers/sendgrid"
	"github.com/intimeos/integrations/providers/ses"
	"github.com/intimeos/integrations/providers/slack"
	"github.com/intimeos/integrations/providers/smtp"
	"github.com/intimeos/integrations/providers/twilio"
	"github.com/intimeos/integrations/providers/workday"
	"github.com/intimeos/integrations/providers/zoom"
)

// shipped are the providers the SDK ships, under their names.
func shipped() map[string]providers.Provider {
	return map[string]providers.Provider{
		"adp": adp.New(nil), "bamboohr": bamboohr.New(nil), "carrier": carrier.New(nil), "checkr": checkr.New(nil),
		"everify": everify.New(nil), "google": google.New(nil), "jobboards": jobboards.New(nil),
		"linkedin": linkedin.New(nil), "microsoft": microsoft.New(nil), "oidc": oidc.New(nil),
		"paychex": paychex.New(nil), "recordkeeper": recordkeeper.New(nil), "ringcentral": ringcentral.New(nil),
		"s3": s3.New(nil), "sendgrid": sendgrid.New(nil), "ses": ses.New(nil), "slack": slack.New(nil),
		"smtp": smtp.New(nil), "twilio": twilio.New(nil), "workday": workday.New(nil), "zoom": zoom.New(nil),
	}
}

// TestCatalogShippedProviders checks that, with the SDK's providers
// installed, every one of the 18 integrations of §2 is served by at least
// one of them (webhooks, API access and Zapier by the SDK itself), that
// every type a shipped provider declares is a catalog key (no provider
// lands under "Other" for a misspelt type), and that every provider the
// catalog maps to a type declares that type.
func TestCatalogShippedProviders(t *testing.T) {
	t.Parallel()
	ps := shipped()
	m, _ := catalogManager(t, ps)
	types, err := m.Catalog(t.Context())
	require.NoError(t, err)
	keys := map[string]bool{}
	for _, e := range integration.DefaultCatalog().Entries() {
		keys[e.Key] = true
	}
	for _, ct := range types {
		require.True(t, keys[ct.Entry.Key], "type %q is not one of the catalog's 18", ct.Entry.Key)
		require.True(t, ct.Installed(), "%s: %s", ct.Entry.Name, ct.ProviderSummary())
		require.NotEqual(t, integration.NoProviderInstalled, ct.ProviderSummary(), ct.Entry.Name)
		for _, p := range ct.Providers {
			if p.Name == integration.ProviderInternal {
				continue
			}
			require.Contains(t, ps, p.Name, "%s maps %q, which the SDK does not ship", ct.Entry.Key, p.Name)
			require.NotNil(t, p.Info, p.Name)
			require.True(t, slices.Contains(p.Info.Types, ct.Entry.Key), "%s is mapped to %s but declares %v",
				p.Name, ct.Entry.Key, p.Info.Types)
		}
	}
	require.Len(t, types, 18, "no shipped provider adds a type of its own")
	for name, p := range ps {
		info, err := p.Info(t.Context())
		require.NoError(t, err, name)
		require.Equal(t, name, info.Name)
		for _, typ := range info.Types {
			require.True(t, keys[typ], "%s declares type %q, not a catalog key", name, typ)
		}
	}
}
