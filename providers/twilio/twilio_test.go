package twilio_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/providers/sms"
	"github.com/intimeos/integrations/providers/twilio"
	"github.com/intimeos/integrations/retry"
)

var (
	op   = testkit.Op
	with = testkit.With
)

func decode[T any](t *testing.T, r *providers.Result) *T { return testkit.Decode[T](t, r) }

func setup(t *testing.T) (*fakeTwilio, *twilio.Provider) {
	return newFakeTwilio(t), testkit.Closing(t, twilio.New(nil))
}

var sendOp = op(sms.OpSend, &sms.Message{To: "+15558675310", Body: "Your interview is confirmed for 10:00."})

const callbackURL = "https://app.example.com/integrations/sms/status?org=42"

// signedCallback is a status callback for callbackURL signed with token by
// the test's own implementation of Twilio's algorithm.
func signedCallback(token, status string) *providers.WebhookRequest {
	form := callbackForm("SM0123456789abcdef0123456789abcdef", status, "+15558675310", fromGood, "")
	return &providers.WebhookRequest{
		Header: http.Header{twilio.SignatureHeader: {independentSignature(token, callbackURL, form)},
			twilio.IdempotencyHeader: {"idem-1"}},
		Body: []byte(form.Encode()),
	}
}

func suite(t *testing.T) *providertest.Suite {
	f := newFakeTwilio(t)
	good := with(f.settings(sidGood), twilio.FieldStatusCallbackURL, callbackURL)
	return &providertest.Suite{
		Settings: good,
		Calls: []providertest.Call{
			{Name: "send", Op: sendOp, Check: func(t *testing.T, r *providers.Result) {
				rec := decode[sms.Receipt](t, r)
				require.Regexp(t, `^SM[0-9a-f]{32}$`, rec.MessageID)
				require.Equal(t, "queued", rec.Status)
				require.Equal(t, 1, rec.Segments)
			}},
			{Name: "send with media and sender", Op: op(sms.OpSend, &sms.Message{To: "+447700900123", From: "+15005550009",
				Body: "Badge photo", MediaURLs: []string{"https://example.com/badge.png"}}),
				Check: func(t *testing.T, r *providers.Result) {
					require.NotEmpty(t, decode[sms.Receipt](t, r).MessageID)
				}},
		},
		Failures: []providertest.Failure{
			{Name: "wrong token 401", Settings: with(good, twilio.FieldAuthToken, "wrong"), Op: sendOp, Kind: providers.KindAuth},
			{Name: "rate limited 429", Settings: f.settings(sidBusy), Op: sendOp, Kind: providers.KindRateLimited,
				RetryAfter: 30 * time.Second},
			{Name: "down 503", Settings: f.settings(sidDown), Op: sendOp, Kind: providers.KindRetryable},
			{Name: "invalid To 21211", Op: op(sms.OpSend, &sms.Message{To: toInvalid, Body: "x"}), Kind: providers.KindInvalidInput},
			{Name: "unsubscribed 21610", Op: op(sms.OpSend, &sms.Message{To: toUnsubscribed, Body: "x"}), Kind: providers.KindInvalidInput},
			{Name: "unknown message 404", Op: op(twilio.OpMessageGet, &twilio.MessageGetParams{
				SID: "SM00000000000000000000000000000999"}), Kind: providers.KindInvalidInput},
			{Name: "not E.164", Op: op(sms.OpSend, &sms.Message{To: "555-0100", Body: "x"}), Kind: providers.KindInvalidInput},
			{Name: "bad sid", Op: op(twilio.OpMessageGet, &twilio.MessageGetParams{SID: "../x"}), Kind: providers.KindInvalidInput},
			{Name: "bad payload", Op: &providers.Operation{Name: sms.OpSend, Payload: []byte(`[`)}, Kind: providers.KindInvalidInput},
		},
		Webhook: &providertest.Webhook{
			Request: signedCallback(tokenGood, "delivered"),
			Want: []providers.Event{{ID: "idem-1", Type: sms.EventDelivered, Data: json.RawMessage(
				`{"provider":"twilio","messageId":"SM0123456789abcdef0123456789abcdef","status":"delivered",` +
					`"to":"+15558675310","from":"+15005550006"}`)}},
			Forged: signedCallback("not-the-token", "delivered"),
		},
	}
}

// TestConformance is the must-show: the provider passes providertest in
// process and as a plugin, against a fake Twilio.
func TestConformance(t *testing.T) {
	t.Parallel()
	testkit.Conformance(t, testkit.Closing(t, twilio.New(nil)), plugin, suite)
}

// TestSendRequest checks the wire form: the form fields Twilio documents.
func TestSendRequest(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	s := with(f.settings(sidGood), twilio.FieldStatusCallbackURL, callbackURL,
		twilio.FieldMessagingServiceSID, "MG0123456789abcdef0123456789abcdef")
	_, err := p.Do(t.Context(), s, op(sms.OpSend, &sms.Message{To: "+15558675310", Body: "Hi & bye",
		MediaURLs: []string{"https://example.com/a.png", "https://example.com/b.png"}}))
	require.NoError(t, err)
	forms := f.Forms()
	require.Len(t, forms, 1)
	require.Equal(t, map[string][]string{"To": {"+15558675310"}, "From": {fromGood}, "Body": {"Hi & bye"},
		"MessagingServiceSid": {"MG0123456789abcdef0123456789abcdef"}, "StatusCallback": {callbackURL},
		"MediaUrl": {"https://example.com/a.png", "https://example.com/b.png"}}, map[string][]string(forms[0]))
}

// TestDeliveryRoundTrip: a message sent through the plugin, its status read
// back, and Twilio's signed callbacks (from the fake, signed by the test's
// own implementation) received by a host endpoint and normalised.
func TestDeliveryRoundTrip(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	events := make(chan providers.Event, 4)
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s := with(f.settings(sidGood), twilio.FieldStatusCallbackURL, "http://"+r.Host+r.URL.RequestURI())
		evs, err := p.HandleWebhook(r.Context(), s, &providers.WebhookRequest{Header: r.Header, Body: body})
		if err != nil {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		for _, ev := range evs {
			events <- ev
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(host.Close)
	s := with(f.settings(sidGood), twilio.FieldStatusCallbackURL, host.URL+"/sms/status?org=42")
	inst := providers.NewInstance(twilio.DisplayName, plugin(t), s, nil)
	rec, err := sms.Send(t.Context(), inst, &sms.Message{To: "+15558675310", Body: "Reminder: interview at 10"})
	require.NoError(t, err)

	f.setStatus(rec.MessageID, "undelivered", 30003)
	require.Equal(t, http.StatusNoContent, f.Callback(t, rec.MessageID, "undelivered", "30003"))
	ev := <-events
	require.Equal(t, sms.EventUndelivered, ev.Type)
	require.Equal(t, "idem-"+rec.MessageID+"-undelivered", ev.ID)
	data := decodeEvent(t, ev)
	require.Equal(t, sms.EventData{Provider: "twilio", MessageID: rec.MessageID, Status: "undelivered",
		To: "+15558675310", From: fromGood, ErrorCode: "30003"}, data)

	msg, err := twilio.MessageGet(t.Context(), inst, rec.MessageID)
	require.NoError(t, err)
	require.Equal(t, "undelivered", msg.Status)
	require.Equal(t, 30003, msg.ErrorCode)
	require.Equal(t, time.Date(2023, 8, 24, 5, 1, 47, 0, time.UTC), msg.DateSent)
}

func decodeEvent(t *testing.T, ev providers.Event) sms.EventData {
	var d sms.EventData
	require.NoError(t, json.Unmarshal(ev.Data, &d))
	return d
}

// TestErrorMessages checks the spec's wording (§16) and the Retry-After
// wait, in process and through the plugin boundary, and that the token
// never shows.
func TestErrorMessages(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	pl := plugin(t)
	cases := []testkit.MessageCase{
		{"auth", with(f.settings(sidGood), twilio.FieldAuthToken, "wrong-token"), sendOp, "Authentication failed. Please check credentials.", 0},
		{"rate limited", f.settings(sidBusy), sendOp, "Rate limit exceeded. Retry in 30 seconds.", 30 * time.Second},
		{"down", f.settings(sidDown), sendOp, "Twilio is currently unavailable", 0},
	}
	for name, prov := range map[string]providers.Provider{"in process": p, "plugin": pl} {
		t.Run(name, func(t *testing.T) { testkit.UserMessages(t, prov, twilio.DisplayName, cases, tokenGood) })
	}
	_, err := p.Do(t.Context(), f.settings(sidGood), op(sms.OpSend, &sms.Message{To: toInvalid, Body: "x"}))
	require.ErrorContains(t, err, "Invalid 'To' Phone Number: +15005550001 (Twilio error 21211)")
}

// TestSecretsNeverLeak: neither errors nor log records carry the token.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	f := newFakeTwilio(t)
	p := twilio.New(&twilio.Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	defer p.Close()
	var all []string
	for _, s := range []providers.Settings{f.settings(sidGood), f.settings(sidBusy), f.settings(sidDown),
		with(f.settings(sidGood), twilio.FieldAuthToken, "wrong-"+tokenGood)} {
		if _, err := p.Do(t.Context(), s, sendOp); err != nil {
			all = append(all, err.Error())
		}
		res, err := p.Check(t.Context(), s)
		require.NoError(t, err)
		for _, st := range res.Stages {
			all = append(all, st.Message)
		}
	}
	require.Contains(t, logs.String(), "twilio: request")
	require.NotContains(t, logs.String()+strings.Join(all, "\n"), tokenGood)
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	res, err := p.Check(t.Context(), f.settings(sidGood))
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)
	require.Len(t, res.Stages, 4)

	res, err = p.Check(t.Context(), with(f.settings(sidGood), twilio.FieldAuthToken, "nope"))
	require.NoError(t, err)
	require.Equal(t, providers.StageAuth, res.Failed().Name)
	require.Equal(t, retry.ClassClientError, res.Failed().Class)

	closed := newFakeTwilio(t)
	closed.Close()
	res, err = p.Check(t.Context(), closed.settings(sidGood))
	require.NoError(t, err)
	require.Equal(t, providers.StageTCP, res.Failed().Name)
	require.Equal(t, providers.StageSkipped, res.Stages[3].Status)

	_, err = p.Check(t.Context(), providers.Settings{})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
}

func TestValidate(t *testing.T) {
	t.Parallel()
	good := providers.Settings{twilio.FieldAccountSID: sidGood, twilio.FieldAuthToken: "t", twilio.FieldFromNumber: fromGood}
	tests := []testkit.ValidateCase{
		{"valid", good, "", ""},
		{"no sid", with(good, twilio.FieldAccountSID, ""), twilio.FieldAccountSID, "Account SID is required"},
		{"bad sid", with(good, twilio.FieldAccountSID, "AC123"), twilio.FieldAccountSID,
			"Account SID must be AC followed by 32 hexadecimal characters"},
		{"no token", with(good, twilio.FieldAuthToken, " "), twilio.FieldAuthToken, "Auth token is required"},
		{"no from", with(good, twilio.FieldFromNumber, ""), twilio.FieldFromNumber, "From phone number is required"},
		{"local from", with(good, twilio.FieldFromNumber, "(555) 010-0100"), twilio.FieldFromNumber,
			"Please enter a phone number in E.164 format, such as +15551234567"},
		{"bad service", with(good, twilio.FieldMessagingServiceSID, "MG1"), twilio.FieldMessagingServiceSID,
			"Messaging Service SID must be MG followed by 32 hexadecimal characters"},
		{"bad callback", with(good, twilio.FieldStatusCallbackURL, "app.example.com/sms"), twilio.FieldStatusCallbackURL,
			"Please enter a valid URL"},
		{"plain http base", with(good, twilio.FieldBaseURL, "http://api.twilio.com"), twilio.FieldBaseURL,
			"Please enter a valid https URL"},
	}
	testkit.Validate(t, twilio.New(nil), tests)
}
