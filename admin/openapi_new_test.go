package admin_test

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/admin"
	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers/smtp"
)

// callIntegrationOps calls every integration, log and alert operation,
// with successes and failures, for the OpenAPI check.
func callIntegrationOps(t *testing.T, rc *recorder) {
	e := rc.e
	ok := func(r *response, status int) {
		t.Helper()
		require.Equal(t, status, r.status, string(r.body))
	}
	srv := smtpServer(t)
	ok(rc.call(t, "GET", "/api/integrations/catalog", nil), 200)
	r := rc.call(t, "POST", "/api/integrations", map[string]any{"integrationType": integration.TypeEmail, "integrationProvider": smtp.Name,
		"integrationName": "Doc email", "settings": smtpSettings(srv), "checkInterval": 10,
		"retryPolicy": map[string]any{"maxRetries": 2, "retryStrategy": "linear", "maxDelay": 20}})
	ok(r, 201)
	var in admin.Integration
	r.decode(t, &in)
	iid := in.ID.String()
	ok(rc.call(t, "POST", "/api/integrations", map[string]any{}), 422)
	ok(rc.call(t, "POST", "/api/integrations/test", map[string]any{"integrationType": integration.TypeEmail,
		"integrationProvider": smtp.Name, "settings": smtpSettings(srv), "testEmailTo": "admin@intime.example"}), 200)
	ok(rc.call(t, "GET", "/api/integrations?type=email", nil), 200)
	e.raiseAlert(t, in.ID, "SMTP Email: Connection timeout", "Emails not sending")
	ok(rc.call(t, "GET", "/api/integrations/overview", nil), 200)
	ok(rc.call(t, "GET", "/api/integrations/"+iid, nil), 200)
	ok(rc.call(t, "GET", "/api/integrations/"+uuid.NewString(), nil), 404)
	ok(rc.call(t, "PATCH", "/api/integrations/"+iid, map[string]any{"integrationName": "Doc email 2", "settings": map[string]string{"fromName": "InTime"}}), 200)
	ok(rc.call(t, "POST", "/api/integrations/"+iid+"/test", map[string]any{}), 200)
	ok(rc.call(t, "POST", "/api/integrations/"+iid+"/test", map[string]any{"testEmailTo": "not an address"}), 422)
	ok(rc.call(t, "POST", "/api/integrations/"+iid+"/reconnect", nil), 200)
	ok(rc.call(t, "GET", "/api/integrations/"+iid+"/health", nil), 200)
	ok(rc.call(t, "GET", "/api/integrations/"+iid+"/health?window=forever", nil), 400)
	ok(rc.call(t, "POST", "/api/integrations/"+iid+"/secret/reveal", map[string]any{"field": smtp.FieldPassword}), 200)
	ok(rc.call(t, "POST", "/api/integrations/"+iid+"/secret/reveal", map[string]any{"field": smtp.FieldFromName}), 422)
	backup := e.smtpIntegration(t, "Doc backup", srv)
	ok(rc.call(t, "GET", "/api/integrations/"+iid+"/backup", nil), 200)
	ok(rc.call(t, "PUT", "/api/integrations/"+iid+"/backup", map[string]any{"backupIntegration": backup.ID}), 200)
	ok(rc.call(t, "PUT", "/api/integrations/"+iid+"/backup", map[string]any{"backupIntegration": uuid.New()}), 422)
	ok(rc.call(t, "PUT", "/api/integrations/"+iid+"/retry", map[string]any{"maxRetries": 4, "retryStrategy": "exponential", "maxDelay": 30}), 200)
	ok(rc.call(t, "DELETE", "/api/integrations/"+iid+"/retry", nil), 200)
	ok(rc.call(t, "POST", "/api/integrations/"+iid+"/troubleshoot", nil), 200)
	ok(rc.call(t, "POST", "/api/integrations/"+iid+"/credentials/rotate", map[string]any{"field": smtp.FieldPassword, "value": smtpPassword}), 200)
	ok(rc.call(t, "POST", "/api/integrations/"+iid+"/switch-backup", nil), 204)
	ok(rc.call(t, "POST", "/api/integrations/health-check", nil), 200)
	_, err := e.sendEmail(t, "Doc")
	require.NoError(t, err)
	e.logged(t, backup.ID, "Email sent successfully")
	ok(rc.call(t, "GET", "/api/logs?integration="+iid+"&range=24h&level=info,error", nil), 200)
	ok(rc.call(t, "GET", "/api/logs?level=loud", nil), 400)
	ok(rc.call(t, "GET", "/api/alerts", nil), 200)
	ok(rc.call(t, "POST", "/api/integrations/"+iid+"/logs/clear", nil), 200)
	ok(rc.call(t, "GET", "/api/alert-settings", nil), 200)
	ok(rc.call(t, "PUT", "/api/alert-settings", map[string]any{"emailTo": []string{"admin@intime.com"}, "slack": true, "slackChannel": "#alerts"}), 200)
	ok(rc.call(t, "PUT", "/api/alert-settings", map[string]any{"emailTo": []string{"nope"}}), 422)
	ok(rc.call(t, "POST", "/api/integrations/"+iid+"/manual-mode", map[string]any{"on": true}), 200)
	ok(rc.call(t, "POST", "/api/integrations/"+iid+"/manual-mode", map[string]any{"on": false}), 200)
	ok(rc.call(t, "GET", "/api/alerts?status=later", nil), 400)
	ok(rc.call(t, "POST", "/api/integrations/"+iid+"/disable", nil), 200)
	ok(rc.call(t, "POST", "/api/integrations/"+iid+"/enable", nil), 200)
	ok(rc.call(t, "DELETE", "/api/integrations/"+backup.ID.String(), nil), 204)
	ok(rc.call(t, "GET", "/api/oauth/targets", nil), 200)
}

// callAccessOps calls every API access operation.
func callAccessOps(t *testing.T, rc *recorder) {
	e := rc.e
	ok := func(r *response, status int) {
		t.Helper()
		require.Equal(t, status, r.status, string(r.body))
	}
	r := rc.call(t, "POST", "/api/api-access/tokens", map[string]any{"name": "Doc", "scopes": []string{"jobs:read"}})
	ok(r, 201)
	var c admin.APITokenCreated
	r.decode(t, &c)
	tid := c.Token.ID.String()
	ok(rc.call(t, "POST", "/api/api-access/tokens", map[string]any{}), 422)
	ok(rc.call(t, "GET", "/api/api-access/tokens", nil), 200)
	ok(rc.call(t, "GET", "/api/api-access/tokens/"+tid, nil), 200)
	require.Equal(t, http.StatusOK, e.apiGet(t, c.Secret, "/v1/jobs"))
	require.NoError(t, e.svc.Flush(e.ctx))
	ok(rc.call(t, "GET", "/api/api-access/usage", nil), 200)
	ok(rc.call(t, "GET", "/api/api-access/usage?token="+uuid.NewString(), nil), 404)
	ok(rc.call(t, "GET", "/api/api-access/report.csv?token="+tid, nil), 200)
	ok(rc.call(t, "PUT", "/api/api-access/tokens/"+tid+"/limits", map[string]any{"perMinute": 50, "perHour": 500}), 200)
	r = rc.call(t, "POST", "/api/api-access/tokens/"+tid+"/rotate", map[string]any{"grace": 60})
	ok(r, 200)
	r.decode(t, &c)
	ok(rc.call(t, "POST", "/api/api-access/tokens/"+tid+"/rotate", map[string]any{}), 409)
	ok(rc.call(t, "POST", "/api/api-access/tokens/"+c.Token.ID.String()+"/revoke", nil), 200)
}
