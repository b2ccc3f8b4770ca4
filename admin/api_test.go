package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/admin"
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

// TestSmoke creates a webhook and reads the main pages.
func TestSmoke(t *testing.T) {
	t.Parallel()
	e := setup(t, backends[0])
	w := e.webhook(t, "Job Created - Zapier")
	for _, p := range []string{"/", "/webhooks", "/webhooks/new", "/webhooks/" + w.ID.String(), "/debugger", "/deliveries",
		"/dlq", "/retry", "/oauth", "/oauth/new", "/docs/webhooks", "/integrations", "/api-access", "/logs", "/replay"} {
		r := e.call(t, "GET", p, nil)
		require.Equal(t, http.StatusOK, r.status, "%s: %s", p, r.body)
		require.Contains(t, r.header.Get("Content-Security-Policy"), "script-src 'self'")
	}
	r := e.call(t, "GET", "/webhooks", nil)
	require.True(t, strings.Contains(string(r.body), "Job Created - Zapier"))
	_ = uuid.Nil
	_ = webhook.EventJobCreated
}
