package sendgrid_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/providers/sendgrid"
)

const apiKey = "SG.test-key.0123456789abcdef"

func settingsFor(url, key string) providers.Settings {
	return providers.Settings{sendgrid.FieldAPIKey: apiKey, sendgrid.FieldFromEmail: "noreply@intime.example",
		sendgrid.FieldFromName: "InTime Staffing", sendgrid.FieldBaseURL: url, sendgrid.FieldWebhookKey: key}
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

var events = []byte(`[
 {"email":"jane@example.com","timestamp":1700000000,"event":"bounce","type":"bounce","reason":"550 5.1.1 unknown user","status":"5.1.1","sg_event_id":"ev-1","sg_message_id":"abc123.filter0001","intime_message_id":"m-1"},
 {"email":"jane@example.com","timestamp":1700000001,"event":"spamreport","sg_event_id":"ev-2","sg_message_id":"abc123.filter0001"},
 {"email":"jane@example.com","timestamp":1700000002,"event":"click","url":"https://intime.example/jobs/1","sg_event_id":"ev-3","sg_message_id":"abc123.filter0001"},
 {"email":"jane@example.com","timestamp":1700000003,"event":"group_resubscribe","sg_event_id":"ev-4"}
]`)

func wantEvents() []providers.Event {
	return []providers.Event{
		{ID: "ev-1", Type: "email.bounced", Time: time.Unix(1700000000, 0).UTC(),
			Data: json.RawMessage(`{"provider":"sendgrid","event":"bounce","email":"jane@example.com","providerMessageId":"abc123","messageId":"m-1","reason":"550 5.1.1 unknown user","status":"5.1.1","bounceType":"bounce"}`)},
		{ID: "ev-2", Type: "email.complained", Time: time.Unix(1700000001, 0).UTC(),
			Data: json.RawMessage(`{"provider":"sendgrid","event":"spamreport","email":"jane@example.com","providerMessageId":"abc123"}`)},
		{ID: "ev-3", Type: "email.clicked", Time: time.Unix(1700000002, 0).UTC(),
			Data: json.RawMessage(`{"provider":"sendgrid","event":"click","email":"jane@example.com","providerMessageId":"abc123","url":"https://intime.example/jobs/1"}`)},
	}
}

// TestConformance runs providertest against the local SendGrid server, in
// process and as a plugin process: sends, the documented failures with
// their kinds, and the signed Event Webhook.
func TestConformance(t *testing.T) {
	t.Parallel()
	sg := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: apiKey})
	busy := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: apiKey, FailStatus: 429, RetryAfter: "30"})
	down := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: apiKey, FailStatus: 503})
	rejects := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: apiKey, FailStatus: 400})
	key, other := emailtest.NewWebhookKey(t), emailtest.NewWebhookKey(t)
	s := settingsFor(sg.URL, key.Public)
	msg := &email.Message{ID: "m-1", To: []string{"jane@example.com"}, Subject: "Interview", Text: "See you at 10.", HTML: "<p>See you at 10.</p>"}
	suite := &providertest.Suite{
		Settings: s,
		Calls: []providertest.Call{{Name: "send", Op: sendOp(t, msg), Check: func(t *testing.T, r *providers.Result) {
			var rc email.Receipt
			require.NoError(t, json.Unmarshal(r.Payload, &rc))
			require.NotEmpty(t, rc.MessageID)
		}}},
		Failures: []providertest.Failure{
			{Name: "401 wrong key", Settings: with(s, sendgrid.FieldAPIKey, "SG.wrong"), Op: sendOp(t, msg), Kind: providers.KindAuth},
			{Name: "400", Settings: with(s, sendgrid.FieldBaseURL, rejects.URL), Op: sendOp(t, msg), Kind: providers.KindInvalidInput},
			{Name: "404", Settings: with(s, sendgrid.FieldBaseURL, sg.URL+"/nowhere"), Op: sendOp(t, msg), Kind: providers.KindPermanent},
			{Name: "429", Settings: with(s, sendgrid.FieldBaseURL, busy.URL), Op: sendOp(t, msg), Kind: providers.KindRateLimited,
				RetryAfter: 30 * time.Second},
			{Name: "503", Settings: with(s, sendgrid.FieldBaseURL, down.URL), Op: sendOp(t, msg), Kind: providers.KindRetryable},
			{Name: "invalid settings", Settings: with(s, sendgrid.FieldFromName, "<bad>"), Op: sendOp(t, msg), Kind: providers.KindInvalidInput},
		},
		Webhook: &providertest.Webhook{
			Request: &providers.WebhookRequest{Header: key.Sign(t, time.Now(), events), Body: events},
			Want:    wantEvents(),
			Forged:  &providers.WebhookRequest{Header: other.Sign(t, time.Now(), events), Body: events},
		},
	}
	t.Run("in process", func(t *testing.T) { providertest.Exercise(t, sendgrid.New(nil), suite) })
	t.Run("plugin", func(t *testing.T) { providertest.Exercise(t, providertest.Plugin(t, "sendgrid"), suite) })

	mails := sg.Mails()
	require.Len(t, mails, 2)
	body := mails[0].Body
	require.Equal(t, map[string]any{"email": "noreply@intime.example", "name": "InTime Staffing"}, body["from"])
	require.Equal(t, "Interview", body["subject"])
	require.Equal(t, []any{map[string]any{"type": "text/plain", "value": "See you at 10."},
		map[string]any{"type": "text/html", "value": "<p>See you at 10.</p>"}}, body["content"])
	require.Equal(t, []any{map[string]any{"to": []any{map[string]any{"email": "jane@example.com"}}}}, body["personalizations"])
	require.Equal(t, map[string]any{"intime_message_id": "m-1"}, body["custom_args"])
}

// TestErrors checks the classification of SendGrid's answers and the
// messages an administrator sees; the key never appears.
func TestErrors(t *testing.T) {
	t.Parallel()
	sg := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: apiKey})
	reset := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: apiKey, FailStatus: 429, RateLimitReset: time.Hour})
	retryAfter := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: apiKey, FailStatus: 429, RetryAfter: "30"})
	rejects := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: apiKey, FailStatus: 400})
	p := sendgrid.New(nil)
	msg := &email.Message{To: []string{"jane@example.com"}, Subject: "x", Text: "x"}

	_, err := p.Do(t.Context(), with(settingsFor(sg.URL, ""), sendgrid.FieldAPIKey, "SG.wrong-secret"), sendOp(t, msg))
	require.Equal(t, "Authentication failed. Please check credentials.", providers.UserMessage(err, "SendGrid"))
	require.Contains(t, err.Error(), "The provided authorization grant is invalid, expired, or revoked")
	require.NotContains(t, err.Error(), "SG.wrong-secret")

	_, err = p.Do(t.Context(), settingsFor(retryAfter.URL, ""), sendOp(t, msg))
	require.Equal(t, "Rate limit exceeded. Retry in 30 seconds.", providers.UserMessage(err, "SendGrid"))

	_, err = p.Do(t.Context(), settingsFor(reset.URL, ""), sendOp(t, msg))
	e := providers.AsError(err)
	require.Equal(t, providers.KindRateLimited, e.Kind)
	require.Greater(t, e.RetryAfter, 50*time.Minute, "from X-RateLimit-Reset")

	// A 400 carries SendGrid's errors[].
	_, err = p.Do(t.Context(), settingsFor(rejects.URL, ""), sendOp(t, msg))
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	require.Equal(t, "sendgrid: 400: personalizations.0.to.0.email: Does not contain a valid address.", providers.AsError(err).Message)
}

// TestCheck runs the connection test: transport stages, then the
// read-only scopes call.
func TestCheck(t *testing.T) {
	t.Parallel()
	sg := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: apiKey})
	readOnly := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: apiKey, Scopes: []string{"scopes.read"}})
	p := sendgrid.New(nil)
	res, err := p.Check(t.Context(), settingsFor(sg.URL, ""))
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)

	res, err = p.Check(t.Context(), with(settingsFor(sg.URL, ""), sendgrid.FieldAPIKey, "SG.wrong"))
	require.NoError(t, err)
	require.Equal(t, providers.StageAuth, res.Failed().Name)
	require.Equal(t, "Authentication failed. Please check credentials.", res.Failed().Message)

	res, err = p.Check(t.Context(), settingsFor(readOnly.URL, ""))
	require.NoError(t, err)
	require.Equal(t, providers.StageAuth, res.Failed().Name)
}
