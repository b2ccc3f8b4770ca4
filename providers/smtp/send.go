package smtp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
)

// TestRequest is the payload of [OpSendTest].
type TestRequest struct {
	// To is the address the test email goes to.
	To string `json:"to"`
}

// Do implements [providers.Provider]: [email.OpSend] sends a message,
// [OpSendTest] the "Send Test Email" message.
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	if op != nil && op.Name == OpSendTest {
		return p.sendTest(ctx, s, op)
	}
	return email.Handle(op, func(m *email.Message) (*email.Receipt, error) {
		st, err := parseSettings(s)
		if err != nil {
			return nil, err
		}
		return p.send(ctx, st, m)
	})
}

// sendTest sends the "Send Test Email" message.
func (p *Provider) sendTest(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	var req TestRequest
	if err := json.Unmarshal(op.Payload, &req); err != nil || !providers.ValidEmail(req.To) {
		return nil, providers.InvalidInput(errors.New("smtp: the test email needs a valid address"))
	}
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	m := TestMessage(s, req.To)
	r, err := p.send(ctx, st, m)
	if err != nil {
		return nil, err
	}
	payload, _ := json.Marshal(r)
	return &providers.Result{Payload: payload}, nil
}

// TestMessage returns the "Send Test Email" message for settings s.
func TestMessage(s providers.Settings, to string) *email.Message {
	return &email.Message{
		To:      []string{to},
		Subject: "InTime test email",
		Text: fmt.Sprintf("This is a test email from InTime.\n\nIt was sent through %s (%s, port %s). "+
			"If you can read it, your email integration works.\n", s[FieldProvider], s[FieldHost], s[FieldPort]),
	}
}

// send sends m over a new connection.
func (p *Provider) send(ctx context.Context, st *settings, m *email.Message) (*email.Receipt, error) {
	env, err := compose(m, st, p.cfg.Now())
	if err != nil {
		return nil, err
	}
	ss := p.newSession(ctx, st)
	defer ss.close()
	if err := ss.open(); err != nil {
		return nil, classify(ctx, err)
	}
	if err := ss.client.SendMail(env.from, env.rcpt, bytes.NewReader(env.data)); err != nil {
		return nil, classify(ctx, err)
	}
	ss.done = true
	p.cfg.Logger.InfoContext(ctx, "smtp: message sent", "host", st.host, "port", st.port,
		"recipients", len(env.rcpt), "messageId", env.messageID, "unencrypted", st.port == PortPlain)
	return &email.Receipt{MessageID: env.messageID}, nil
}

// open connects, secures and authenticates.
func (ss *session) open() error {
	if ss.s.port == PortPlain {
		ss.cfg.Logger.WarnContext(ss.ctx, "smtp: unencrypted connection (port 25)", "host", ss.s.host)
	}
	if err := ss.dial(ss.s.host); err != nil {
		return err
	}
	if err := ss.secure(); err != nil {
		return err
	}
	return ss.auth()
}
