package inbound_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers/sms"
	"github.com/intimeos/integrations/providers/twilio"
)

// TestTwilioStatusCallback checks Twilio's SMS status callbacks: Twilio
// signs the full URL it calls, so the Receiver hands the provider the
// public URL (from Config.BaseURL); a callback signed for it is accepted
// and answered with TwiML, one signed for another URL (a forwarded copy,
// the Host header's) is refused.
func TestTwilioStatusCallback(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		e := setup(t, b, nil)
		in, ep := e.twilio(t, e.org)
		form := url.Values{"MessageSid": {"SM0123"}, "MessageStatus": {"undelivered"}, "To": {"+15557654321"},
			"From": {"+15551234567"}, "ErrorCode": {"30003"}, "AccountSid": {twilioSID}}
		header := func(signedURL string) http.Header {
			return http.Header{"Content-Type": {"application/x-www-form-urlencoded"},
				twilio.SignatureHeader: {twilio.Signature(twilioToken, signedURL, form)}, twilio.IdempotencyHeader: {"idem-1"}}
		}
		elsewhere := strings.Replace(ep.URL, e.srv.URL, "https://proxy.internal", 1)
		require.Equal(t, http.StatusUnauthorized, post(t, ep.URL, header(elsewhere), []byte(form.Encode())).status)
		e.nothingRecorded(t, e.org, in.ID)

		a := post(t, ep.URL, header(ep.URL), []byte(form.Encode()))
		require.Equal(t, http.StatusOK, a.status, a.body)
		require.Equal(t, "text/xml; charset=utf-8", a.header.Get("Content-Type"))
		require.Equal(t, `<?xml version="1.0" encoding="UTF-8"?><Response></Response>`, a.body)
		evs := e.events(t, e.org, in.ID)
		require.Len(t, evs, 1)
		require.Equal(t, sms.EventUndelivered, evs[0].Type)
		require.Equal(t, "idem-1", evs[0].ProviderEventID)
		require.Equal(t, []string{"Text message not delivered: +15557654321 30003"}, e.logs(t, e.org, in.ID))
		require.Equal(t, map[string]int64{"inbound.sms.undelivered": 1}, e.metrics(t, e.org, in.ID))
	})
}
