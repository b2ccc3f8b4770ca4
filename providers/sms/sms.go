package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/intimeos/integrations/providers"
)

// OpSend is the operation name of sending a text message.
const OpSend = "sms.send"

// MaxBody is the longest body, in characters, that a message may have
// (Twilio's limit: the message is sent as up to 10 segments).
const MaxBody = 1600

// The normalised delivery event types.
const (
	EventQueued      = "sms.queued"      // accepted, scheduled or queued by the provider
	EventSending     = "sms.sending"     // being handed to the carrier
	EventSent        = "sms.sent"        // handed to the carrier
	EventDelivered   = "sms.delivered"   // the carrier confirmed delivery
	EventUndelivered = "sms.undelivered" // the carrier could not deliver it
	EventFailed      = "sms.failed"      // the provider could not send it
	EventRead        = "sms.read"        // read receipt (WhatsApp, RCS)
	EventCanceled    = "sms.canceled"    // a scheduled message was canceled
)

// Message is a text message to send.
type Message struct {
	// ID identifies the message across attempts and failover; it becomes
	// the operation's IdempotencyKey. Optional.
	ID string `json:"id,omitempty"`
	// To is the recipient in E.164 form: "+15551234567".
	To string `json:"to"`
	// From overrides the integration's sending number (E.164). Optional.
	From string `json:"from,omitempty"`
	// Body is the text, 1 to [MaxBody] characters.
	Body string `json:"body"`
	// MediaURLs are images to send as MMS, where the provider supports it.
	MediaURLs []string `json:"mediaUrls,omitempty"`
}

// Receipt is a provider's acknowledgement of a message it accepted.
type Receipt struct {
	// MessageID is the provider's ID for the message (Twilio's SM... SID).
	MessageID string `json:"messageId"`
	// Status is the provider's status at acceptance, e.g. "queued".
	Status string `json:"status,omitempty"`
	// Segments is how many segments the body is sent as, if known.
	Segments int `json:"segments,omitempty"`
}

// EventData is the Data of a normalised delivery event.
type EventData struct {
	// Provider names the provider: "twilio".
	Provider string `json:"provider"`
	// MessageID is the provider's ID of the message ([Receipt.MessageID]).
	MessageID string `json:"messageId"`
	// Status is the provider's own status, e.g. "undelivered".
	Status string `json:"status"`
	To     string `json:"to,omitempty"`
	From   string `json:"from,omitempty"`
	// ErrorCode is the provider's error code for a failed or undelivered
	// message, e.g. "30003".
	ErrorCode string `json:"errorCode,omitempty"`
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

// ValidPhone reports whether s is a phone number in E.164 form.
func ValidPhone(s string) bool { return e164.MatchString(s) }

// Validate checks the message: an E.164 recipient (and sender, if set) and
// a body of 1 to [MaxBody] characters. Errors are
// [providers.KindInvalidInput].
func (m *Message) Validate() error {
	var errs []error
	if !ValidPhone(m.To) {
		errs = append(errs, fmt.Errorf("recipient %q is not an E.164 phone number such as +15551234567", m.To))
	}
	if m.From != "" && !ValidPhone(m.From) {
		errs = append(errs, fmt.Errorf("sender %q is not an E.164 phone number", m.From))
	}
	switch n := utf8.RuneCountInString(m.Body); {
	case n == 0 && len(m.MediaURLs) == 0:
		errs = append(errs, errors.New("a body is required"))
	case n > MaxBody:
		errs = append(errs, fmt.Errorf("the body has %d characters, more than %d", n, MaxBody))
	}
	if err := errors.Join(errs...); err != nil {
		return providers.InvalidInput(fmt.Errorf("sms: %w", err))
	}
	return nil
}

// Send validates m and sends it through c.
func Send(ctx context.Context, c providers.Caller, m *Message) (*Receipt, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	payload, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("sms: encode: %w", err)
	}
	res, err := c.Call(ctx, &providers.Operation{Name: OpSend, Payload: payload, IdempotencyKey: m.ID})
	if err != nil {
		return nil, err
	}
	var r Receipt
	if len(res.Payload) > 0 {
		if err := json.Unmarshal(res.Payload, &r); err != nil {
			return nil, fmt.Errorf("sms: decode receipt: %w", err)
		}
	}
	return &r, nil
}

// Handle implements OpSend in a provider's Do: it decodes and validates
// the message, calls send and encodes the receipt. Other operations are
// answered with [providers.UnknownOperation].
func Handle(op *providers.Operation, send func(*Message) (*Receipt, error)) (*providers.Result, error) {
	if op == nil || op.Name != OpSend {
		return nil, providers.UnknownOperation(op)
	}
	var m Message
	if err := json.Unmarshal(op.Payload, &m); err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("sms: decode message: %w", err))
	}
	if m.ID == "" {
		m.ID = op.IdempotencyKey
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	r, err := send(&m)
	if err != nil {
		return nil, err
	}
	payload, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("sms: encode receipt: %w", err)
	}
	return &providers.Result{Payload: payload}, nil
}
