package admin_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/admin"
	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/webhook"
)

// TestNewRefusesWithoutAuthorizer: no authorizer, no admin.
func TestNewRefusesWithoutAuthorizer(t *testing.T) {
	t.Parallel()
	_, err := admin.New(&admin.Config{Store: openSQLite(t)})
	require.ErrorContains(t, err, "Authorize is required")
	_, err = admin.New(nil)
	require.Error(t, err)
}

// TestSmoke creates a webhook and an integration and reads every page.
func TestSmoke(t *testing.T) {
	t.Parallel()
	e := setup(t, backends[0])
	w := e.webhook(t, "Job Created - Zapier")
	in := e.smtpIntegration(t, "Transactional email", smtpServer(t))
	oi := e.oauthIntegration(t)
	id := in.ID.String()
	for _, p := range []string{"/", "/webhooks", "/webhooks/new", "/webhooks/" + w.ID.String(), "/debugger", "/deliveries",
		"/dlq", "/retry", "/oauth", "/oauth/new", "/oauth/" + oi.ID.String(), "/docs/webhooks", "/integrations", "/api-access", "/logs", "/replay",
		"/integrations/new", "/integrations/new?type=email", "/integrations/new?type=email&provider=smtp", "/integrations/new?type=calendar",
		"/integrations/" + id, "/integrations/" + id + "/health", "/logs?integration=" + id + "&level=error&range=1h&q=x"} {
		r := e.call(t, "GET", p, nil)
		require.Equal(t, http.StatusOK, r.status, "%s: %s", p, r.body)
		require.Contains(t, r.header.Get("Content-Security-Policy"), "script-src 'self'")
		require.NotContains(t, string(r.body), " style=", "%s: no inline style", p)
	}
	r := e.call(t, "GET", "/webhooks", nil)
	require.True(t, strings.Contains(string(r.body), "Job Created - Zapier"))
	r = e.call(t, "GET", "/integrations", nil)
	require.Contains(t, string(r.body), "Transactional email")
	r = e.call(t, "GET", "/logs?range=lately", nil)
	require.Equal(t, http.StatusBadRequest, r.status)
}

// TestPlaceholdersWithoutBackends: without the Manager and API access the
// integration, logs and API access screens say what is coming, the API
// answers 501, and OAuth cannot be configured without the Manager.
func TestPlaceholdersWithoutBackends(t *testing.T) {
	t.Parallel()
	store := openSQLite(t)
	d, err := webhook.New(store, nil)
	require.NoError(t, err)
	org := uuid.New()
	h, err := admin.New(&admin.Config{Store: store, Webhooks: d,
		Authorize: func(*http.Request) (*admin.Principal, error) {
			return &admin.Principal{OrganizationID: org, UserID: uuid.New()}, nil
		}})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	for _, p := range []string{"/admin/integrations", "/admin/integrations/new", "/admin/logs", "/admin/api-access"} {
		resp, err := http.Get(srv.URL + p)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, p)
		require.Contains(t, string(b), "Coming with the Manager", p)
	}
	for _, p := range []string{"/admin/api/integrations", "/admin/api/integrations/catalog", "/admin/api/api-access/tokens"} {
		resp, err := http.Get(srv.URL + p)
		require.NoError(t, err)
		_ = resp.Body.Close()
		require.Equal(t, http.StatusNotImplemented, resp.StatusCode, p)
	}
	_, err = admin.New(&admin.Config{Store: store, Webhooks: d, Authorize: func(*http.Request) (*admin.Principal, error) { return nil, nil },
		OAuth: &oauth.Connector{}, OAuthBaseURL: "https://example.com"})
	require.ErrorContains(t, err, "Integrations is required with Config.OAuth")
}
