package twilio

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/sms"
)

// SignatureHeader carries Twilio's signature of a webhook request.
const SignatureHeader = "X-Twilio-Signature"

// IdempotencyHeader carries Twilio's ID of a webhook delivery, the same on
// every retry of it.
const IdempotencyHeader = "I-Twilio-Idempotency-Token"

// eventTypes maps Twilio's MessageStatus values to the normalised types.
var eventTypes = map[string]string{
	"accepted":    sms.EventQueued,
	"scheduled":   sms.EventQueued,
	"queued":      sms.EventQueued,
	"sending":     sms.EventSending,
	"sent":        sms.EventSent,
	"delivered":   sms.EventDelivered,
	"undelivered": sms.EventUndelivered,
	"failed":      sms.EventFailed,
	"read":        sms.EventRead,
	"canceled":    sms.EventCanceled,
}

var (
	// ErrSignature is returned by [Verify] for a missing or wrong
	// signature.
	ErrSignature = errors.New("twilio: webhook signature missing or invalid")
	errNoURL     = errors.New("twilio: the status callback URL is not configured, so no callback can be verified")
)

// Signature returns what Twilio sends in [SignatureHeader] for a request
// to fullURL (scheme, host, path and query exactly as Twilio called it)
// with the POST parameters params: the base64 HMAC-SHA1, keyed with the
// auth token, of the URL followed by every parameter's name and value,
// sorted by name (and a name's values sorted).
func Signature(authToken, fullURL string, params url.Values) string {
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range params {
			if !yield(k) {
				return
			}
		}
	}) {
		vs := slices.Clone(params[k])
		slices.Sort(vs)
		for _, v := range vs {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	m := hmac.New(sha1.New, []byte(authToken))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Verify checks signature against the request to fullURL with params, in
// constant time. As Twilio's own libraries do, it also accepts the
// signature of the URL with its default port (443 or 80) added or removed,
// since Twilio may sign either form. It returns [ErrSignature] on a
// mismatch or an empty token.
func Verify(authToken, fullURL string, params url.Values, signature string) error {
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(signature))
	if err != nil || authToken == "" || len(got) == 0 {
		return ErrSignature
	}
	for _, u := range urlForms(fullURL) {
		want, _ := base64.StdEncoding.DecodeString(Signature(authToken, u, params))
		if hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrSignature
}

// urlForms returns fullURL and the same URL with its default port toggled.
func urlForms(fullURL string) []string {
	u, err := url.Parse(fullURL)
	if err != nil {
		return []string{fullURL}
	}
	def := map[string]string{"https": "443", "http": "80"}[u.Scheme]
	alt := *u
	switch u.Port() {
	case "":
		alt.Host = u.Host + ":" + def
	case def:
		alt.Host = u.Hostname()
	default:
		return []string{fullURL}
	}
	return []string{fullURL, alt.String()}
}

// HandleWebhook implements [providers.Provider] for delivery status
// callbacks: it verifies [SignatureHeader] over the configured status
// callback URL and the form-encoded body ([providers.KindAuth] if it is
// missing or wrong) and returns one event of the types listed with
// [sms.EventDelivered], whose Data is an [sms.EventData]. The event's ID is
// Twilio's [IdempotencyHeader], else the message SID and status; Twilio's
// callbacks carry no time, so Time is zero. A status this package does not
// map yields no event.
func (p *Provider) HandleWebhook(_ context.Context, s providers.Settings, req *providers.WebhookRequest) ([]providers.Event, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	if st.callback == "" {
		return nil, providers.InvalidInput(errNoURL)
	}
	if req == nil {
		return nil, providers.AuthFailed(ErrSignature)
	}
	params, err := url.ParseQuery(string(req.Body))
	if err != nil {
		return nil, providers.AuthFailed(ErrSignature)
	}
	if Verify(st.token, st.callback, params, req.Header.Get(SignatureHeader)) != nil {
		return nil, providers.AuthFailed(ErrSignature)
	}
	status := params.Get("MessageStatus")
	if status == "" {
		status = params.Get("SmsStatus")
	}
	typ, ok := eventTypes[status]
	if !ok {
		return []providers.Event{}, nil
	}
	sid := params.Get("MessageSid")
	if sid == "" {
		sid = params.Get("SmsSid")
	}
	if sid == "" {
		return nil, providers.InvalidInput(errors.New("twilio: status callback without MessageSid"))
	}
	data, err := json.Marshal(&sms.EventData{Provider: Name, MessageID: sid, Status: status, To: params.Get("To"),
		From: params.Get("From"), ErrorCode: params.Get("ErrorCode")})
	if err != nil {
		return nil, fmt.Errorf("twilio: encode event: %w", err)
	}
	id := req.Header.Get(IdempotencyHeader)
	if id == "" {
		id = sid + ":" + status
	}
	return []providers.Event{{ID: id, Type: typ, Data: data}}, nil
}
