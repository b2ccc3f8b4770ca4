package admin_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/admin"
	"github.com/intimeos/integrations/webhook"
)

// TestDebugger is the §12 debugger as an admin uses it: pick a webhook and
// an event (the sample payload follows), edit the payload, send, read the
// request headers and the response.
func TestDebugger(t *testing.T) {
	t.Parallel()
	e := setup(t, backends[0])
	w := e.webhook(t, "Job Created - Zapier", webhook.EventJobCreated, webhook.EventJobUpdated)
	e.webhook(t, "Other")
	ctx := tab(t)
	do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/debugger?webhook="+w.ID.String()), chromedp.WaitVisible(chromedp.ID("payload")))
	click(t, ctx, `input[name=event][value="job.updated"]`)
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("payload").value.includes('"event": "job.updated"')`,
		chromedp.WithPollingTimeout(10*time.Second)))
	require.NoError(t, err, "the sample follows the chosen event")
	payload, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("payload")))
	require.NoError(t, err)
	var env map[string]any
	require.NoError(t, json.Unmarshal([]byte(payload), &env))
	env["data"] = map[string]any{"job_id": "JOB-EDITED", "bill_rate": 85.0}
	edited, err := json.MarshalIndent(env, "", "  ")
	require.NoError(t, err)
	do(t, ctx, clear("payload"), chromedp.SendKeys(chromedp.ID("payload"), string(edited)))
	clickAndLoad(t, ctx, `button[value=send]`)
	waitText(t, ctx, ".result-status", "✓ 200 OK")
	headers := text(t, ctx, "#send-result .headers")
	require.Contains(t, headers, "X-Intime-Signature")
	require.Contains(t, headers, "X-Intime-Event")
	require.Contains(t, headers, "job.updated")
	require.Contains(t, text(t, ctx, "#response-body"), `{"status":"received"}`)
	screenshot(t, ctx, "sent")

	reqs := e.rcv.Requests()
	require.Len(t, reqs, 1)
	require.Equal(t, webhook.EventJobUpdated, reqs[0].Event)
	require.Contains(t, string(reqs[0].Body), `"job_id":"JOB-EDITED"`)

	// Invalid JSON is refused inline.
	do(t, ctx, clear("payload"), chromedp.SendKeys(chromedp.ID("payload"), "{oops"))
	clickAndLoad(t, ctx, `button[value=send]`)
	waitText(t, ctx, "main", "The payload must be valid JSON")
	require.Len(t, e.rcv.Requests(), 1, "nothing sent")
}

// TestLiveUpdates: an open page shows what happens meanwhile without a
// reload (polling its live parts).
func TestLiveUpdates(t *testing.T) {
	t.Parallel()
	e := setup(t, backends[0])
	e.failingWebhook(t, "Flaky")
	ctx := tab(t)
	do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/dlq"), chromedp.WaitVisible(chromedp.ID("dlq-count")))
	require.Contains(t, text(t, ctx, "#dlq-count"), "Current DLQ items: 0")
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`window.marker = 1`))
	e.rcv.SetDefault(webhookFail(500))
	e.publish(t, `{"live":true}`)
	waitText(t, ctx, "#dlq-count", "Current DLQ items: 1")
	still, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.marker === 1`))
	require.NoError(t, err)
	require.True(t, still, "the same page, not a reload")
	require.Contains(t, text(t, ctx, "[data-list] tbody"), "Webhook endpoint returned error: 500")
}

// TestScreens opens every screen with data in it, checks its heading and
// saves a screenshot of each.
func TestScreens(t *testing.T) {
	t.Parallel()
	e := setup(t, backends[0])
	w := e.failingWebhook(t, "Job Created - Zapier")
	e.webhook(t, "Candidate Submitted", webhook.EventSubmissionCreated)
	e.rcv.SetDefault(webhookFail(502))
	e.publish(t, `{"job_id":"JOB-2024-1234","title":"Senior Java Developer","status":"active","bill_rate":85.00}`)
	waitFor(t, "a dead letter", func() bool { return e.dlqLen(t) == 1 })
	e.rcv.SetDefault(webhookOK())
	e.publish(t, `{"job_id":"JOB-2024-1235"}`)
	oi := e.oauthIntegration(t)
	srv := smtpServer(t)
	in := e.smtpIntegration(t, "Transactional email", srv)
	backup := e.smtpIntegration(t, "Backup email", srv)
	r := e.call(t, "PUT", "/api/integrations/"+in.ID.String()+"/backup", map[string]any{"backupIntegration": backup.ID})
	require.Equal(t, 200, r.status, string(r.body))
	for i := range 3 {
		_, err := e.sendEmail(t, "Interview Invitation "+string(rune('A'+i)))
		require.NoError(t, err)
	}
	e.raiseAlert(t, in.ID, "SMTP Email: Connection timeout (last 15 min)", "Emails not sending")
	e.logged(t, in.ID, "Email sent successfully")
	tok := e.call(t, "POST", "/api/api-access/tokens", map[string]any{"name": "Zapier"})
	require.Equal(t, 201, tok.status, string(tok.body))
	var created admin.APITokenCreated
	tok.decode(t, &created)
	e.apiGet(t, created.Secret, "/v1/jobs")
	id := in.ID.String()

	ctx := tab(t)
	screens := []struct{ path, heading string }{
		{"/", "Integrations dashboard"},
		{"/integrations", "Integrations"},
		{"/webhooks", "Webhooks"},
		{"/webhooks/new", "New webhook"},
		{"/webhooks/" + w.ID.String(), "Webhook: Job Created - Zapier"},
		{"/debugger?webhook=" + w.ID.String(), "Webhook debugger"},
		{"/deliveries", "Delivery history"},
		{"/replay", "Replay failed deliveries"},
		{"/dlq", "Dead letter queue"},
		{"/retry", "Retry configuration"},
		{"/oauth", "OAuth connections"},
		{"/oauth/new?provider=google", "OAuth integration setup"},
		{"/oauth/" + oi.ID.String(), "Test calendar"},
		{"/api-access", "API Access & Monitoring"},
		{"/logs", "Integration Logs"},
		{"/integrations/new", "Add integration"},
		{"/integrations/new?type=email", "Add integration"},
		{"/integrations/new?type=email&provider=smtp", "Add integration"},
		{"/integrations/new?type=calendar", "Add integration"},
		{"/integrations/" + id, "Email (SMTP) - SMTP: Transactional email"},
		{"/integrations/" + id + "/health", "Integration Health - Transactional email (SMTP)"},
		{"/logs?integration=" + id, "Integration Logs - Transactional email (SMTP)"},
		{"/docs/webhooks", "Webhook documentation"},
	}
	for _, s := range screens {
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin"+s.path), chromedp.WaitVisible(chromedp.CSS("main h1")))
		require.Contains(t, text(t, ctx, "main h1"), s.heading, s.path)
		screenshot(t, ctx, s.heading+" "+s.path)
	}
	do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/"))
	waitText(t, ctx, "main", "Webhooks: 1 deliveries in the dead letter queue")
	clickAndLoad(t, ctx, `tr[data-status="dlq"] a[data-open]`)
	require.Contains(t, text(t, ctx, "main h1"), "Delivery: job.created")
	screenshot(t, ctx, "delivery")
}
