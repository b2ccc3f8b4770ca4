package admin_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/emailtest"
)

// TestADMININT008RefreshOAuthToken: a connected account's access token
// stops working (revoked at the provider, as an expired one does); the
// system's next call refreshes it with no action of the admin, and the
// screens show the refresh and an active integration.
func TestADMININT008RefreshOAuthToken(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		oi := e.oauthIntegration(t)
		ctx := tab(t)
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/oauth/"+oi.ID.String()), chromedp.WaitVisible(chromedp.ID("oauth-status")))
		clickAndLoad(t, ctx, `button[data-shortcut="t"]`) // Connect
		do(t, ctx, chromedp.WaitVisible(chromedp.ID("username")))
		do(t, ctx, chromedp.SendKeys(chromedp.ID("username"), "test-user2"), chromedp.SendKeys(chromedp.ID("password"), "verysecure"))
		clickAndLoad(t, ctx, `button[type=submit]`)
		waitText(t, ctx, "#oauth-status", "Connected")
		require.NotContains(t, pageText(ctx), "Last refreshed")
		before, err := e.store.OAuthTokenGetByIntegration(e.ctx, e.org, oi.ID)
		require.NoError(t, err)

		e.revokeAccess(t, before.AccessToken)
		res, err := e.mgr.Dispatch(e.ctx, e.org, integration.TypeCalendar, &providers.Operation{Name: whoamiName})
		require.NoError(t, err, "the call succeeds: the token was refreshed on the way")
		require.Contains(t, string(res.Payload), `"sub"`)
		after, err := e.store.OAuthTokenGetByIntegration(e.ctx, e.org, oi.ID)
		require.NoError(t, err)
		require.NotEqual(t, before.AccessToken, after.AccessToken, "a new access token")

		do(t, ctx, chromedp.Reload())
		waitText(t, ctx, "#oauth-status", "Connected")
		waitText(t, ctx, "main", "Last refreshed")
		screenshot(t, ctx, "refreshed")
		require.NotContains(t, pageText(ctx), after.AccessToken)
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/integrations/"+oi.ID.String()+"/health"), chromedp.WaitVisible(chromedp.ID("health-status")))
		clickAndLoad(t, ctx, `form[action$="/test"] button`)
		waitText(t, ctx, "#integration-status", "ACTIVE")
	})
}

// TestADMININT010HandleRateLimit: the provider answers 429 with
// Retry-After; the system waits that long, retries, and the call
// succeeds; the integration's log shows the call took two attempts.
func TestADMININT010HandleRateLimit(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		sg := startSendGridAPI(t, 1)
		in := e.sendGridIntegration(t, "SendGrid email", sg.srv.URL)
		require.Equal(t, "active", in.Status, in.ErrorMessage)
		_, err := e.sendEmail(t, "Interview Invitation")
		require.NoError(t, err, "retried after the 429")
		sends, accepted := sg.sends()
		require.Len(t, sends, 2)
		require.Equal(t, 1, accepted)
		require.GreaterOrEqual(t, sends[1].Sub(sends[0]), time.Second, "it waited for Retry-After")
		e.logged(t, in.ID, "Email sent successfully")

		ctx := tab(t)
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/integrations/"+in.ID.String()), chromedp.WaitVisible(chromedp.CSS("main h1")))
		clickAndLoad(t, ctx, `main h1 a[data-shortcut="l"]`)
		waitText(t, ctx, "#log-entries", "Email sent successfully")
		require.Contains(t, text(t, ctx, "#log-entries [data-row]"), "→ attempts: 2")
		screenshot(t, ctx, "retried")
	})
}

// TestADMININT011Failover: the admin picks the backup on the configure
// screen; the primary then fails (503), and the system switches to the
// backup on its own: the email is delivered, and the logs show the switch.
func TestADMININT011Failover(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		sg := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: sendGridKey, FailStatus: http.StatusServiceUnavailable})
		primary := e.sendGridIntegration(t, "SendGrid email", sg.URL)
		srv := smtpServer(t)
		backup := e.smtpIntegration(t, "Backup SMTP", srv)

		ctx := tab(t)
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/integrations/"+primary.ID.String()), chromedp.WaitVisible(chromedp.ID("backupIntegration")))
		do(t, ctx, chromedp.SetValue(chromedp.ID("backupIntegration"), backup.ID.String()))
		clickAndLoad(t, ctx, `form[action$="/backup"] button`)
		waitText(t, ctx, ".flash", "Backup saved")
		require.Contains(t, text(t, ctx, "#route"), "go to SendGrid email (SendGrid) and fail over to Backup SMTP (SMTP)")
		screenshot(t, ctx, "backup")

		_, err := e.sendEmail(t, "Interview Invitation")
		require.NoError(t, err, "delivered through the backup")
		require.Len(t, srv.Messages(), 1)
		require.GreaterOrEqual(t, sg.Attempts(), 1, "the primary was tried first")
		e.logged(t, primary.ID, "Switched to SMTP")

		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/logs?integration="+primary.ID.String()), chromedp.WaitVisible(chromedp.ID("log-entries")))
		waitText(t, ctx, "#log-entries", "Switched to SMTP")
		screenshot(t, ctx, "primary-log")
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/logs?integration="+backup.ID.String()), chromedp.WaitVisible(chromedp.ID("log-entries")))
		waitText(t, ctx, "#log-entries", "Email sent successfully")
		require.Contains(t, text(t, ctx, "#log-entries"), "→ failover_from: SendGrid")
	})
}

// TestADMININT014RotateAPIKey: on the API access screen the admin creates
// a token (shown once), then rotates it and confirms: a new key is shown
// once, the old one is refused and the new one works. On an integration,
// Regenerate asks the host's rotator, which tests the new credential
// before dropping the old one.
func TestADMININT014RotateAPIKey(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		ctx := tab(t)
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/api-access"), chromedp.WaitVisible(chromedp.ID("token-form")))
		require.Contains(t, text(t, ctx, "#throttled"), "No rate limit violations in last 24 hours")
		do(t, ctx, chromedp.SendKeys(chromedp.ID("name"), "Zapier"))
		clickAndLoad(t, ctx, `#token-form button[type=submit]`)
		first := text(t, ctx, "#token-value")
		require.Equal(t, http.StatusOK, e.apiGet(t, first, "/v1/jobs"))
		screenshot(t, ctx, "created")

		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/api-access"), chromedp.WaitVisible(chromedp.ID("tokens")))
		require.NotContains(t, pageText(ctx), first, "shown once")
		waitText(t, ctx, "#usage-total", "1")
		require.Contains(t, text(t, ctx, "#top-endpoints"), "GET /v1/jobs - 1 requests")
		click(t, ctx, `tr[data-token="Zapier"] form[action$="/rotate"] button`)
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#confirm[open]")))
		clickAndLoad(t, ctx, `[data-confirm-ok]`)
		second := text(t, ctx, "#token-value")
		require.NotEqual(t, first, second)
		require.Contains(t, text(t, ctx, "#new-token"), "the old one is refused from now on")
		screenshot(t, ctx, "rotated")
		require.Equal(t, http.StatusUnauthorized, e.apiGet(t, first, "/v1/jobs"), "old key invalidated")
		require.Equal(t, http.StatusOK, e.apiGet(t, second, "/v1/jobs"), "new key works")

		// Regenerate on an integration, through the host's rotator: a new
		// password the server refuses changes nothing.
		e2 := setupWith(t, backends[0], envOpts{tools: true})
		in := e2.smtpIntegration(t, "Transactional email", smtpServer(t))
		ctx2 := tab(t)
		do(t, ctx2, chromedp.Navigate(e2.host.URL+"/admin/integrations/"+in.ID.String()), chromedp.WaitVisible(chromedp.ID("rotate-smtpPassword")))
		click(t, ctx2, `a[href="#rotate-smtpPassword"]`)
		do(t, ctx2, chromedp.SendKeys(chromedp.ID("rotate-value-smtpPassword"), "not-the-password"),
			chromedp.Click(chromedp.CSS(`#rotate-smtpPassword button`)), chromedp.WaitVisible(chromedp.CSS("#confirm[open]")))
		clickAndLoad(t, ctx2, `[data-confirm-ok]`)
		waitText(t, ctx2, "#form-message", "Authentication failed. Please check credentials.")
		screenshot(t, ctx2, "regenerate-refused")
		_, err := e2.sendEmail(t, "Still works")
		require.NoError(t, err, "the old credential was kept")
	})
}

// TestIntegrationShortcuts: on the integration list j and k move and
// Enter opens; on an integration t tests, r reconnects and l shows its
// logs (§14).
func TestIntegrationShortcuts(t *testing.T) {
	t.Parallel()
	e := setup(t, backends[0])
	srv := smtpServer(t)
	first := e.smtpIntegration(t, "Alpha email", srv)
	e.smtpIntegration(t, "Beta email", srv)
	base := e.host.URL + "/admin"
	ctx := tab(t)
	do(t, ctx, chromedp.Navigate(base+"/integrations"), chromedp.WaitVisible(chromedp.CSS("#integration-list [data-row]")))
	selected := func() string {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("[data-row].selected") || {dataset: {}}).dataset.integration || ""`))
		require.NoError(t, err)
		return s
	}
	do(t, ctx, chromedp.KeyEvent("j"), chromedp.KeyEvent("j"))
	require.Equal(t, "Beta email", selected())
	do(t, ctx, chromedp.KeyEvent("k"))
	require.Equal(t, "Alpha email", selected())
	screenshot(t, ctx, "selected")
	keyAndLoad(t, ctx, kb.Enter)
	require.Equal(t, base+"/integrations/"+first.ID.String(), location(t, ctx))

	keyAndLoad(t, ctx, "t")
	waitText(t, ctx, "#test-message", "✓ Connection successful")
	screenshot(t, ctx, "t-tested")
	keyAndLoad(t, ctx, "r")
	waitText(t, ctx, ".flash", "Reconnected: ACTIVE.")
	keyAndLoad(t, ctx, "l")
	require.Equal(t, base+"/logs?integration="+first.ID.String(), location(t, ctx))
	waitText(t, ctx, "main h1", "Integration Logs - Alpha email (SMTP)")

	do(t, ctx, chromedp.Navigate(base+"/integrations"), chromedp.WaitVisible(chromedp.CSS("#integration-list [data-row]")))
	do(t, ctx, chromedp.KeyEvent("/"))
	require.Equal(t, "q", active(t, ctx))
	do(t, ctx, chromedp.SendKeys(chromedp.ID("q"), "beta"))
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#integration-list [data-row]:not([hidden])").length`))
	require.NoError(t, err)
	require.Equal(t, 1, n)
}
