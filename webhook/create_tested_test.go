package webhook_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// TestADMININT004CreateSendsTestPayload is ADMIN-INT-004 ("Webhook created,
// test payload sent") at the API: creating a subscription sends the sample
// payload of its event to the receiver, signed with the new secret under
// both schemes, and the result says so; when the endpoint fails, the
// subscription is still created and the result says clearly that the
// payload was not delivered, and why.
func TestADMININT004CreateSendsTestPayload(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, nil)
		res, err := b.d.SubscriptionCreateTested(b.ctx, &webhook.SubscriptionCreateParams{OrganizationID: b.org,
			Name: "Job Created - Zapier", URL: b.rcv.URL + "/hooks/job-created", Events: []string{webhook.EventJobUpdated}}, nil)
		require.NoError(t, err)
		require.True(t, res.TestSent)
		require.Equal(t, "Webhook created, test payload sent", res.Message)
		require.Equal(t, 200, res.Test.StatusCode)
		require.Len(t, res.Subscription.Secret, 32, "the secret is shown in full once")

		reqs := b.rcv.Requests()
		require.Len(t, reqs, 1, "one test payload")
		require.Equal(t, webhook.EventJobUpdated, reqs[0].Event)
		require.NoError(t, webhook.Verify(res.Subscription.Secret, reqs[0].Header, reqs[0].Body,
			&webhook.VerifyOpts{Scheme: webhook.SchemeInTime}), "X-InTime-Signature")
		require.NoError(t, webhook.Verify(res.Subscription.Secret, reqs[0].Header, reqs[0].Body,
			&webhook.VerifyOpts{Scheme: webhook.SchemeStandard}), "Standard Webhooks signature")
		var p webhook.Payload
		require.NoError(t, json.Unmarshal(reqs[0].Body, &p))
		require.Equal(t, webhook.EventJobUpdated, p.Event)
		require.JSONEq(t, `{"job_id":"JOB-2024-1234","title":"Senior Java Developer","status":"active","bill_rate":85.00}`, string(p.Data))

		page, err := b.d.DeliveryList(b.ctx, &storage.DeliveryListParams{OrganizationID: b.org})
		require.NoError(t, err)
		require.Empty(t, page.Items, "a test send is not a delivery of the history")

		b.rcv.Enqueue(webhooktest.Fail(500))
		res, err = b.d.SubscriptionCreateTested(b.ctx, &webhook.SubscriptionCreateParams{OrganizationID: b.org,
			Name: "Failing endpoint", URL: b.rcv.URL + "/hooks/failing", Events: []string{webhook.EventJobCreated}}, nil)
		require.NoError(t, err, "the subscription is created whatever the endpoint answers")
		require.False(t, res.TestSent)
		require.Equal(t, "Webhook created, but the test payload was not delivered: Webhook endpoint returned error: 500", res.Message)
		_, err = b.d.SubscriptionGet(b.ctx, b.org, res.Subscription.ID)
		require.NoError(t, err)

		_, err = b.d.SubscriptionCreateTested(b.ctx, &webhook.SubscriptionCreateParams{OrganizationID: b.org,
			Name: "", URL: b.rcv.URL, Events: []string{webhook.EventJobCreated}}, nil)
		var ve *webhook.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Equal(t, webhook.MsgNameRequired, ve.Fields[webhook.FieldName])
		require.Equal(t, 2, b.rcv.Count(), "an invalid form sends nothing")
	})
}
