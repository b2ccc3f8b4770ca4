package sms

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
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
	return httpapi.CallValid[Receipt](ctx, c, "sms", OpSend, m, m.ID)
}

// sender sends one message: the provider's part of [Handle].
type sender = func(*Message) (*Receipt, error)

// ops is the one operation, run by the provider's sender.
var ops = httpapi.NewOps("sms", httpapi.Typed(OpSend,
	func(send sender, _ context.Context, m *Message) (*Receipt, error) { return send(m) },
	func(op *providers.Operation, m *Message) { httpapi.KeyAsID(op, &m.ID) }))

// Handle implements OpSend in a provider's Do: it decodes and validates
// the message, calls send and encodes the receipt. A message without an ID
// takes the operation's IdempotencyKey. Other operations are answered with
// [providers.UnknownOperation].
func Handle(op *providers.Operation, send func(*Message) (*Receipt, error)) (*providers.Result, error) {
	// send takes no context: the one given here reaches nothing that waits.
	return ops.Handle(context.Background(), op, send)
}
