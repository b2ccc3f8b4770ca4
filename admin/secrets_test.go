package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/admin"
	"github.com/intimeos/integrations/storage"
)

// TestSecretsNeverInClear: no answer but the explicit Show (audited) and
// the one that issued it carries a webhook secret, an OAuth client secret
// or a token in clear, and no log line does.
func TestSecretsNeverInClear(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		r := e.call(t, "POST", "/api/webhooks", map[string]any{"webhookName": "Secretive", "webhookUrl": e.rcv.URL + "/s",
			"events": []string{"job.created"}, "sendTest": true})
		require.Equal(t, http.StatusCreated, r.status, string(r.body))
		var created admin.WebhookCreated
		r.decode(t, &created)
		whSecret := created.Webhook.Secret
		require.Len(t, whSecret, 32, "shown once, on creation")
		require.True(t, created.Test.OK)
		id := created.Webhook.ID.String()
		e.publish(t, `{"job_id":"J-1"}`)
		waitFor(t, "the delivery", func() bool { return e.rcv.Count() >= 2 })

		oi := e.oauthIntegration(t)
		require.Equal(t, "••••••••", oi.Settings.ClientSecret[:len("••••••••")], "masked in the create answer")

		var bodies []string
		for _, p := range []string{"/api/webhooks", "/api/webhooks/" + id, "/api/deliveries", "/api/oauth/integrations",
			"/api/oauth/integrations/" + oi.ID.String(), "/webhooks", "/webhooks/" + id, "/deliveries", "/debugger", "/oauth/" + oi.ID.String(), "/"} {
			r := e.call(t, "GET", p, nil)
			require.Equal(t, http.StatusOK, r.status, p)
			bodies = append(bodies, string(r.body))
		}
		page, err := e.d.DeliveryList(e.ctx, &storage.DeliveryListParams{OrganizationID: e.org})
		require.NoError(t, err)
		for _, d := range page.Items {
			r := e.call(t, "GET", "/api/deliveries/"+d.ID.String(), nil)
			bodies = append(bodies, string(r.body))
			r = e.call(t, "GET", "/deliveries/"+d.ID.String(), nil)
			bodies = append(bodies, string(r.body))
		}
		r = e.call(t, "POST", "/api/webhooks/"+id+"/test", map[string]any{"event": "job.created"})
		bodies = append(bodies, string(r.body))
		r = e.call(t, "POST", "/api/webhooks/"+id+"/disable", nil)
		bodies = append(bodies, string(r.body))
		for _, b := range bodies {
			require.NotContains(t, b, whSecret)
			require.NotContains(t, b, opClientSecret)
		}

		// Show: the secret, once the audit log has it.
		r = e.call(t, "POST", "/api/webhooks/"+id+"/secret/reveal", nil)
		require.Equal(t, http.StatusOK, r.status)
		require.JSONEq(t, `{"secret":"`+whSecret+`"}`, string(r.body))
		r = e.call(t, "POST", "/api/oauth/integrations/"+oi.ID.String()+"/secret/reveal", nil)
		require.JSONEq(t, `{"secret":"`+opClientSecret+`"}`, string(r.body))
		var shown []string
		for _, a := range e.auditLog() {
			if a.Action == admin.AuditSecretShown {
				shown = append(shown, a.Target+":"+a.Detail)
				require.Equal(t, e.org, a.OrganizationID)
				require.Equal(t, e.user, a.UserID)
			}
		}
		require.Equal(t, []string{"webhook:webhookSecret", "oauth:clientSecret"}, shown)

		// No audit record, no secret.
		e.mu.Lock()
		e.auditFails = true
		e.mu.Unlock()
		r = e.call(t, "POST", "/api/webhooks/"+id+"/secret/reveal", nil)
		require.Equal(t, http.StatusServiceUnavailable, r.status)
		require.NotContains(t, string(r.body), whSecret)

		// A masked secret sent back keeps the stored one.
		r = e.call(t, "PUT", "/api/oauth/integrations/"+oi.ID.String(), map[string]any{"oauthProvider": "custom", "clientId": opClientID,
			"clientSecret": oi.Settings.ClientSecret, "scopes": []string{"openid"}, "issuerUrl": e.op.URL})
		require.Equal(t, http.StatusOK, r.status, string(r.body))
		in, err := e.store.IntegrationGet(e.ctx, e.org, oi.ID)
		require.NoError(t, err)
		require.Contains(t, string(in.Config), opClientSecret)

		logs := e.logs.String()
		require.Contains(t, logs, `"msg":"admin audit","action":"secret.shown"`, "the reveals were logged")
		require.NotContains(t, logs, whSecret)
		require.NotContains(t, logs, opClientSecret)
		require.False(t, strings.Contains(logs, "whsec_"))
	})
}
