package admin_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/admin"
	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/providers/smtp"
	"github.com/intimeos/integrations/storage"
)

// deadSMTP adds an SMTP integration whose server is down (nothing listens
// on its address): it is in error from its first check.
func (e *env) deadSMTP(t *testing.T, name string) *admin.Integration {
	t.Helper()
	s := smtpSettings(&emailtest.SMTPServer{Host: emailtest.FreeLoopback().String()})
	r := e.call(t, "POST", "/api/integrations", map[string]any{"integrationType": integration.TypeEmail,
		"integrationProvider": smtp.Name, "integrationName": name, "settings": s})
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	var in admin.Integration
	r.decode(t, &in)
	require.Equal(t, "error", in.Status, in.ErrorMessage)
	return &in
}

// TestADMININT001Dashboard: navigate to the dashboard; it shows every
// integration with its provider, status and last sync, the counts with
// their share, and the critical alerts with View Logs, Reconnect and
// Troubleshoot, which lead where they say.
func TestADMININT001Dashboard(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		srv := smtpServer(t)
		ok := e.smtpIntegration(t, "Transactional email", srv)
		down := e.deadSMTP(t, "Newsletter email")
		off := e.smtpIntegration(t, "Old relay", srv)
		r := e.call(t, "POST", "/api/integrations/"+off.ID.String()+"/disable", nil)
		require.Equal(t, http.StatusOK, r.status)
		_, err := e.sendEmail(t, "Interview Invitation")
		require.NoError(t, err)
		e.logged(t, ok.ID, "Email sent successfully")
		e.raiseAlert(t, down.ID, "SMTP Email: Connection refused (last 15 min)", "Emails not sending")

		ctx := tab(t)
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/"), chromedp.WaitVisible(chromedp.ID("health-tiles")))
		require.Equal(t, "3", text(t, ctx, "#tile-total"))
		require.Equal(t, "1 (33%)", text(t, ctx, "#tile-active"))
		require.Equal(t, "1 (33%)", text(t, ctx, "#tile-errors"))
		require.Equal(t, "1 (33%)", text(t, ctx, "#tile-disabled"))
		row := func(name string) string { return text(t, ctx, `#integration-list tr[data-integration="`+name+`"]`) }
		require.Contains(t, row("Newsletter email"), "ERROR (Last minute)")
		require.Contains(t, row("Newsletter email"), "SMTP")
		require.Contains(t, row("Transactional email"), "ACTIVE")
		require.Regexp(t, `(just now|sec ago)`, row("Transactional email"), "last sync")
		require.Contains(t, row("Old relay"), "DISABLED")
		rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#integration-list tr[data-row]")).map(r => r.dataset.status)`))
		require.NoError(t, err)
		require.Equal(t, []string{"error", "active", "disabled"}, rows, "errors first")
		alert := text(t, ctx, "#alerts [data-alert]")
		require.Contains(t, alert, "SMTP Email: Connection refused (last 15 min)")
		require.Contains(t, alert, "Impact: Emails not sending")
		screenshot(t, ctx, "dashboard")

		clickAndLoad(t, ctx, `#alerts [data-alert] a[href*="/logs?integration="]`)
		waitText(t, ctx, "main h1", "Integration Logs - Newsletter email (SMTP)")
		require.Contains(t, text(t, ctx, "#log-entries"), "[ERROR]")
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/"), chromedp.WaitVisible(chromedp.ID("alerts")))
		clickAndLoad(t, ctx, `#alerts [data-alert] a[href$="#troubleshooting"]`)
		waitText(t, ctx, "main h1", "Integration Health - Newsletter email (SMTP)")
		require.Contains(t, text(t, ctx, "#health-status"), "ERROR")
		// The Manager's troubleshooter serves without any wiring: run it.
		clickAndLoad(t, ctx, `#troubleshooting form[action$="/troubleshoot"] button`)
		waitText(t, ctx, "#diagnosis", "Connection to SMTP")
		ts := text(t, ctx, "#troubleshooting")
		require.Contains(t, ts, "network/firewall issue")
		require.Contains(t, ts, "Is port 587 blocked?")
		screenshot(t, ctx, "troubleshoot")
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/"), chromedp.WaitVisible(chromedp.ID("alerts")))
		clickAndLoad(t, ctx, `#alerts [data-alert] form[action$="/reconnect"] button`)
		waitText(t, ctx, ".flash", "Reconnect failed")
		require.Equal(t, e.host.URL+"/admin/", location(t, ctx), "back on the dashboard")
	})
}

// TestADMININT002AddIntegration: click "+ Add Integration", pick a type
// (types without a provider say so) and a provider, fill the form: the §17
// messages show inline; then Test & Save: the integration is added and its
// health check runs.
func TestADMININT002AddIntegration(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		srv := smtpServer(t)
		ctx := tab(t)
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/"), chromedp.WaitVisible(chromedp.CSS("main h1")))
		clickAndLoad(t, ctx, `main h1 a[href$="/integrations/new"]`)
		require.Contains(t, text(t, ctx, `[data-type="document_storage"]`), integration.NoProviderInstalled)
		screenshot(t, ctx, "catalog")
		clickAndLoad(t, ctx, `[data-type="email"] a`)
		require.Contains(t, text(t, ctx, `[data-provider="ses"]`), "not installed")
		clickAndLoad(t, ctx, `[data-provider="smtp"] a`)
		do(t, ctx, chromedp.WaitVisible(chromedp.ID("smtpHost")))
		screenshot(t, ctx, "form")

		// Wrong first.
		do(t, ctx,
			chromedp.SendKeys(chromedp.ID("integrationName"), "Transactional email"),
			chromedp.SetValue(chromedp.ID("provider"), smtp.PresetCustom),
			chromedp.SendKeys(chromedp.ID("smtpUsername"), smtpUser),
			chromedp.SendKeys(chromedp.ID("smtpPassword"), smtpPassword),
			chromedp.SendKeys(chromedp.ID("fromEmail"), "noreply@"),
			chromedp.SendKeys(chromedp.ID("fromName"), "InTime Staffing"),
			clear("rateLimitHour"), chromedp.SendKeys(chromedp.ID("rateLimitHour"), "50"))
		clickAndLoad(t, ctx, `button[value=save]`)
		require.Equal(t, "SMTP host is required", text(t, ctx, "#smtpHost-error"))
		require.Equal(t, "Please enter a valid email address", text(t, ctx, "#fromEmail-error"))
		require.Equal(t, "Minimum hourly limit is 100", text(t, ctx, "#rateLimitHour-error"))
		pw, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("smtpPassword")))
		require.NoError(t, err)
		require.Empty(t, pw, "the password typed is not sent back")
		screenshot(t, ctx, "errors")
		list, err := e.mgr.IntegrationList(e.ctx, e.org, "")
		require.NoError(t, err)
		require.Empty(t, list, "nothing saved")

		// Then right.
		do(t, ctx,
			chromedp.SendKeys(chromedp.ID("smtpHost"), srv.Host),
			chromedp.SendKeys(chromedp.ID("smtpPassword"), smtpPassword),
			clear("fromEmail"), chromedp.SendKeys(chromedp.ID("fromEmail"), "noreply@intime.example"),
			clear("rateLimitHour"), chromedp.SendKeys(chromedp.ID("rateLimitHour"), "1000"),
			chromedp.SetValue(chromedp.ID("smtpRootCA"), srv.CAPEM))
		clickAndLoad(t, ctx, `button[value=testsave]`)
		waitText(t, ctx, ".flash", "Integration added. Health check: ACTIVE.")
		require.Equal(t, "ACTIVE", text(t, ctx, "#integration-status"))
		require.Contains(t, text(t, ctx, "main h1"), "Email (SMTP) - SMTP: Transactional email")
		require.NotContains(t, pageText(ctx), smtpPassword)
		screenshot(t, ctx, "added")

		list, err = e.mgr.IntegrationList(e.ctx, e.org, "")
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Equal(t, storage.IntegrationActive, list[0].Status)
		require.NotNil(t, list[0].LastHealthCheck, "the health check ran")
		e.logged(t, list[0].ID, "Health check passed")
	})
}

// TestADMININT003TestSMTPConnection: open the email integration, click
// Test Connection: success with its stages; Send Test Email: the message
// arrives at the SMTP server and the page says so.
func TestADMININT003TestSMTPConnection(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		srv := smtpServer(t)
		e.smtpIntegration(t, "Transactional email", srv)
		ctx := tab(t)
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/integrations"), chromedp.WaitVisible(chromedp.ID("integration-list")))
		clickAndLoad(t, ctx, `#integration-list a[data-open]`)
		clickAndLoad(t, ctx, `#test-form button[value=test]`)
		waitText(t, ctx, "#test-message", "✓ Connection successful")
		stages := text(t, ctx, "#test-result .stages")
		for _, s := range []string{"DNS passed", "TCP passed", "TLS passed", "AUTH passed"} {
			require.Contains(t, stages, s)
		}
		screenshot(t, ctx, "tested")
		do(t, ctx, clear("testEmailTo"), chromedp.SendKeys(chromedp.ID("testEmailTo"), "admin@intime.example"))
		clickAndLoad(t, ctx, `#test-form button[value=sendtest]`)
		waitText(t, ctx, "#test-message", "✓ Test email sent to admin@intime.example")
		screenshot(t, ctx, "test-email")
		msgs := srv.Messages()
		require.Len(t, msgs, 1)
		require.Equal(t, []string{"admin@intime.example"}, msgs[0].To)
		require.True(t, msgs[0].TLS, "over STARTTLS")

		do(t, ctx, clear("testEmailTo"), chromedp.SendKeys(chromedp.ID("testEmailTo"), "admin@"))
		clickAndLoad(t, ctx, `#test-form button[value=sendtest]`)
		waitText(t, ctx, "#test-message", integration.MsgTestEmailInvalid)
		require.Len(t, srv.Messages(), 1, "nothing sent")
	})
}

// TestADMININT009ViewLogs: open the integration, click View Logs: its
// entries with their details, filtered by level and text; new entries
// appear while the page is open (auto-refresh), and stop when it is off.
func TestADMININT009ViewLogs(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		in := e.smtpIntegration(t, "Transactional email", smtpServer(t))
		_, err := e.sendEmail(t, "Interview Invitation")
		require.NoError(t, err)
		e.logged(t, in.ID, "Email sent successfully")

		ctx := tab(t)
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/integrations/"+in.ID.String()), chromedp.WaitVisible(chromedp.CSS("main h1")))
		clickAndLoad(t, ctx, `main h1 a[data-shortcut="l"]`)
		waitText(t, ctx, "main h1", "Integration Logs - Transactional email (SMTP)")
		entries := text(t, ctx, "#log-entries")
		require.Contains(t, entries, "[INFO] Email sent successfully")
		require.Contains(t, entries, "→ subject: Interview Invitation")
		require.Contains(t, entries, "→ to: [\"candidate@example.com\"]")
		require.Contains(t, entries, "[INFO] Health check passed")
		screenshot(t, ctx, "logs")

		do(t, ctx, chromedp.SetValue(chromedp.ID("f-level"), "error"))
		clickAndLoad(t, ctx, `#log-filters button[type=submit]`)
		waitText(t, ctx, "#log-entries", "No log entries match.")
		do(t, ctx, chromedp.SetValue(chromedp.ID("f-level"), ""), chromedp.SendKeys(chromedp.ID("q"), "sent succ"))
		clickAndLoad(t, ctx, `#log-filters button[type=submit]`)
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#log-entries [data-row]").length`))
		require.NoError(t, err)
		require.Equal(t, 1, n, "the search keeps the send")
		screenshot(t, ctx, "filtered")

		// Auto-refresh: a new send shows up without a reload.
		do(t, ctx, chromedp.Evaluate[chromedp.Void](`window.marker = 1`))
		_, err = e.sendEmail(t, "Second Interview")
		require.NoError(t, err)
		waitText(t, ctx, "#log-entries", "Second Interview")
		still, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.marker === 1`))
		require.NoError(t, err)
		require.True(t, still, "the same page")
		click(t, ctx, "#auto-refresh")
		_, err = e.sendEmail(t, "Third Interview")
		require.NoError(t, err)
		waitFor(t, "the third send's entry", func() bool {
			p, err := e.store.LogList(e.ctx, &storage.LogListParams{OrganizationID: e.org, IntegrationID: in.ID, Search: "sent"})
			return err == nil && len(p.Items) == 3
		})
		time.Sleep(3 * time.Second) // three polling intervals: a poll would have shown it
		require.NotContains(t, text(t, ctx, "#log-entries"), "Third Interview", "paused")
		click(t, ctx, "#auto-refresh")
		waitText(t, ctx, "#log-entries", "Third Interview")
		// Export and Clear come with the Manager: the export link keeps the
		// filter, and Clear leaves only the entry that says who cleared.
		href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('a[href*="/logs/export"][href*="format=csv"]').getAttribute("href")`))
		require.NoError(t, err)
		require.Contains(t, href, "integration="+in.ID.String())
		click(t, ctx, `form[action$="/logs/clear"] button`)
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#confirm[open]")))
		require.Contains(t, text(t, ctx, "#confirm-text"), "Clear this integration's log?")
		clickAndLoad(t, ctx, `[data-confirm-ok]`)
		waitText(t, ctx, ".flash", "Log cleared.")
		waitText(t, ctx, "#log-entries", "Logs cleared by Ada Admin")
		screenshot(t, ctx, "cleared")
	})
}

// TestADMININT015DisableIntegration: open the integration, click Disable,
// confirm: its calls are refused and the status says DISABLED; Enable
// brings it back.
func TestADMININT015DisableIntegration(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		in := e.smtpIntegration(t, "Transactional email", smtpServer(t))
		ctx := tab(t)
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/integrations/"+in.ID.String()), chromedp.WaitVisible(chromedp.CSS("main h1")))
		click(t, ctx, `form[action$="/disable"] button`)
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#confirm[open]")))
		require.Contains(t, text(t, ctx, "#confirm-text"), "Disable this integration?")
		screenshot(t, ctx, "confirm")
		clickAndLoad(t, ctx, `[data-confirm-ok]`)
		waitText(t, ctx, ".flash", "Integration disabled.")
		require.Equal(t, "DISABLED", text(t, ctx, "#integration-status"))
		screenshot(t, ctx, "disabled")
		_, err := e.sendEmail(t, "Refused")
		require.ErrorIs(t, err, integration.ErrDisabled)
		got, err := e.mgr.IntegrationGet(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.Equal(t, storage.IntegrationDisabled, got.Status)

		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/"), chromedp.WaitVisible(chromedp.ID("tile-disabled")))
		require.Equal(t, "1 (100%)", text(t, ctx, "#tile-disabled"))
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/integrations/"+in.ID.String()), chromedp.WaitVisible(chromedp.CSS("main h1")))
		clickAndLoad(t, ctx, `form[action$="/enable"] button`)
		waitText(t, ctx, ".flash", "Integration enabled and checked.")
		require.Equal(t, "ACTIVE", text(t, ctx, "#integration-status"))
		_, err = e.sendEmail(t, "Accepted")
		require.NoError(t, err)
	})
}
