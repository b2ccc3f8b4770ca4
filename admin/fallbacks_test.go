package admin_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/admin"
	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/storage"
)

// TestManualModeAPI: with the Manager's own tools (the host set none),
// manual mode queues the integration's emails, the health screen counts
// them, and re-enabling tests it and replays them, each once (§9).
func TestManualModeAPI(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		srv := smtpServer(t)
		in := e.smtpIntegration(t, "Transactional email", srv)
		path := "/api/integrations/" + in.ID.String() + "/manual-mode"

		r := e.call(t, "POST", path, map[string]any{"on": true})
		require.Equal(t, http.StatusOK, r.status, string(r.body))
		var st admin.ManualModeState
		r.decode(t, &st)
		require.True(t, st.Integration.ManualMode)
		require.Zero(t, st.Queued)

		for _, s := range []string{"Interview 1", "Interview 2", "Interview 3"} {
			_, err := e.sendEmail(t, s)
			require.True(t, errors.Is(err, integration.ErrQueued), "queued, not sent: %v", err)
		}
		require.Empty(t, srv.Messages(), "nothing is sent in manual mode")
		page := e.call(t, "GET", "/integrations/"+in.ID.String()+"/health", nil)
		require.Equal(t, http.StatusOK, page.status)
		require.Contains(t, string(page.body), `id="manual-queued">3<`)

		r = e.call(t, "POST", path, map[string]any{"on": false})
		require.Equal(t, http.StatusOK, r.status, string(r.body))
		var off admin.ManualModeState
		r.decode(t, &off)
		require.False(t, off.Integration.ManualMode)
		require.Zero(t, off.Queued)
		msgs := srv.Messages()
		require.Len(t, msgs, 3, "each queued email is sent once")
		require.True(t, hasAudit(e, "integrationManualModeOn") && hasAudit(e, "integrationManualModeOff"))
	})
}

// TestLogClearAPI: Clear deletes the integration's entries and logs that
// the admin did, under the admin's name (§8).
func TestLogClearAPI(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		srv := smtpServer(t)
		in := e.smtpIntegration(t, "Transactional email", srv)
		_, err := e.sendEmail(t, "Interview")
		require.NoError(t, err)
		e.logged(t, in.ID, "Email sent successfully")

		r := e.call(t, "POST", "/api/integrations/"+in.ID.String()+"/logs/clear", nil)
		require.Equal(t, http.StatusOK, r.status, string(r.body))
		var res admin.LogClearResult
		r.decode(t, &res)
		require.Positive(t, res.Deleted)

		p, err := e.store.LogList(e.ctx, &storage.LogListParams{OrganizationID: e.org, IntegrationID: in.ID, Limit: 100})
		require.NoError(t, err)
		require.Len(t, p.Items, 1, "only the clearing itself is left")
		require.True(t, strings.HasPrefix(p.Items[0].Message, "Logs cleared by Ada Admin"), p.Items[0].Message)
		require.True(t, hasAudit(e, "integrationLogClear"))
	})
}

// hasAudit reports whether the audit log holds an action.
func hasAudit(e *env, action string) bool {
	for _, a := range e.auditLog() {
		if a.Action == action {
			return true
		}
	}
	return false
}

// TestAlertSettingsAPI: the §13 alert targets are validated, saved for the
// organization the alert engine reads, and shown on the retry screen.
func TestAlertSettingsAPI(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		r := e.call(t, "GET", "/api/alert-settings", nil)
		require.Equal(t, http.StatusOK, r.status, string(r.body))
		var s admin.AlertSettings
		r.decode(t, &s)
		require.Empty(t, s.EmailTo)

		r = e.call(t, "PUT", "/api/alert-settings", map[string]any{"emailTo": []string{"not an address"}, "slackChannel": "alerts"})
		require.Equal(t, http.StatusUnprocessableEntity, r.status)
		fields := r.apiError(t).Fields
		require.Equal(t, "Please enter valid email addresses, separated by commas", fields[admin.FieldAlertEmailTo])
		require.Equal(t, "Please enter a channel such as #alerts", fields[admin.FieldSlackChannel])

		r = e.call(t, "PUT", "/api/alert-settings", map[string]any{"emailTo": []string{"admin@intime.com"}, "slack": true, "slackChannel": "#alerts"})
		require.Equal(t, http.StatusOK, r.status, string(r.body))
		got, err := e.store.AlertSettingsGet(e.ctx, e.org)
		require.NoError(t, err)
		require.Equal(t, []string{"admin@intime.com"}, got.EmailTo)
		require.True(t, got.Slack)
		require.Equal(t, "#alerts", got.SlackChannel)

		page := e.call(t, "GET", "/retry", nil)
		require.Contains(t, string(page.body), `value="admin@intime.com"`)
		require.True(t, hasAudit(e, "alertSettingsSet"))
	})
}
