package ses_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/ses"
	"github.com/intimeos/integrations/providers/ses/snstest"
)

// FuzzSNSWebhook feeds HandleWebhook arbitrary bodies: it must never
// panic, never fetch from a host other than the test server, and accept
// only what the test server signed.
func FuzzSNSWebhook(f *testing.F) {
	st := newSNSFuzz(f)
	now := st.now
	f.Add(st.sns.Notification(f, topic, "m-1", snstest.Bounce("s", now, "a@example.com"), now, "1"))
	f.Add(st.sns.SubscriptionConfirmation(f, topic, "c-1", "tok", now))
	f.Add([]byte(`{"Type":"Notification","MessageId":"x","TopicArn":"` + topic + `","Timestamp":"2024-01-01T00:00:00Z","SignatureVersion":"1","Signature":"AA==","SigningCertURL":"https://sns.us-east-1.amazonaws.com/x.pem","Message":"{}"}`))
	f.Add([]byte(`{"Type":"SubscriptionConfirmation"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		evs, err := st.p.HandleWebhook(t.Context(), st.s, &providers.WebhookRequest{Header: snstest.Header(""), Body: body})
		if err != nil {
			require.Nil(t, evs)
			return
		}
		m, perr := ses.ParseSNSMessage(body)
		require.NoError(t, perr, "an accepted body is an SNS message")
		require.Equal(t, st.sns.CertURL, m.SigningCertURL, "accepted only with the test server's certificate")
	})
}

func newSNSFuzz(f *testing.F) *snsSetup {
	srv := snstest.Start(f)
	st := &snsSetup{sns: srv, now: time.Now().UTC().Truncate(time.Millisecond), s: with(settingsFor(""), ses.FieldSNSTopicARN, topic)}
	st.p = ses.New(&ses.Config{SNSHost: srv.Host, SNSClient: srv.Client, Now: func() time.Time { return st.now }})
	return st
}
