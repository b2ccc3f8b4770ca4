package sendgrid

import (
	"context"
	"net/http"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
)

// Do implements [providers.Provider]: [email.OpSend] posts to /v3/mail/send;
// [providers.OpKeyMint] and [providers.OpKeyRevoke] go to the API keys API
// ([Provider.KeyMint], [Provider.KeyRevoke]).
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	if res, ok, err := providers.HandleKeyOps(ctx, p, s, op); ok {
		return res, err
	}
	return email.Handle(op, func(m *email.Message) (*email.Receipt, error) {
		st, err := parseSettings(s)
		if err != nil {
			return nil, err
		}
		return p.send(ctx, st, m)
	})
}

type address struct {
	Email string `json:"email"`
	Name  string `json:"name,omitempty"`
}

type personalization struct {
	To  []address `json:"to"`
	Cc  []address `json:"cc,omitempty"`
	Bcc []address `json:"bcc,omitempty"`
}

type content struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// mailSend is the body of POST /v3/mail/send.
type mailSend struct {
	Personalizations []personalization `json:"personalizations"`
	From             address           `json:"from"`
	ReplyTo          *address          `json:"reply_to,omitempty"`
	Subject          string            `json:"subject"`
	Content          []content         `json:"content"`
	Headers          map[string]string `json:"headers,omitempty"`
	CustomArgs       map[string]string `json:"custom_args,omitempty"`
}

// CustomArgMessageID is the custom argument that carries the message's ID:
// SendGrid echoes it in every event of the message.
const CustomArgMessageID = "intime_message_id"

func mailBody(m *email.Message, st *settings) *mailSend {
	list := func(addrs []string) []address {
		out := make([]address, len(addrs))
		for i, a := range addrs {
			out[i] = address{Email: a}
		}
		return out
	}
	b := &mailSend{
		Personalizations: []personalization{{To: list(m.To), Cc: list(m.Cc), Bcc: list(m.Bcc)}},
		From:             address{Email: or(m.From, st.from), Name: or(m.FromName, st.fromName)},
		Subject:          m.Subject,
		Headers:          m.Headers,
	}
	if m.ReplyTo != "" {
		b.ReplyTo = &address{Email: m.ReplyTo}
	}
	if m.Text != "" { // text/plain must come first
		b.Content = append(b.Content, content{Type: "text/plain", Value: m.Text})
	}
	if m.HTML != "" {
		b.Content = append(b.Content, content{Type: "text/html", Value: m.HTML})
	}
	if m.ID != "" {
		b.CustomArgs = map[string]string{CustomArgMessageID: m.ID}
	}
	return b
}

func (p *Provider) send(ctx context.Context, st *settings, m *email.Message) (*email.Receipt, error) {
	resp, _, err := p.call(ctx, st, http.MethodPost, "/v3/mail/send", mailBody(m, st))
	if err != nil {
		return nil, err
	}
	id := resp.Header.Get("X-Message-Id")
	if id == "" {
		return nil, providers.NewError(providers.KindPermanent, errNoMessageID)
	}
	p.cfg.Logger.InfoContext(ctx, "sendgrid: message accepted", "messageId", id,
		"recipients", len(m.To)+len(m.Cc)+len(m.Bcc))
	return &email.Receipt{MessageID: id}, nil
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
