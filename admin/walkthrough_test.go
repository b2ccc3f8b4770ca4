package admin_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/webhook"
)

// TestADMININT004ConfigureWebhook: click "+ New Webhook", enter the URL,
// select events, save: the webhook is created and a test payload sent. The
// §17 messages show inline on the way.
func TestADMININT004ConfigureWebhook(t *testing.T) {
	t.Parallel()
	e := setup(t, backends[0])
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
}
