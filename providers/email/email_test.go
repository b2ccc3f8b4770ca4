package email_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
)

// smtpish is an email provider that records what it sends.
type smtpish struct {
	providers.UnimplementedProvider
	sent []*email.Message
}

func (p *smtpish) Do(_ context.Context, _ providers.Settings, op *providers.Operation) (*providers.Result, error) {
	return email.Handle(op, func(m *email.Message) (*email.Receipt, error) {
		p.sent = append(p.sent, m)
		return &email.Receipt{MessageID: fmt.Sprintf("m%d", len(p.sent))}, nil
	})
}

func TestSend(t *testing.T) {
	t.Parallel()
	p := &smtpish{}
	inst := providers.NewInstance("SMTP", p, nil, nil)
	msg := &email.Message{ID: "k1", To: []string{"a@example.com"}, Subject: "Hi", HTML: "<p>Hi</p>"}
	r, err := email.Send(t.Context(), inst, msg)
	require.NoError(t, err)
	require.Equal(t, "m1", r.MessageID)
	require.Equal(t, msg, p.sent[0])

	for _, bad := range []*email.Message{
		{Subject: "x", Text: "x"},
		{To: []string{"not an address"}, Subject: "x", Text: "x"},
		{To: []string{"a@example.com"}, Text: "x"},
		{To: []string{"a@example.com"}, Subject: "x"},
		{To: []string{"a@example.com"}, From: "nope", Subject: "x", Text: "x"},
	} {
		_, err := email.Send(t.Context(), inst, bad)
		require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	}
	require.Len(t, p.sent, 1)

	// A provider validates too, and uses the idempotency key as the ID.
	_, err = p.Do(t.Context(), nil, &providers.Operation{Name: email.OpSend, Payload: json.RawMessage(`{"to":[]}`)})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	_, err = p.Do(t.Context(), nil, &providers.Operation{Name: email.OpSend, IdempotencyKey: "k2",
		Payload: json.RawMessage(`{"to":["b@example.com"],"subject":"s","text":"t"}`)})
	require.NoError(t, err)
	require.Equal(t, "k2", p.sent[1].ID)
	_, err = p.Do(t.Context(), nil, &providers.Operation{Name: "sms.send"})
	require.ErrorIs(t, err, providers.ErrUnsupported)
}

func ExampleSend() {
	inst := providers.NewInstance("SMTP", &smtpish{}, nil, nil)
	r, err := email.Send(context.Background(), inst, &email.Message{
		To: []string{"jane@example.com"}, Subject: "Interview", Text: "See you at 10.",
	})
	fmt.Println(r.MessageID, err)
	// Output: m1 <nil>
}
