package ses_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/sendgrid"
	"github.com/intimeos/integrations/providers/ses"
	"github.com/intimeos/integrations/providers/ses/snstest"
)

const (
	topic      = "arn:aws:sns:us-east-1:123456789012:ses-bounces"
	otherTopic = "arn:aws:sns:us-east-1:999999999999:someone-elses"
)

// snsSetup is an SNS test server and a provider that trusts it, on a clock
// the test sets.
type snsSetup struct {
	sns *snstest.Server
	p   *ses.Provider
	s   providers.Settings
	now time.Time
}

func newSNS(t *testing.T) *snsSetup {
	t.Helper()
	srv := snstest.Start(t)
	st := &snsSetup{sns: srv, now: time.Now().UTC().Truncate(time.Millisecond),
		s: with(settingsFor(""), ses.FieldSNSTopicARN, topic+", arn:aws:sns:us-east-1:123456789012:ses-complaints")}
	st.p = ses.New(&ses.Config{SNSHost: srv.Host, SNSClient: srv.Client, Now: func() time.Time { return st.now }})
	return st
}

func (st *snsSetup) handle(t *testing.T, body []byte, typ string) ([]providers.Event, error) {
	t.Helper()
	return st.p.HandleWebhook(t.Context(), st.s, &providers.WebhookRequest{Header: snstest.Header(typ), Body: body})
}

// TestSNSBounce is the must-show for SES: an SNS-wrapped bounce signed
// with either signature version is verified and becomes one email.bounced
// event per recipient, with the payload fields of SendGrid's events.
func TestSNSBounce(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"1", "2"} {
		t.Run("SignatureVersion"+version, func(t *testing.T) {
			t.Parallel()
			st := newSNS(t)
			at := st.now.Add(-time.Minute)
			body := st.sns.Notification(t, topic, "sns-msg-1", snstest.Bounce("ses-1", at, "jane@example.com", "Bob@Example.com"), st.now, version)
			evs, err := st.handle(t, body, ses.SNSNotification)
			require.NoError(t, err)
			require.Len(t, evs, 2)
			require.Equal(t, "sns-msg-1/jane@example.com", evs[0].ID)
			require.Equal(t, "sns-msg-1/bob@example.com", evs[1].ID, "IDs name the recipient, case-folded")
			require.Equal(t, "email.bounced", evs[0].Type)
			require.True(t, at.Equal(evs[0].Time), "the bounce's own time")
			require.JSONEq(t, `{"provider":"ses","event":"Bounce","email":"jane@example.com","providerMessageId":"ses-1",
				"messageId":"msg-ses-1","reason":"smtp; 550 5.1.1 user unknown","status":"5.1.1","bounceType":"permanent"}`,
				string(evs[0].Data))
		})
	}
}

// TestSNSSameFieldsAsSendGrid checks that SES's and SendGrid's email
// events have the same payload fields, so hosts read them alike.
func TestSNSSameFieldsAsSendGrid(t *testing.T) {
	t.Parallel()
	keys := func(v any) []string {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		return slices.Sorted(maps.Keys(m))
	}
	all := func(s string) string { return s + "x" }
	sg := sendgrid.EventData{Provider: all(""), Event: all(""), Email: all(""), ProviderMessageID: all(""), MessageID: all(""),
		Reason: all(""), Status: all(""), BounceType: all(""), URL: all("")}
	sesData := ses.EventData{Provider: all(""), Event: all(""), Email: all(""), ProviderMessageID: all(""), MessageID: all(""),
		Reason: all(""), Status: all(""), BounceType: all(""), URL: all("")}
	require.Equal(t, keys(sg), keys(sesData))
	for sgType, typ := range sendgrid.EventTypes {
		if slices.Contains(slices.Collect(maps.Values(ses.EventTypes)), typ) {
			continue
		}
		require.Contains(t, []string{"unsubscribe", "group_unsubscribe"}, sgType, "SES has no event for %s", typ)
	}
}

// TestSNSComplaintAndDelivery checks the other SES notifications.
func TestSNSComplaintAndDelivery(t *testing.T) {
	t.Parallel()
	st := newSNS(t)
	evs, err := st.handle(t, st.sns.Notification(t, "arn:aws:sns:us-east-1:123456789012:ses-complaints", "c-1",
		snstest.Complaint("ses-2", st.now, "jane@example.com"), st.now, "2"), ses.SNSNotification)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, "email.complained", evs[0].Type)
	require.Contains(t, string(evs[0].Data), `"reason":"abuse"`)

	evs, err = st.handle(t, st.sns.Notification(t, topic, "d-1", snstest.Delivery("ses-3", st.now, "a@example.com", "b@example.com"),
		st.now, "1"), ses.SNSNotification)
	require.NoError(t, err)
	require.Len(t, evs, 2)
	require.Equal(t, "email.delivered", evs[1].Type)

	evs, err = st.handle(t, st.sns.Notification(t, topic, "r-1", `{"notificationType":"AmazonSnsSubscriptionSucceeded"}`, st.now, "1"),
		ses.SNSNotification)
	require.NoError(t, err)
	require.Empty(t, evs, "a notification SES does not map yields no event")

	_, err = st.handle(t, st.sns.Notification(t, topic, "x-1", `not json`, st.now, "1"), ses.SNSNotification)
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err), "a verified message SES did not write")
	require.Equal(t, 1, st.sns.CertFetches(), "the certificate is fetched once and cached")
}

// TestSNSSubscriptionConfirmation checks that a verified confirmation is
// confirmed by fetching its SubscribeURL, and an unverified one is not.
func TestSNSSubscriptionConfirmation(t *testing.T) {
	t.Parallel()
	st := newSNS(t)
	body := st.sns.SubscriptionConfirmation(t, topic, "conf-1", "token-123", st.now)
	evs, err := st.handle(t, body, ses.SNSSubscriptionConfirmation)
	require.NoError(t, err)
	require.Equal(t, []string{"token-123"}, st.sns.Confirmations())
	require.Equal(t, []providers.Event{{ID: "conf-1", Type: ses.EventSubscriptionConfirmed,
		Data: json.RawMessage(`{"provider":"ses","topicArn":"` + topic + `"}`)}}, evs)

	forged := strings.Replace(string(body), "token-123", "token-666", 2)
	_, err = st.handle(t, []byte(forged), ses.SNSSubscriptionConfirmation)
	require.Equal(t, providers.KindAuth, providers.KindOf(err))

	var m ses.SNSMessage
	require.NoError(t, json.Unmarshal(body, &m))
	m.SubscribeURL = "https://attacker.example/confirm?Token=x"
	st.sns.Sign(t, &m, "2")
	_, err = st.handle(t, snstest.Body(t, &m), ses.SNSSubscriptionConfirmation)
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err), "a SubscribeURL off the SNS hosts is not fetched")
	require.Equal(t, []string{"token-123"}, st.sns.Confirmations(), "only the genuine confirmation was fetched")
}

// TestSNSRefused lists what HandleWebhook refuses as unauthenticated, and
// checks that nothing in a refused message is acted on.
func TestSNSRefused(t *testing.T) {
	t.Parallel()
	st := newSNS(t)
	other := snstest.Start(t)
	bounce := snstest.Bounce("ses-1", st.now, "jane@example.com")
	good := st.sns.Notification(t, topic, "m-1", bounce, st.now, "1")
	resign := func(edit func(m *ses.SNSMessage), version string) []byte {
		var m ses.SNSMessage
		require.NoError(t, json.Unmarshal(good, &m))
		edit(&m)
		st.sns.Sign(t, &m, version)
		return snstest.Body(t, &m)
	}
	tampered := strings.Replace(string(good), "jane@example.com", "eve@example.com", 1)
	otherKey := func() []byte {
		var m ses.SNSMessage
		require.NoError(t, json.Unmarshal(other.Notification(t, topic, "m-1", bounce, st.now, "1"), &m))
		m.SigningCertURL = st.sns.CertURL // another key's signature, our certificate
		return snstest.Body(t, &m)
	}()
	cases := map[string][]byte{
		"tampered message":              []byte(tampered),
		"another key":                   otherKey,
		"stale":                         st.sns.Notification(t, topic, "m-1", bounce, st.now.Add(-2*time.Hour), "1"),
		"from the future":               st.sns.Notification(t, topic, "m-1", bounce, st.now.Add(2*time.Hour), "2"),
		"topic not configured":          st.sns.Notification(t, otherTopic, "m-1", bounce, st.now, "1"),
		"certificate off the SNS hosts": resign(func(m *ses.SNSMessage) {}, "1"),
		"unknown signature version":     resign(func(m *ses.SNSMessage) {}, "2"),
		"raw message delivery":          []byte(bounce),
		"not JSON":                      []byte("<xml/>"),
	}
	// The certificate URL of "certificate off the SNS hosts" is set after
	// signing: the signature does not cover it.
	var m ses.SNSMessage
	require.NoError(t, json.Unmarshal(cases["certificate off the SNS hosts"], &m))
	m.SigningCertURL = other.CertURL
	cases["certificate off the SNS hosts"] = snstest.Body(t, &m)
	m.SigningCertURL = strings.Replace(st.sns.CertURL, "https://", "http://", 1)
	cases["certificate over http"] = snstest.Body(t, &m)
	m.SigningCertURL = strings.TrimSuffix(st.sns.CertURL, ".pem")
	cases["certificate URL not .pem"] = snstest.Body(t, &m)
	require.NoError(t, json.Unmarshal(cases["unknown signature version"], &m))
	m.SignatureVersion = "3"
	cases["unknown signature version"] = snstest.Body(t, &m)

	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			evs, err := st.handle(t, body, ses.SNSNotification)
			require.Equal(t, providers.KindAuth, providers.KindOf(err), "%v", err)
			require.Nil(t, evs)
		})
	}
	t.Run("type header disagrees", func(t *testing.T) {
		_, err := st.handle(t, good, ses.SNSSubscriptionConfirmation)
		require.Equal(t, providers.KindAuth, providers.KindOf(err))
	})
	require.Zero(t, other.CertFetches(), "a certificate off the allowed hosts is never fetched")
	require.Empty(t, st.sns.Confirmations())

	_, err := st.p.HandleWebhook(t.Context(), settingsFor(""), &providers.WebhookRequest{Header: snstest.Header(ses.SNSNotification), Body: good})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err), "no topic configured")
}

// TestSNSDefaultHosts checks that the production defaults accept only
// https://sns.<region>.amazonaws.com: the test server's certificate URL
// is refused without being fetched.
func TestSNSDefaultHosts(t *testing.T) {
	t.Parallel()
	srv := snstest.Start(t)
	p := ses.New(nil)
	_, err := p.HandleWebhook(t.Context(), with(settingsFor(""), ses.FieldSNSTopicARN, topic),
		&providers.WebhookRequest{Header: snstest.Header(ses.SNSNotification),
			Body: srv.Notification(t, topic, "m-1", snstest.Bounce("s", time.Now(), "a@example.com"), time.Now(), "1")})
	require.Equal(t, providers.KindAuth, providers.KindOf(err))
	require.Zero(t, srv.CertFetches())
	for host, ok := range map[string]bool{
		"sns.us-east-1.amazonaws.com": true, "sns.cn-north-1.amazonaws.com.cn": true, "sns.eu-west-3.amazonaws.com": true,
		"sns.us-east-1.amazonaws.com.evil.example": false, "evil-sns.us-east-1.amazonaws.com": false,
		"sns.us-east-1.amazonaws.com:8443": false, "s3.amazonaws.com": false, "sns.amazonaws.com": false,
	} {
		require.Equal(t, ok, ses.DefaultSNSHost.MatchString(host), host)
	}
}

// TestSNSCertFetchedOnce checks that concurrent first messages share one
// certificate download.
func TestSNSCertFetchedOnce(t *testing.T) {
	t.Parallel()
	st := newSNS(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := st.sns.Notification(t, topic, "m-"+string(rune('a'+i)), snstest.Bounce("s", st.now, "a@example.com"), st.now, "2")
			_, err := st.handle(t, body, ses.SNSNotification)
			require.NoError(t, err)
		}()
	}
	wg.Wait()
	require.Equal(t, 1, st.sns.CertFetches())
}

// TestSNSTopicSetting checks the snsTopicArn field's rule and message.
func TestSNSTopicSetting(t *testing.T) {
	t.Parallel()
	for value, ok := range map[string]bool{
		topic: true, topic + ",arn:aws:sns:eu-west-1:123456789012:other": true, "arn:aws-cn:sns:cn-north-1:123456789012:t": true,
		"": true, "not-an-arn": false, topic + ";" + topic: false, "arn:aws:sqs:us-east-1:123456789012:q": false,
	} {
		err := ses.New(nil).Validate(t.Context(), with(settingsFor(""), ses.FieldSNSTopicARN, value))
		if ok {
			require.NoError(t, err, value)
			continue
		}
		var ve *providers.ValidationError
		require.ErrorAs(t, err, &ve, value)
		require.Equal(t, "Please enter SNS topic ARNs such as arn:aws:sns:us-east-1:123456789012:ses-bounces, separated by commas",
			ve.Field(ses.FieldSNSTopicARN))
	}
}
