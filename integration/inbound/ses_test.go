package inbound_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers/ses"
	"github.com/intimeos/integrations/providers/ses/snstest"
)

// TestSESBounceThroughSNS is the must-show for SES: the SNS subscription
// is confirmed, then an SNS-wrapped SES bounce reaches the Receiver over
// HTTP, is verified (RSA, the certificate fetched from the test's SNS
// server), stored once however often SNS delivers it, and becomes the same
// email.bounced events SendGrid's bounces do; a tampered message and one
// too old are refused 401 with nothing recorded.
func TestSESBounceThroughSNS(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		e := setup(t, b, nil)
		in, ep := e.ses(t, e.org)
		now := e.clock.Now()

		bounce := e.sns.Notification(t, snsTopic, "sns-1", snstest.Bounce("ses-1", now, "jane@example.com", "bob@example.com"), now, "2")
		tampered := []byte(strings.Replace(string(bounce), "jane@example.com", "eve@example.com", 1))
		stale := e.sns.Notification(t, snsTopic, "sns-old", snstest.Bounce("ses-0", now, "jane@example.com"), now.Add(-2*time.Hour), "1")
		for name, body := range map[string][]byte{"tampered": tampered, "too old": stale} {
			require.Equal(t, http.StatusUnauthorized, post(t, ep.URL, snstest.Header(ses.SNSNotification), body).status, name)
		}
		e.nothingRecorded(t, e.org, in.ID)

		conf := e.sns.SubscriptionConfirmation(t, snsTopic, "sns-conf", "tok-1", now)
		requireAccepted(t, post(t, ep.URL, snstest.Header(ses.SNSSubscriptionConfirmation), conf), 1, 1, 0, 0)
		require.Equal(t, []string{"tok-1"}, e.sns.Confirmations(), "the subscription is confirmed")

		requireAccepted(t, post(t, ep.URL, snstest.Header(ses.SNSNotification), bounce), 2, 2, 0, 0)
		requireAccepted(t, post(t, ep.URL, snstest.Header(ses.SNSNotification), bounce), 2, 0, 2, 0)
		evs := e.events(t, e.org, in.ID)
		require.Equal(t, []string{ses.EventSubscriptionConfirmed, "email.bounced", "email.bounced"}, types(evs))
		require.Equal(t, "sns-1/jane@example.com", evs[1].ProviderEventID)
		require.JSONEq(t, `{"provider":"ses","event":"Bounce","email":"jane@example.com","providerMessageId":"ses-1",
			"messageId":"msg-ses-1","reason":"smtp; 550 5.1.1 user unknown","status":"5.1.1","bounceType":"permanent"}`, string(evs[1].Data))
		require.Equal(t, []string{"SNS subscription confirmed: " + snsTopic, "Email bounced: jane@example.com",
			"Email bounced: bob@example.com"}, e.logs(t, e.org, in.ID))
		require.Equal(t, int64(2), e.metrics(t, e.org, in.ID)["inbound.email.bounced"])
		require.Equal(t, 1, e.sns.CertFetches(), "the signing certificate is fetched once")
	})
}
