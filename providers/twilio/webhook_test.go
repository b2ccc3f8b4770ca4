package twilio_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/sms"
	"github.com/intimeos/integrations/providers/twilio"
)

// TestSignatureVector checks Signature against the example published in
// Twilio's webhook security documentation (auth token 12345).
func TestSignatureVector(t *testing.T) {
	t.Parallel()
	params := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+12349013030"}, "Digits": {"1234"},
		"From": {"+12349013030"}, "To": {"+18005551212"}}
	const u = "https://mycompany.com/myapp.php?foo=1&bar=2"
	const want = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
	require.Equal(t, want, twilio.Signature("12345", u, params))
	require.Equal(t, want, independentSignature("12345", u, params), "the test's own implementation agrees")
	require.NoError(t, twilio.Verify("12345", u, params, want))
	require.ErrorIs(t, twilio.Verify("12346", u, params, want), twilio.ErrSignature)
	params.Set("Digits", "1235")
	require.ErrorIs(t, twilio.Verify("12345", u, params, want), twilio.ErrSignature)
}

func TestVerifyPortForms(t *testing.T) {
	t.Parallel()
	params := url.Values{"MessageSid": {"SM1"}, "MessageStatus": {"sent"}}
	sig := independentSignature("tok", "https://app.example.com:443/sms", params)
	require.NoError(t, twilio.Verify("tok", "https://app.example.com/sms", params, sig))
	sig = independentSignature("tok", "https://app.example.com/sms", params)
	require.NoError(t, twilio.Verify("tok", "https://app.example.com:443/sms", params, sig))
	require.ErrorIs(t, twilio.Verify("tok", "https://app.example.com:8443/sms", params, sig), twilio.ErrSignature)
	require.ErrorIs(t, twilio.Verify("", "https://app.example.com/sms", params, sig), twilio.ErrSignature)
	require.ErrorIs(t, twilio.Verify("tok", "https://app.example.com/sms", params, "%%%"), twilio.ErrSignature)
}

func TestHandleWebhook(t *testing.T) {
	t.Parallel()
	s := providers.Settings{twilio.FieldAccountSID: sidGood, twilio.FieldAuthToken: tokenGood,
		twilio.FieldFromNumber: fromGood, twilio.FieldStatusCallbackURL: callbackURL}
	p := twilio.New(nil)
	tests := []struct {
		status, want string
	}{
		{"queued", sms.EventQueued}, {"accepted", sms.EventQueued}, {"sending", sms.EventSending}, {"sent", sms.EventSent},
		{"delivered", sms.EventDelivered}, {"undelivered", sms.EventUndelivered}, {"failed", sms.EventFailed},
		{"read", sms.EventRead}, {"canceled", sms.EventCanceled},
	}
	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			t.Parallel()
			evs, err := p.HandleWebhook(t.Context(), s, signedCallback(tokenGood, tt.status))
			require.NoError(t, err)
			require.Len(t, evs, 1)
			require.Equal(t, tt.want, evs[0].Type)
		})
	}
	t.Run("unmapped status", func(t *testing.T) {
		evs, err := p.HandleWebhook(t.Context(), s, signedCallback(tokenGood, "partially_delivered"))
		require.NoError(t, err)
		require.Empty(t, evs)
	})
	t.Run("no idempotency header", func(t *testing.T) {
		req := signedCallback(tokenGood, "sent")
		req.Header.Del(twilio.IdempotencyHeader)
		evs, err := p.HandleWebhook(t.Context(), s, req)
		require.NoError(t, err)
		require.Equal(t, "SM0123456789abcdef0123456789abcdef:sent", evs[0].ID)
	})
	refused := map[string]*providers.WebhookRequest{
		"nil":          nil,
		"no signature": {Header: http.Header{}, Body: signedCallback(tokenGood, "sent").Body},
		"tampered":     {Header: signedCallback(tokenGood, "sent").Header, Body: signedCallback(tokenGood, "failed").Body},
		"other token":  signedCallback("other", "sent"),
	}
	for name, req := range refused {
		t.Run(name, func(t *testing.T) {
			_, err := p.HandleWebhook(t.Context(), s, req)
			require.Equal(t, providers.KindAuth, providers.KindOf(err), "%v", err)
		})
	}
	t.Run("other URL", func(t *testing.T) {
		_, err := p.HandleWebhook(t.Context(), with(s, twilio.FieldStatusCallbackURL, callbackURL+"&x=1"),
			signedCallback(tokenGood, "sent"))
		require.Equal(t, providers.KindAuth, providers.KindOf(err))
	})
	t.Run("no callback URL configured", func(t *testing.T) {
		_, err := p.HandleWebhook(t.Context(), with(s, twilio.FieldStatusCallbackURL, ""), signedCallback(tokenGood, "sent"))
		require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	})
}

func FuzzVerify(f *testing.F) {
	f.Add("tok", "https://a.example/x?y=1", "MessageSid=SM1&MessageStatus=sent", "sig")
	f.Fuzz(func(t *testing.T, token, u, body, sig string) {
		params, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		_ = twilio.Verify(token, u, params, sig)
		if token != "" {
			require.NoError(t, twilio.Verify(token, u, params, independentSignature(token, u, params)))
		}
	})
}
