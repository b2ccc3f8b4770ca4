package admin_test

import (
	"encoding/csv"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/admin"
	"github.com/intimeos/integrations/apiaccess"
	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers/smtp"
	"github.com/intimeos/integrations/storage"
)

// TestIntegrationAPI walks the integration calls as a program would: the
// §17 messages under their fields, a create that is checked at once, a
// masked password that keeps its value, Test Connection and Send Test
// Email against a real SMTP server, logs, health, disable and enable, the
// backup, and delete.
func TestIntegrationAPI(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		srv := smtpServer(t)
		bad := smtpSettings(srv)
		bad[smtp.FieldHost], bad[smtp.FieldFromEmail], bad[smtp.FieldRateLimitHour] = "", "noreply@", "50"
		r := e.call(t, "POST", "/api/integrations", map[string]any{"integrationType": integration.TypeEmail,
			"integrationProvider": smtp.Name, "settings": bad})
		require.Equal(t, http.StatusUnprocessableEntity, r.status, string(r.body))
		fields := r.apiError(t).Fields
		require.Equal(t, "SMTP host is required", fields[smtp.FieldHost])
		require.Equal(t, "Please enter a valid email address", fields[smtp.FieldFromEmail])
		require.Equal(t, "Minimum hourly limit is 100", fields[smtp.FieldRateLimitHour])
		require.Equal(t, integration.MsgNameRequired, fields[integration.FieldName])
		r = e.call(t, "GET", "/api/integrations", nil)
		require.JSONEq(t, `[]`, string(r.body), "nothing saved")

		in := e.smtpIntegration(t, "Transactional email", srv)
		require.Equal(t, "active", in.Status, "checked at once (ADMIN-INT-002)")
		require.True(t, in.Check.OK)
		require.Len(t, in.Check.Stages, 4)
		require.NotEqual(t, smtpPassword, in.Settings[smtp.FieldPassword])
		require.True(t, strings.HasPrefix(in.Settings[smtp.FieldPassword], "••••"))
		id := in.ID.String()

		// A masked password sent back keeps the stored one: the re-check
		// authenticates.
		r = e.call(t, "PATCH", "/api/integrations/"+id, map[string]any{"integrationName": "Email", "settings": map[string]string{
			smtp.FieldPassword: in.Settings[smtp.FieldPassword], smtp.FieldFromName: "InTime"}, "testFirst": true})
		require.Equal(t, http.StatusOK, r.status, string(r.body))
		var got admin.Integration
		r.decode(t, &got)
		require.Equal(t, "Email", got.Name)
		require.Equal(t, "active", got.Status)
		// A wrong password with Test & Save saves nothing.
		r = e.call(t, "PATCH", "/api/integrations/"+id, map[string]any{"integrationName": "Broken",
			"settings": map[string]string{smtp.FieldPassword: "wrong"}, "testFirst": true})
		require.Equal(t, http.StatusUnprocessableEntity, r.status, string(r.body))
		require.Equal(t, admin.CodeTestFailed, r.apiError(t).Code)
		require.Contains(t, r.apiError(t).Message, "Authentication failed. Please check credentials.")
		r = e.call(t, "GET", "/api/integrations/"+id, nil)
		r.decode(t, &got)
		require.Equal(t, "Email", got.Name, "nothing saved")

		// Test Connection and Send Test Email (ADMIN-INT-003).
		var test admin.ConnectionTest
		r = e.call(t, "POST", "/api/integrations/"+id+"/test", map[string]any{})
		r.decode(t, &test)
		require.True(t, test.OK)
		require.Equal(t, integration.MsgTestPassed, test.Message)
		r = e.call(t, "POST", "/api/integrations/"+id+"/test", map[string]any{"testEmailTo": "admin@intime.example"})
		r.decode(t, &test)
		require.Equal(t, "Test email sent to admin@intime.example", test.Message)
		require.NotEmpty(t, test.MessageID)
		require.Len(t, srv.Messages(), 1)
		require.Equal(t, []string{"admin@intime.example"}, srv.Messages()[0].To)

		// Logs and health, after a call through the call path.
		_, err := e.sendEmail(t, "Interview Invitation")
		require.NoError(t, err)
		e.logged(t, in.ID, "Email sent successfully")
		var logs admin.Page[*admin.LogEntry]
		r = e.call(t, "GET", "/api/logs?integration="+id+"&q=SENT+SUCC&level=info", nil)
		r.decode(t, &logs)
		require.NotEmpty(t, logs.Items)
		for _, l := range logs.Items {
			require.Equal(t, "info", l.Level)
			require.Contains(t, strings.ToLower(l.Message), "sent succ")
		}
		r = e.call(t, "GET", "/api/logs?integration="+id+"&level=error", nil)
		require.JSONEq(t, `{"items":[]}`, string(r.body))
		var h admin.IntegrationHealth
		r = e.call(t, "GET", "/api/integrations/"+id+"/health", nil)
		r.decode(t, &h)
		require.GreaterOrEqual(t, h.Metrics.Sent, int64(1))
		require.Equal(t, integration.UptimeTarget, h.Metrics.UptimeTarget)
		require.Len(t, h.Metrics.Hourly, 24, "the current hour and the 23 before")
		require.NotNil(t, h.Usage)
		require.Contains(t, h.Usage.Label, "of daily limit")

		// Disable refuses calls (ADMIN-INT-015); enable checks again.
		r = e.call(t, "POST", "/api/integrations/"+id+"/disable", nil)
		r.decode(t, &got)
		require.Equal(t, "disabled", got.Status)
		_, err = e.sendEmail(t, "Refused")
		require.ErrorIs(t, err, integration.ErrDisabled)
		r = e.call(t, "POST", "/api/integrations/"+id+"/enable", nil)
		r.decode(t, &got)
		require.Equal(t, "active", got.Status)

		// The backup of the type.
		backup := e.smtpIntegration(t, "Backup email", srv)
		r = e.call(t, "PUT", "/api/integrations/"+id+"/backup", map[string]any{"backupIntegration": backup.ID})
		require.Equal(t, http.StatusOK, r.status, string(r.body))
		var rt admin.IntegrationRoute
		r.decode(t, &rt)
		require.Equal(t, in.ID, *rt.PrimaryID)
		require.Equal(t, backup.ID, *rt.BackupID)

		// The overview counts them and lists the open alerts.
		e.raiseAlert(t, in.ID, "SMTP Email: Connection timeout (last 15 min)", "Emails not sending")
		var o admin.IntegrationOverview
		r = e.call(t, "GET", "/api/integrations/overview", nil)
		r.decode(t, &o)
		require.Equal(t, 2, o.Total)
		require.Equal(t, 2, o.Active)
		require.Equal(t, 100, o.ActivePercent)
		require.Len(t, o.Alerts, 1)
		require.Equal(t, "Emails not sending", o.Alerts[0].Impact)
		require.Contains(t, o.Unconfigured, integration.TypeSMS)

		r = e.call(t, "DELETE", "/api/integrations/"+backup.ID.String(), nil)
		require.Equal(t, http.StatusNoContent, r.status)
		r = e.call(t, "GET", "/api/integrations/"+backup.ID.String(), nil)
		require.Equal(t, http.StatusNotFound, r.status)
	})
}

// TestAPIAccessAPI: a token is shown once and works on the host's API,
// its use shows in the usage figures and the CSV report, a rotation
// refuses the old one (ADMIN-INT-014), a revocation the new one.
func TestAPIAccessAPI(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		r := e.call(t, "POST", "/api/api-access/tokens", map[string]any{"name": ""})
		require.Equal(t, http.StatusUnprocessableEntity, r.status)
		require.Equal(t, apiaccess.MsgNameRequired, r.apiError(t).Fields[apiaccess.FieldName])

		r = e.call(t, "POST", "/api/api-access/tokens", map[string]any{"name": "Zapier"})
		require.Equal(t, http.StatusCreated, r.status, string(r.body))
		var c admin.APITokenCreated
		r.decode(t, &c)
		require.NoError(t, apiaccess.ParseToken(c.Secret))
		require.Equal(t, http.StatusOK, e.apiGet(t, c.Secret, "/v1/jobs"))
		require.Equal(t, http.StatusOK, e.apiGet(t, c.Secret, "/v1/jobs"))

		r = e.call(t, "GET", "/api/api-access/tokens", nil)
		require.NotContains(t, string(r.body), c.Secret, "listed masked")
		require.Contains(t, string(r.body), c.Token.Masked)

		// The middleware counts an answer once it is written: flush until
		// both are in.
		var u admin.APIUsage
		waitFor(t, "the usage of both calls", func() bool {
			require.NoError(t, e.svc.Flush(e.ctx))
			e.call(t, "GET", "/api/api-access/usage", nil).decode(t, &u)
			return u.Total == 2
		})
		require.EqualValues(t, 2, u.Success)
		require.EqualValues(t, 100, u.SuccessPct)
		require.Equal(t, "GET /v1/jobs", u.TopEndpoints[0].Route)
		require.EqualValues(t, 2, u.TopEndpoints[0].Count)

		r = e.call(t, "GET", "/api/api-access/report.csv", nil)
		require.Equal(t, http.StatusOK, r.status)
		require.Contains(t, r.header.Get("Content-Type"), "text/csv")
		rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
		require.NoError(t, err)
		require.Equal(t, apiaccess.CSVHeader, rows[0])
		require.NotContains(t, string(r.body), c.Secret)

		r = e.call(t, "POST", "/api/api-access/tokens/"+c.Token.ID.String()+"/rotate", map[string]any{})
		require.Equal(t, http.StatusOK, r.status, string(r.body))
		var rot admin.APITokenCreated
		r.decode(t, &rot)
		require.NotEqual(t, c.Secret, rot.Secret)
		require.Equal(t, http.StatusUnauthorized, e.apiGet(t, c.Secret, "/v1/jobs"), "the old token is refused")
		require.Equal(t, http.StatusOK, e.apiGet(t, rot.Secret, "/v1/jobs"))

		r = e.call(t, "POST", "/api/api-access/tokens/"+rot.Token.ID.String()+"/revoke", nil)
		require.Equal(t, http.StatusOK, r.status)
		require.Equal(t, http.StatusUnauthorized, e.apiGet(t, rot.Secret, "/v1/jobs"))
	})
}

// TestNewRoutesRefuseOtherSites: the integration and API access changes
// are refused from another site, as every change is.
func TestNewRoutesRefuseOtherSites(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		srv := smtpServer(t)
		in := e.smtpIntegration(t, "Ours", srv)
		id := in.ID.String()
		cases := []struct {
			method, path string
			body         any
		}{
			{"POST", "/api/integrations", map[string]any{"integrationType": "email", "integrationProvider": "smtp",
				"integrationName": "Evil", "settings": smtpSettings(srv)}},
			{"PATCH", "/api/integrations/" + id, map[string]any{"integrationName": "Evil"}},
			{"POST", "/api/integrations/" + id + "/disable", nil},
			{"POST", "/api/integrations/" + id + "/secret/reveal", map[string]any{"field": smtp.FieldPassword}},
			{"DELETE", "/api/integrations/" + id, nil},
			{"POST", "/api/api-access/tokens", map[string]any{"name": "Evil"}},
		}
		for _, c := range cases {
			for _, hdr := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"X-CSRF-Token", ""}} {
				r := e.call(t, c.method, c.path, c.body, hdr...)
				require.Equal(t, http.StatusForbidden, r.status, "%s %s %v", c.method, c.path, hdr)
				require.NotContains(t, string(r.body), smtpPassword)
			}
		}
		for _, path := range []string{"/integrations/" + id + "/disable", "/integrations", "/api-access/tokens"} {
			status, _ := e.postCrossSite(t, path)
			require.Equal(t, http.StatusForbidden, status, path)
		}
		r := e.call(t, "GET", "/api/integrations/"+id, nil)
		var got admin.Integration
		r.decode(t, &got)
		require.Equal(t, "Ours", got.Name)
		require.Equal(t, "active", got.Status, "not disabled")
		r = e.call(t, "GET", "/api/api-access/tokens", nil)
		require.JSONEq(t, `[]`, string(r.body))
		list, err := e.mgr.IntegrationList(e.ctx, e.org, "")
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.False(t, errors.Is(err, storage.ErrNotFound))
	})
}
