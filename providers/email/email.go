package email

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/intimeos/integrations/providers"
)

// OpSend is the operation name of sending an email.
const OpSend = "email.send"

// Message is an email to send.
type Message struct {
	// ID identifies the message across attempts and failover; it becomes
	// the operation's IdempotencyKey. Optional.
	ID string `json:"id,omitempty"`
	// From overrides the integration's fromEmail; FromName its fromName.
	From     string            `json:"from,omitempty"`
	FromName string            `json:"fromName,omitempty"`
	To       []string          `json:"to"`
	Cc       []string          `json:"cc,omitempty"`
	Bcc      []string          `json:"bcc,omitempty"`
	ReplyTo  string            `json:"replyTo,omitempty"`
	Subject  string            `json:"subject"`
	Text     string            `json:"text,omitempty"`
	HTML     string            `json:"html,omitempty"`
	Headers  map[string]string `json:"headers,omitempty"`
}

// Receipt is a provider's acknowledgement of a sent message.
type Receipt struct {
	// MessageID is the provider's ID for the message.
	MessageID string `json:"messageId"`
}

// Validate checks the message: at least one recipient, valid addresses, a
// subject and a body. Errors are [providers.KindInvalidInput].
func (m *Message) Validate() error {
	var errs []error
	if len(m.To) == 0 {
		errs = append(errs, errors.New("at least one recipient is required"))
	}
	for _, list := range [][]string{m.To, m.Cc, m.Bcc} {
		for _, a := range list {
			if !providers.ValidEmail(a) {
				errs = append(errs, fmt.Errorf("invalid recipient %q", a))
			}
		}
	}
	if m.From != "" && !providers.ValidEmail(m.From) {
		errs = append(errs, fmt.Errorf("invalid sender %q", m.From))
	}
	if m.Subject == "" {
		errs = append(errs, errors.New("subject is required"))
	}
	if m.Text == "" && m.HTML == "" {
		errs = append(errs, errors.New("a text or HTML body is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return providers.InvalidInput(fmt.Errorf("email: %w", err))
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
		return nil, fmt.Errorf("email: encode: %w", err)
	}
	res, err := c.Call(ctx, &providers.Operation{Name: OpSend, Payload: payload, IdempotencyKey: m.ID})
	if err != nil {
		return nil, err
	}
	var r Receipt
	if len(res.Payload) > 0 {
		if err := json.Unmarshal(res.Payload, &r); err != nil {
			return nil, fmt.Errorf("email: decode receipt: %w", err)
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
		return nil, providers.InvalidInput(fmt.Errorf("email: decode message: %w", err))
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
		return nil, fmt.Errorf("email: encode receipt: %w", err)
	}
	return &providers.Result{Payload: payload}, nil
}
