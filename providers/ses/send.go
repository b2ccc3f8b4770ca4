package ses

import (
	"context"
	"net/mail"
	"regexp"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
)

// TagMessageID is the message tag that carries the message's ID; SES
// publishes it with the message's events.
const TagMessageID = "intime_message_id"

// Do implements [providers.Provider]: [email.OpSend] is SendEmail with
// simple content.
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	return email.Handle(op, func(m *email.Message) (*email.Receipt, error) {
		st, err := parseSettings(s)
		if err != nil {
			return nil, err
		}
		return p.send(ctx, st, m)
	})
}

func (p *Provider) send(ctx context.Context, st *settings, m *email.Message) (*email.Receipt, error) {
	out, err := p.client(st).SendEmail(ctx, sendInput(m, st))
	if err != nil {
		return nil, classify(err)
	}
	id := aws.ToString(out.MessageId)
	p.cfg.Logger.InfoContext(ctx, "ses: message sent", "messageId", id, "region", st.region,
		"recipients", len(m.To)+len(m.Cc)+len(m.Bcc))
	return &email.Receipt{MessageID: id}, nil
}

var tagUnsafe = regexp.MustCompile(`[^A-Za-z0-9_-]`)

func sendInput(m *email.Message, st *settings) *sesv2.SendEmailInput {
	from := (&mail.Address{Name: or(m.FromName, st.fromName), Address: or(m.From, st.from)}).String()
	msg := &types.Message{Subject: &types.Content{Data: aws.String(m.Subject), Charset: aws.String("UTF-8")}, Body: &types.Body{}}
	if m.Text != "" {
		msg.Body.Text = &types.Content{Data: aws.String(m.Text), Charset: aws.String("UTF-8")}
	}
	if m.HTML != "" {
		msg.Body.Html = &types.Content{Data: aws.String(m.HTML), Charset: aws.String("UTF-8")}
	}
	keys := make([]string, 0, len(m.Headers))
	for k := range m.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		msg.Headers = append(msg.Headers, types.MessageHeader{Name: aws.String(k), Value: aws.String(m.Headers[k])})
	}
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(from),
		Destination:      &types.Destination{ToAddresses: m.To, CcAddresses: m.Cc, BccAddresses: m.Bcc},
		Content:          &types.EmailContent{Simple: msg},
	}
	if m.ReplyTo != "" {
		in.ReplyToAddresses = []string{m.ReplyTo}
	}
	if st.configurationSet != "" {
		in.ConfigurationSetName = aws.String(st.configurationSet)
	}
	if m.ID != "" {
		in.EmailTags = []types.MessageTag{{Name: aws.String(TagMessageID), Value: aws.String(tagUnsafe.ReplaceAllString(m.ID, "_"))}}
	}
	return in
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
