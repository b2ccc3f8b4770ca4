package sms_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/sms"
)

// texter is an SMS provider that records what it sends.
type texter struct {
	providers.UnimplementedProvider
	sent []*sms.Message
}

func (p *texter) Do(_ context.Context, _ providers.Settings, op *providers.Operation) (*providers.Result, error) {
	return sms.Handle(op, func(m *sms.Message) (*sms.Receipt, error) {
		p.sent = append(p.sent, m)
		return &sms.Receipt{MessageID: fmt.Sprintf("SM%d", len(p.sent)), Status: "queued"}, nil
	})
}

func TestSend(t *testing.T) {
	t.Parallel()
	p := &texter{}
	inst := providers.NewInstance("Texter", p, nil, nil)
	msg := &sms.Message{ID: "k1", To: "+15551234567", Body: "Your interview is at 10."}
	r, err := sms.Send(t.Context(), inst, msg)
	require.NoError(t, err)
	require.Equal(t, &sms.Receipt{MessageID: "SM1", Status: "queued"}, r)
	require.Equal(t, msg, p.sent[0])

	for _, bad := range []*sms.Message{
		{To: "5551234567", Body: "x"},
		{To: "+05551234567", Body: "x"},
		{To: "+15551234567"},
		{To: "+15551234567", From: "me", Body: "x"},
		{To: "+15551234567", Body: strings.Repeat("é", sms.MaxBody+1)},
	} {
		_, err := sms.Send(t.Context(), inst, bad)
		require.Equal(t, providers.KindInvalidInput, providers.KindOf(err), "%+v", bad)
	}
	require.Len(t, p.sent, 1)

	_, err = sms.Send(t.Context(), inst, &sms.Message{To: "+15551234567", Body: strings.Repeat("é", sms.MaxBody)})
	require.NoError(t, err, "MaxBody characters, not bytes")

	// A provider validates too, and uses the idempotency key as the ID.
	_, err = p.Do(t.Context(), nil, &providers.Operation{Name: sms.OpSend, Payload: json.RawMessage(`{"to":"+1"}`)})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	_, err = p.Do(t.Context(), nil, &providers.Operation{Name: sms.OpSend, IdempotencyKey: "k2",
		Payload: json.RawMessage(`{"to":"+447700900123","body":"hi"}`)})
	require.NoError(t, err)
	require.Equal(t, "k2", p.sent[2].ID)
	_, err = p.Do(t.Context(), nil, &providers.Operation{Name: sms.OpSend, Payload: json.RawMessage(`[`)})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	_, err = p.Do(t.Context(), nil, &providers.Operation{Name: "email.send"})
	require.ErrorIs(t, err, providers.ErrUnsupported)
}

func ExampleSend() {
	inst := providers.NewInstance("Texter", &texter{}, nil, nil)
	r, err := sms.Send(context.Background(), inst, &sms.Message{To: "+15551234567", Body: "See you at 10."})
	fmt.Println(r.MessageID, r.Status, err)
	// Output: SM1 queued <nil>
}
