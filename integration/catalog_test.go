package integration_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/sendgrid"
	"github.com/intimeos/integrations/providers/smtp"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage/sqlite"
)

// calendarPlugin is a provider the catalog does not map: loaded as a
// plugin, its Info adds it to the calendar type.
type calendarPlugin struct {
	providers.UnimplementedProvider
}

func (calendarPlugin) Info(context.Context) (*providers.Info, error) {
	return &providers.Info{Name: "calendar-plugin", DisplayName: "Google Calendar", Types: []string{"calendar", "crm"},
		Version: "0.1.0", Fields: []providers.Field{{Name: "calendarId", Label: "Calendar", Type: providers.FieldText, Required: true}}}, nil
}

func catalogManager(t *testing.T, ps map[string]providers.Provider) (*integration.Manager, *providers.Host) {
	t.Helper()
	k, err := secret.GenerateKey("test")
	require.NoError(t, err)
	ring, err := secret.NewKeyring(k)
	require.NoError(t, err)
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "intime.db"), &sqlite.Config{Sealer: ring})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	h, err := providers.NewHost(&providers.Config{PingInterval: 100 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, h.Close()) })
	for name, p := range ps {
		require.NoError(t, h.Register(name, p))
	}
	m, err := integration.New(&integration.Config{Store: s, Providers: h})
	require.NoError(t, err)
	return m, h
}

func TestCatalogDefault(t *testing.T) {
	t.Parallel()
	entries := integration.DefaultCatalog().Entries()
	require.Len(t, entries, 18)
	perCategory := map[integration.Category][]string{}
	for _, e := range entries {
		perCategory[e.Category] = append(perCategory[e.Category], e.Name)
		require.NotEmpty(t, e.Purpose, e.Key)
		require.NotEmpty(t, e.Vendors, e.Key)
	}
	require.Equal(t, map[integration.Category][]string{
		integration.CategoryCore:          {"Email (SMTP)", "Calendar", "Document Storage", "Background Checks", "Job Boards"},
		integration.CategoryHRPayroll:     {"HRIS", "Payroll", "Benefits", "401k", "E-Verify"},
		integration.CategoryCommunication: {"SMS", "Video", "Slack", "Phone"},
		integration.CategoryDeveloper:     {"API Access", "Webhooks", "Zapier", "SSO"},
	}, perCategory)
	var optional []string
	for _, e := range entries {
		if e.Availability == integration.Optional {
			optional = append(optional, e.Key)
		}
	}
	require.Equal(t, []string{integration.TypeSlack, integration.TypePhone, integration.TypeSSO}, optional)
	require.Equal(t, "HR & Payroll Integrations", integration.CategoryHRPayroll.Title())

	email, ok := integration.DefaultCatalog().Entry(integration.TypeEmail)
	require.True(t, ok)
	require.Equal(t, []string{"sendgrid", "ses", "smtp"}, email.Providers)
}

func TestCatalogInstalledProviders(t *testing.T) {
	t.Parallel()
	m, _ := catalogManager(t, map[string]providers.Provider{"sendgrid": sendgrid.New(nil), "smtp": smtp.New(nil)})
	types, err := m.Catalog(t.Context())
	require.NoError(t, err)
	byKey := map[string]integration.CatalogType{}
	for _, ct := range types {
		byKey[ct.Entry.Key] = ct
	}
	require.Len(t, byKey, 18)

	email := byKey[integration.TypeEmail]
	require.True(t, email.Installed())
	require.Equal(t, "SendGrid / SMTP", email.ProviderSummary(), "ses is mapped but not installed")
	ses, ok := email.Provider("ses")
	require.True(t, ok)
	require.False(t, ses.Installed)
	require.Nil(t, ses.Info)
	require.Equal(t, "AWS SES", ses.DisplayName)
	sg, _ := email.Provider("sendgrid")
	require.True(t, sg.Installed)
	require.Equal(t, sendgrid.Fields, sg.Info.Fields, "the form's fields come from the provider")

	for _, key := range []string{integration.TypeCalendar, integration.TypeBackgroundChecks, integration.TypeSSO} {
		ct := byKey[key]
		require.False(t, ct.Installed(), key)
		require.Equal(t, integration.NoProviderInstalled, ct.ProviderSummary(), key)
	}
	require.Equal(t, "InTime Webhooks", byKey[integration.TypeWebhooks].ProviderSummary())
	require.Equal(t, "InTime API", byKey[integration.TypeAPIAccess].ProviderSummary())
}

func TestCatalogPluginAddsItsTypes(t *testing.T) {
	t.Parallel()
	m, h := catalogManager(t, nil)
	_, err := h.LoadSelf(t.Context(), "calendar-plugin", nil)
	require.NoError(t, err)
	calendar, err := m.CatalogType(t.Context(), integration.TypeCalendar)
	require.NoError(t, err)
	require.True(t, calendar.Installed())
	require.Equal(t, "Google Calendar", calendar.ProviderSummary())
	p, _ := calendar.Provider("calendar-plugin")
	require.Equal(t, "calendarId", p.Info.Fields[0].Name, "the plugin's Info crossed the boundary")

	crm, err := m.CatalogType(t.Context(), "crm")
	require.NoError(t, err, "a type only a provider names is listed")
	require.Equal(t, integration.CategoryOther, crm.Entry.Category)
	_, err = m.CatalogType(t.Context(), "nope")
	var ute *integration.UnknownTypeError
	require.ErrorAs(t, err, &ute)
}

func TestCatalogHostAdditions(t *testing.T) {
	t.Parallel()
	c := integration.DefaultCatalog()
	require.NoError(t, c.AddProvider(integration.TypeSMS, "acme-sms"))
	require.NoError(t, c.AddProvider(integration.TypeSMS, "acme-sms"))
	require.NoError(t, c.AddProvider(integration.TypeSMS, "twilio"))
	sms, _ := c.Entry(integration.TypeSMS)
	require.Equal(t, []string{"twilio", "ringcentral", "acme-sms"}, sms.Providers,
		"the host's provider after the SDK's; mapping twice changes nothing")
	require.Error(t, c.AddEntry(integration.Entry{Key: integration.TypeSMS}), "a key already in the catalog")
	require.NoError(t, c.AddEntry(integration.Entry{Key: "crm", Name: "CRM", Category: integration.CategoryCore}))
	crm, ok := c.Entry("crm")
	require.True(t, ok)
	require.Equal(t, integration.Optional, crm.Availability)
	require.Len(t, c.Entries(), 19)

	sms.Providers[0] = "changed"
	again, _ := c.Entry(integration.TypeSMS)
	require.Equal(t, "twilio", again.Providers[0], "entries are copies")
}
