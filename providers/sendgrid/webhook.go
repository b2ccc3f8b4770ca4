package sendgrid

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/intimeos/integrations/providers"
)

// The signed Event Webhook's headers.
const (
	HeaderSignature = "X-Twilio-Email-Event-Webhook-Signature"
	HeaderTimestamp = "X-Twilio-Email-Event-Webhook-Timestamp"
)

// EventTypes maps SendGrid's event names to the normalised types. Events
// not listed (group_resubscribe, ...) are dropped.
var EventTypes = map[string]string{
	"processed":         "email.processed",
	"dropped":           "email.dropped",
	"deferred":          "email.deferred",
	"delivered":         "email.delivered",
	"bounce":            "email.bounced",
	"open":              "email.opened",
	"click":             "email.clicked",
	"spamreport":        "email.complained",
	"unsubscribe":       "email.unsubscribed",
	"group_unsubscribe": "email.unsubscribed",
}

var (
	errNoKey     = errors.New("sendgrid: the Event Webhook verification key is not configured")
	errSignature = errors.New("sendgrid: invalid Event Webhook signature")
	errStale     = errors.New("sendgrid: Event Webhook timestamp outside the allowed age")
)

// HandleWebhook implements [providers.Provider]: it verifies the signed
// Event Webhook (ECDSA P-256 over SHA-256 of the timestamp header followed
// by the body, checked with the configured verification key) and returns
// the events normalised. A missing or wrong signature is
// [providers.KindAuth]; no configured key is [providers.KindInvalidInput].
func (p *Provider) HandleWebhook(_ context.Context, s providers.Settings, req *providers.WebhookRequest) ([]providers.Event, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	if st.key == nil {
		return nil, providers.InvalidInput(errNoKey)
	}
	if err := p.verify(st.key, req); err != nil {
		return nil, providers.AuthFailed(err)
	}
	var raw []rawEvent
	if err := json.Unmarshal(req.Body, &raw); err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("sendgrid: decode events: %w", err))
	}
	out := make([]providers.Event, 0, len(raw))
	for _, r := range raw {
		if ev, ok := r.normalise(); ok {
			out = append(out, ev)
		}
	}
	return out, nil
}

func (p *Provider) verify(key *ecdsa.PublicKey, req *providers.WebhookRequest) error {
	if req == nil || req.Header == nil {
		return errSignature
	}
	ts := req.Header.Get(HeaderTimestamp)
	sig, err := base64.StdEncoding.DecodeString(req.Header.Get(HeaderSignature))
	if ts == "" || err != nil || len(sig) == 0 {
		return errSignature
	}
	if !ecdsa.VerifyASN1(key, Digest(ts, req.Body), sig) {
		return errSignature
	}
	if p.cfg.WebhookMaxAge > 0 {
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			return errStale
		}
		if d := p.cfg.Now().Sub(time.Unix(sec, 0)); d > p.cfg.WebhookMaxAge || d < -p.cfg.WebhookMaxAge {
			return errStale
		}
	}
	return nil
}

// Digest is what SendGrid signs: SHA-256 of the timestamp header followed
// by the raw body.
func Digest(timestamp string, body []byte) []byte {
	h := sha256.New()
	h.Write([]byte(timestamp))
	h.Write(body)
	return h.Sum(nil)
}

// rawEvent is one SendGrid event, the fields we keep.
type rawEvent struct {
	Event       string `json:"event"`
	Email       string `json:"email"`
	Timestamp   int64  `json:"timestamp"`
	EventID     string `json:"sg_event_id"`
	SGMessageID string `json:"sg_message_id"`
	Reason      string `json:"reason"`
	Status      string `json:"status"`
	Type        string `json:"type"`
	URL         string `json:"url"`
	MessageID   string `json:"intime_message_id"`
}

// EventData is the normalised payload of an event.
type EventData struct {
	Provider string `json:"provider"`
	// Event is SendGrid's own event name.
	Event string `json:"event"`
	Email string `json:"email"`
	// ProviderMessageID is the X-Message-Id the send returned.
	ProviderMessageID string `json:"providerMessageId,omitempty"`
	// MessageID is the message's own ID (email.Message.ID), if it had one.
	MessageID string `json:"messageId,omitempty"`
	Reason    string `json:"reason,omitempty"`
	Status    string `json:"status,omitempty"`
	// BounceType is "bounce" or "blocked" for bounces.
	BounceType string `json:"bounceType,omitempty"`
	URL        string `json:"url,omitempty"`
}

func (r *rawEvent) normalise() (providers.Event, bool) {
	typ, ok := EventTypes[r.Event]
	if !ok {
		return providers.Event{}, false
	}
	d := EventData{Provider: Name, Event: r.Event, Email: r.Email, MessageID: r.MessageID,
		Reason: r.Reason, Status: r.Status, URL: r.URL}
	d.ProviderMessageID, _, _ = strings.Cut(r.SGMessageID, ".")
	if r.Event == "bounce" {
		d.BounceType = r.Type
	}
	data, _ := json.Marshal(d)
	ev := providers.Event{ID: r.EventID, Type: typ, Data: data}
	if r.Timestamp != 0 {
		ev.Time = time.Unix(r.Timestamp, 0).UTC()
	}
	return ev, true
}
