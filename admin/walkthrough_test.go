package admin_test

import (
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// TestADMININT004ConfigureWebhook: click "+ New Webhook", enter the URL,
// select events, save: the webhook is created and a test payload sent. The
// §17 messages show inline on the way.
func TestADMININT004ConfigureWebhook(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		ctx := tab(t)
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/webhooks"), chromedp.WaitVisible(chromedp.CSS("main h1")))
		screenshot(t, ctx, "webhooks-empty")
		clickAndLoad(t, ctx, `a[href$="/webhooks/new"]`)

		// Wrong first: plain HTTP and no event.
		do(t, ctx,
			chromedp.SendKeys(chromedp.ID("webhookName"), "Job Created - Zapier"),
			chromedp.SendKeys(chromedp.ID("webhookUrl"), "http://hooks.example.com/job"))
		clickAndLoad(t, ctx, `button.primary[type=submit]`)
		require.Equal(t, webhook.MsgURLNotHTTPS, text(t, ctx, "#webhookUrl-error"))
		require.Equal(t, webhook.MsgEventsRequired, text(t, ctx, "#events-error"))
		screenshot(t, ctx, "form-errors")

		// Then right.
		do(t, ctx,
			clear("webhookUrl"),
			chromedp.SendKeys(chromedp.ID("webhookUrl"), e.rcv.URL+"/hooks/job-created"),
			chromedp.Click(chromedp.CSS(`input[name=events][value="job.created"]`)))
		clickAndLoad(t, ctx, `button.primary[type=submit]`)
		waitText(t, ctx, "#test-outcome", "Test payload sent: ✓ 200")
		secret := text(t, ctx, "#secret-value")
		require.Len(t, secret, 32)
		screenshot(t, ctx, "created")

		reqs := e.rcv.Requests()
		require.Len(t, reqs, 1, "one test payload")
		require.Equal(t, webhook.EventJobCreated, reqs[0].Event)
		require.NoError(t, webhook.Verify(secret, reqs[0].Header, reqs[0].Body, nil), "signed with the secret shown")

		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/webhooks"))
		waitText(t, ctx, "[data-list]", "Job Created - Zapier")
		require.Contains(t, text(t, ctx, "[data-list] .card"), "Events: job.created")
		screenshot(t, ctx, "list")
	})
}

// TestADMININT005And006DebugAndReplay: open the webhook, view its history,
// click the failed delivery and see its request and response (005); click
// Replay and the event is sent again with the same payload (006).
func TestADMININT005And006DebugAndReplay(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		w := e.failingWebhook(t, "Candidate Submitted")
		e.rcv.SetDefault(webhooktest.Fail(500))
		event := e.publish(t, `{"job_id":"JOB-2024-1234","title":"Senior Java Developer"}`)
		waitFor(t, "the delivery to fail into the DLQ", func() bool { return e.dlqLen(t) == 1 })

		ctx := tab(t)
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/webhooks"))
		clickAndLoad(t, ctx, `[data-list] a[data-open]`)
		waitText(t, ctx, "main h1", "Candidate Submitted")
		clickAndLoad(t, ctx, `a[data-shortcut="l"]`)
		waitText(t, ctx, "[data-list]", "job.created")
		screenshot(t, ctx, "history")
		clickAndLoad(t, ctx, `tr[data-status="failed"] a[data-open]`)
		waitText(t, ctx, "#response-status", "HTTP 500")
		require.Contains(t, text(t, ctx, "#response-body"), "failing on purpose")
		require.Contains(t, text(t, ctx, "#request-headers"), "X-Intime-Signature")
		require.Contains(t, text(t, ctx, "#request-body"), "JOB-2024-1234")
		require.Contains(t, text(t, ctx, "#delivery-error"), "Webhook endpoint returned error: 500")
		screenshot(t, ctx, "failed-delivery")

		// 006: the endpoint is fixed; replay.
		e.rcv.SetDefault(webhooktest.OK())
		before := e.rcv.Count()
		clickAndLoad(t, ctx, `form[action$="/replay"] button`)
		waitText(t, ctx, ".flash", "Replayed")
		waitFor(t, "the replay to arrive", func() bool { return e.rcv.Count() > before })
		got := e.rcv.Requests()[before]
		require.Equal(t, event.String(), got.DeliveryID, "same event ID")
		var first, again webhook.Payload
		require.NoError(t, json.Unmarshal(e.rcv.Requests()[0].Body, &first))
		require.NoError(t, json.Unmarshal(got.Body, &again))
		require.JSONEq(t, string(first.Data), string(again.Data), "same payload")
		require.Contains(t, string(again.Data), "JOB-2024-1234")
		waitFor(t, "the replay to be recorded", func() bool {
			p, err := e.d.DeliveryList(e.ctx, &storage.DeliveryListParams{OrganizationID: e.org, WebhookID: w.ID, Statuses: []storage.DeliveryStatus{storage.DeliverySuccess}})
			return err == nil && len(p.Items) == 1
		})
		do(t, ctx, chromedp.Reload())
		waitText(t, ctx, "#delivery-status", "success")
		screenshot(t, ctx, "replayed")
		require.Zero(t, e.dlqLen(t), "the replay took the event out of the DLQ")
	})
}

// TestADMININT007OAuthFlow: set up an OAuth provider in the form, click
// Connect, authorize at the provider, return: tokens stored, integration
// active. Then disconnect.
func TestADMININT007OAuthFlow(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		ctx := tab(t)
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/oauth/new"), chromedp.WaitVisible(chromedp.CSS("#clientId")))
		clickAndLoad(t, ctx, `input[name=oauthProvider][value=custom]`)
		do(t, ctx, chromedp.WaitVisible(chromedp.ID("issuerUrl")))
		clickAndLoad(t, ctx, `form button.primary`)
		require.Equal(t, "Client ID is required", text(t, ctx, "#clientId ~ .field-error"))
		screenshot(t, ctx, "setup-errors")
		do(t, ctx,
			chromedp.SendKeys(chromedp.ID("name"), "Team calendar"),
			chromedp.SendKeys(chromedp.ID("clientId"), opClientID),
			chromedp.SendKeys(chromedp.ID("clientSecret"), opClientSecret),
			chromedp.SendKeys(chromedp.ID("issuerUrl"), e.op.URL),
			chromedp.SendKeys(chromedp.ID("scope-extra"), "openid"))
		clickAndLoad(t, ctx, `form button.primary`)
		waitText(t, ctx, "#oauth-status", "Not connected")
		require.NotContains(t, pageText(ctx), opClientSecret, "the secret is masked")
		screenshot(t, ctx, "saved")

		clickAndLoad(t, ctx, `button[data-shortcut="t"]`) // Connect
		do(t, ctx, chromedp.WaitVisible(chromedp.ID("username")))
		do(t, ctx, chromedp.SendKeys(chromedp.ID("username"), "test-user2"), chromedp.SendKeys(chromedp.ID("password"), "verysecure"))
		clickAndLoad(t, ctx, `button[type=submit]`)
		waitText(t, ctx, "#oauth-status", "Connected")
		require.Contains(t, text(t, ctx, ".flash"), "Connected")
		screenshot(t, ctx, "connected")

		ints, err := e.store.IntegrationList(e.ctx, &storage.IntegrationListParams{OrganizationID: e.org})
		require.NoError(t, err)
		require.Len(t, ints.Items, 1)
		require.Equal(t, storage.IntegrationActive, ints.Items[0].Status)
		tok, err := e.store.OAuthTokenGetByIntegration(e.ctx, e.org, ints.Items[0].ID)
		require.NoError(t, err)
		require.NotEmpty(t, tok.AccessToken)
		require.NotContains(t, pageText(ctx), tok.AccessToken)

		// Disconnect, through the confirmation dialog.
		click(t, ctx, `form[action$="/disconnect"] button`)
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#confirm[open]")))
		screenshot(t, ctx, "confirm")
		clickAndLoad(t, ctx, `[data-confirm-ok]`)
		waitText(t, ctx, "#oauth-status", "Not connected")
		_, err = e.store.OAuthTokenGetByIntegration(e.ctx, e.org, ints.Items[0].ID)
		require.ErrorIs(t, err, storage.ErrNotFound)
	})
}

// TestADMININT012ConfigureRetryPolicy: open the retry settings, change the
// parameters (the §17 message shows for a wrong value, the preview follows
// the form), save: the webhook's deliveries use the new policy.
func TestADMININT012ConfigureRetryPolicy(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		w := e.webhook(t, "Payroll sync")
		ctx := tab(t)
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/retry"), chromedp.WaitVisible(chromedp.ID("scope-pick")))
		require.Contains(t, text(t, ctx, "#retry-preview"), "1s → 2s → 4s")
		do(t, ctx, chromedp.SetValue(chromedp.ID("scope-pick"), w.ID.String()))
		clickAndLoad(t, ctx, `form[action$="/retry"][method=get] button`)
		require.Contains(t, text(t, ctx, "main fieldset legend"), "Webhook retry settings")

		do(t, ctx, clear("maxRetries"), chromedp.SendKeys(chromedp.ID("maxRetries"), "11"))
		waitText(t, ctx, `[data-error-for="maxRetries"]`, "Maximum retry count is 10") // live, as typed
		clickAndLoad(t, ctx, `button[value=save]`)
		require.Equal(t, "Maximum retry count is 10", text(t, ctx, `[data-error-for="maxRetries"]`)) // from the server
		screenshot(t, ctx, "invalid")

		do(t, ctx, clear("maxRetries"), chromedp.SendKeys(chromedp.ID("maxRetries"), "5"))
		// The error line goes away as the value becomes valid, which moves
		// the radios up: click only once the layout has settled.
		waitEmpty(t, ctx, `[data-error-for="maxRetries"]`)
		click(t, ctx, `input[name=retryStrategy][value=linear]`)
		waitText(t, ctx, "#retry-preview", "1s → 2s → 3s → 4s → 5s")
		clickAndLoad(t, ctx, `button[value=save]`)
		waitText(t, ctx, ".flash", "Retry configuration saved.")
		require.Contains(t, text(t, ctx, "#retry-source"), "own policy")
		screenshot(t, ctx, "saved")

		s, err := e.store.WebhookGet(e.ctx, e.org, w.ID)
		require.NoError(t, err)
		p, err := e.d.Policy(e.ctx, s)
		require.NoError(t, err)
		require.Equal(t, 5, p.MaxRetries)
		require.Equal(t, retry.StrategyLinear, p.Strategy)
	})
}

// TestADMININT013ReviewDLQ: open the DLQ, review the items, retry one and
// delete the other: both leave the queue, and the retried one arrives.
func TestADMININT013ReviewDLQ(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		e.failingWebhook(t, "Interview feed")
		e.rcv.SetDefault(webhooktest.Fail(503))
		e.publish(t, `{"n":1}`)
		e.publish(t, `{"n":2}`)
		waitFor(t, "two dead letters", func() bool { return e.dlqLen(t) == 2 })

		ctx := tab(t)
		do(t, ctx, chromedp.Navigate(e.host.URL+"/admin/dlq"))
		waitText(t, ctx, "#dlq-count", "Current DLQ items: 2")
		require.Contains(t, text(t, ctx, "[data-list] tbody"), "Webhook endpoint returned error: 503")
		screenshot(t, ctx, "review")

		e.rcv.SetDefault(webhooktest.OK())
		before := e.rcv.Count()
		clickAndLoad(t, ctx, `tr[data-row] form[action$="/retry"] button`)
		waitText(t, ctx, ".flash", "Retried")
		waitText(t, ctx, "#dlq-count", "Current DLQ items: 1")
		waitFor(t, "the retried event", func() bool { return e.rcv.Count() > before })

		click(t, ctx, `tr[data-row] form[action$="/delete"] button`)
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#confirm[open]")))
		clickAndLoad(t, ctx, `[data-confirm-ok]`)
		waitText(t, ctx, ".flash", "Entry deleted.")
		waitText(t, ctx, "#dlq-count", "Current DLQ items: 0")
		require.Contains(t, text(t, ctx, "[data-list] tbody"), "The dead letter queue is empty.")
		screenshot(t, ctx, "processed")
		require.Zero(t, e.dlqLen(t))
	})
}
