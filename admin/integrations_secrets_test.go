package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/admin"
	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers/smtp"
	"github.com/intimeos/integrations/storage"
)

// TestIntegrationSecretsNeverInClear: no answer of the integration, logs,
// OAuth and API access calls and pages carries an SMTP password, an OAuth
// client secret or an API token in clear, except the audited Show and the
// answer that issued a token; a password typed into a failed form is not
// sent back; no log line and no integration log entry holds one.
func TestIntegrationSecretsNeverInClear(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		srv := smtpServer(t)
		in := e.smtpIntegration(t, "Secretive email", srv)
		id := in.ID.String()
		oi := e.oauthIntegration(t)
		r := e.call(t, "POST", "/api/api-access/tokens", map[string]any{"name": "Secretive"})
		require.Equal(t, http.StatusCreated, r.status)
		var tok admin.APITokenCreated
		r.decode(t, &tok)
		require.Equal(t, http.StatusOK, e.apiGet(t, tok.Secret, "/v1/jobs"))
		_, err := e.sendEmail(t, "Hello")
		require.NoError(t, err)
		e.logged(t, in.ID, "Email sent successfully")
		const typed = "typed-wrong-password-123456"

		var bodies []string
		keep := func(r *response) { bodies = append(bodies, string(r.body)) }
		for _, p := range []string{"/api/integrations", "/api/integrations/" + id, "/api/integrations/overview",
			"/api/integrations/" + id + "/health", "/api/logs", "/api/oauth/integrations/" + oi.ID.String(), "/api/api-access/tokens",
			"/api/api-access/usage", "/api/integrations/" + oi.ID.String(), "/", "/integrations", "/integrations/" + id,
			"/integrations/" + id + "/health", "/logs", "/logs?integration=" + id, "/api-access", "/oauth/" + oi.ID.String(),
			"/integrations/" + oi.ID.String()} {
			r := e.call(t, "GET", p, nil)
			require.Equal(t, http.StatusOK, r.status, "%s: %s", p, r.body)
			keep(r)
		}
		keep(e.call(t, "POST", "/api/integrations/"+id+"/test", map[string]any{"testEmailTo": "admin@intime.example"}))
		keep(e.call(t, "POST", "/api/integrations/"+id+"/reconnect", nil))
		keep(e.call(t, "PATCH", "/api/integrations/"+id, map[string]any{"settings": map[string]string{smtp.FieldPassword: typed}, "testFirst": true}))
		keep(e.call(t, "POST", "/api/integrations/test", map[string]any{"integrationType": integration.TypeEmail,
			"integrationProvider": smtp.Name, "settings": map[string]string{smtp.FieldHost: srv.Host, smtp.FieldPassword: typed}}))
		status, page := e.postForm(t, "/integrations/"+id, url.Values{"integrationName": {"Secretive email"},
			"setting." + smtp.FieldPassword: {typed}, "setting." + smtp.FieldHost: {""}, "action": {"save"}})
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, page, "SMTP host is required")
		bodies = append(bodies, page)
		status, page = e.postForm(t, "/integrations", url.Values{"integrationType": {"email"}, "integrationProvider": {"smtp"},
			"setting." + smtp.FieldPassword: {typed}, "action": {"test"}})
		require.Equal(t, http.StatusUnprocessableEntity, status)
		bodies = append(bodies, page)
		for _, b := range bodies {
			for _, s := range []string{smtpPassword, opClientSecret, tok.Secret, typed} {
				require.NotContains(t, b, s)
			}
		}

		// Show, audited.
		r = e.call(t, "POST", "/api/integrations/"+id+"/secret/reveal", map[string]any{"field": smtp.FieldPassword})
		require.JSONEq(t, `{"secret":"`+smtpPassword+`"}`, string(r.body))
		status, page = e.postForm(t, "/integrations/"+id+"/secret/reveal", url.Values{"field": {smtp.FieldPassword}})
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, page, `id="revealed-smtpPassword">`+smtpPassword+`<`)
		r = e.call(t, "POST", "/api/integrations/"+oi.ID.String()+"/secret/reveal", map[string]any{"field": "clientSecret"})
		require.JSONEq(t, `{"secret":"`+opClientSecret+`"}`, string(r.body), "the OAuth client secret is a credential too")
		var shown []string
		for _, a := range e.auditLog() {
			if a.Action == admin.AuditSecretShown {
				shown = append(shown, a.Target+":"+a.Detail)
			}
		}
		require.Equal(t, []string{"integration:smtpPassword", "integration:smtpPassword", "integration:clientSecret"}, shown)
		e.mu.Lock()
		e.auditFails = true
		e.mu.Unlock()
		r = e.call(t, "POST", "/api/integrations/"+id+"/secret/reveal", map[string]any{"field": smtp.FieldPassword})
		require.Equal(t, http.StatusServiceUnavailable, r.status, "no audit record, no secret")
		require.NotContains(t, string(r.body), smtpPassword)

		logs := e.logs.String()
		entries, err := e.store.LogList(e.ctx, &storage.LogListParams{OrganizationID: e.org, Limit: storage.LimitMax})
		require.NoError(t, err)
		var text strings.Builder
		for _, l := range entries.Items {
			text.WriteString(l.Message + string(l.Details))
		}
		for _, s := range []string{smtpPassword, opClientSecret, tok.Secret, typed} {
			require.NotContains(t, logs, s)
			require.NotContains(t, text.String(), s)
		}
	})
}
