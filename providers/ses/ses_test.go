package ses_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/providers/ses"
	"github.com/intimeos/integrations/providers/ses/snstest"
)

const (
	keyID  = "AKIAIOSFODNN7EXAMPLE"
	secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

func settingsFor(endpoint string) providers.Settings {
	return providers.Settings{ses.FieldRegion: "us-east-1", ses.FieldAccessKeyID: keyID, ses.FieldSecretAccessKey: secret,
		ses.FieldFromEmail: "noreply@intime.example", ses.FieldFromName: "InTime Staffing", ses.FieldEndpoint: endpoint}
}

func with(s providers.Settings, kv ...string) providers.Settings {
	out := providers.Settings{}
	for k, v := range s {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func sendOp(t *testing.T, m *email.Message) *providers.Operation {
	t.Helper()
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return &providers.Operation{Name: email.OpSend, Payload: b}
}

// TestConformance runs providertest against aws-ses-v2-local through the
// real AWS SDK, in process and as a plugin process, and reads the sent
// mail back from the server.
func TestConformance(t *testing.T) {
	t.Parallel()
	srv := emailtest.StartSES(t)
	s := settingsFor(srv.URL)
	msg := &email.Message{ID: "m-1", To: []string{"jane@example.com"}, Cc: []string{"hr@example.com"},
		Subject: "Interview ✓", Text: "See you at 10.", HTML: "<p>See you at 10.</p>", Headers: map[string]string{"X-Campaign": "onboarding"}}
	suite := &providertest.Suite{
		Settings: s,
		Calls: []providertest.Call{{Name: "send", Op: sendOp(t, msg), Check: func(t *testing.T, r *providers.Result) {
			var rc email.Receipt
			require.NoError(t, json.Unmarshal(r.Payload, &rc))
			require.NotEmpty(t, rc.MessageID)
		}}},
		Failures: []providertest.Failure{
			{Name: "unreachable endpoint", Settings: with(s, ses.FieldEndpoint, "http://127.0.0.1:1"), Op: sendOp(t, msg),
				Kind: providers.KindRetryable},
			{Name: "invalid settings", Settings: with(s, ses.FieldRegion, "Mars"), Op: sendOp(t, msg), Kind: providers.KindInvalidInput},
			{Name: "invalid message", Op: sendOp(t, &email.Message{To: []string{"jane@example.com"}, Text: "x"}),
				Kind: providers.KindInvalidInput},
		},
	}
	sns := snstest.Start(t)
	now := time.Now()
	suite.Settings = with(s, ses.FieldSNSTopicARN, topic)
	body := sns.Notification(t, topic, "conf-bounce", snstest.Bounce("ses-9", now.Add(-time.Minute), "jane@example.com"), now, "2")
	want, err := ses.New(&ses.Config{SNSHost: sns.Host, SNSClient: sns.Client}).HandleWebhook(t.Context(), suite.Settings,
		&providers.WebhookRequest{Header: snstest.Header(ses.SNSNotification), Body: body})
	require.NoError(t, err)
	require.Len(t, want, 1)
	suite.Webhook = &providertest.Webhook{
		Request: &providers.WebhookRequest{Header: snstest.Header(ses.SNSNotification), Body: body}, Want: want,
		Forged: &providers.WebhookRequest{Header: snstest.Header(ses.SNSNotification),
			Body: []byte(strings.Replace(string(body), "jane@example.com", "eve@example.com", 1))},
	}
	t.Run("in process", func(t *testing.T) {
		providertest.Exercise(t, ses.New(&ses.Config{SNSHost: sns.Host, SNSClient: sns.Client}), suite)
	})
	t.Run("plugin", func(t *testing.T) {
		providertest.Exercise(t, providertest.PluginWith(t, "ses", &providertest.PluginOpts{Env: sns.Env()}), suite)
	})

	emails := srv.Emails(t)
	require.Len(t, emails, 2)
	e := emails[0]
	require.Equal(t, `"InTime Staffing" <noreply@intime.example>`, e.From)
	require.Equal(t, []string{"jane@example.com"}, e.Destination.To)
	require.Equal(t, []string{"hr@example.com"}, e.Destination.Cc)
	require.Equal(t, "Interview ✓", e.Subject)
	require.Equal(t, "See you at 10.", e.Body.Text)
	require.Equal(t, "<p>See you at 10.</p>", e.Body.HTML)
}

// TestCheck runs the connection test against the local endpoint: the
// transport stages, then GetAccount.
func TestCheck(t *testing.T) {
	t.Parallel()
	srv := emailtest.StartSES(t)
	res, err := ses.New(nil).Check(t.Context(), settingsFor(srv.URL))
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)

	res, err = ses.New(nil).Check(t.Context(), settingsFor("http://127.0.0.1:1"))
	require.NoError(t, err)
	require.Equal(t, providers.StageTCP, res.Failed().Name)
}

// TestValidate checks the settings' rules and messages.
func TestValidate(t *testing.T) {
	t.Parallel()
	valid := settingsFor("")
	for _, tt := range []struct{ field, value, want string }{
		{ses.FieldRegion, "", "AWS region is required"},
		{ses.FieldRegion, "europe", "Please enter a valid AWS region such as us-east-1"},
		{ses.FieldAccessKeyID, "", "Access key ID is required"},
		{ses.FieldSecretAccessKey, "", "Secret access key is required"},
		{ses.FieldFromEmail, "nope", "Please enter a valid email address"},
		{ses.FieldFromName, "", "From name is required"},
		{ses.FieldEndpoint, "localhost:8005", "Please enter a valid URL"},
		{ses.FieldRegion, "eu-central-1", ""},
		{ses.FieldEndpoint, "https://email.eu-west-1.amazonaws.com", ""},
	} {
		t.Run(tt.field+"="+tt.value, func(t *testing.T) {
			t.Parallel()
			err := ses.New(nil).Validate(t.Context(), with(valid, tt.field, tt.value))
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			var ve *providers.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tt.want, ve.Field(tt.field))
		})
	}
}
