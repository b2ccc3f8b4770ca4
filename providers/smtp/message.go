package smtp

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"sort"
	"strings"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
)

// reservedHeaders are set by the provider; a message may not override them.
var reservedHeaders = map[string]bool{
	"From": true, "To": true, "Cc": true, "Bcc": true, "Reply-To": true, "Subject": true, "Date": true,
	"Message-Id": true, "Mime-Version": true, "Content-Type": true, "Content-Transfer-Encoding": true,
}

// envelope is a message ready for the wire.
type envelope struct {
	from      string   // MAIL FROM
	rcpt      []string // RCPT TO: To, Cc and Bcc
	messageID string   // without angle brackets
	data      []byte
}

// compose renders m as an RFC 5322 message: UTF-8 headers encoded per RFC
// 2047, quoted-printable bodies, multipart/alternative when there are both
// text and HTML. Bcc recipients get the message but no header.
func compose(m *email.Message, s *settings, now time.Time) (*envelope, error) {
	if err := checkHeaderValues(m); err != nil {
		return nil, providers.InvalidInput(err)
	}
	from, fromName := or(m.From, s.from), or(m.FromName, s.fromName)
	env := &envelope{from: from, messageID: messageID(m.ID, from)}
	env.rcpt = append(append(append(env.rcpt, m.To...), m.Cc...), m.Bcc...)

	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", (&mail.Address{Name: fromName, Address: from}).String())
	h("To", addressList(m.To))
	if len(m.Cc) > 0 {
		h("Cc", addressList(m.Cc))
	}
	if m.ReplyTo != "" {
		h("Reply-To", m.ReplyTo)
	}
	h("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	h("Date", now.Format(time.RFC1123Z))
	h("Message-ID", "<"+env.messageID+">")
	h("MIME-Version", "1.0")
	for _, k := range sortedKeys(m.Headers) {
		h(textproto.CanonicalMIMEHeaderKey(k), mime.QEncoding.Encode("utf-8", m.Headers[k]))
	}
	if err := writeBody(&b, m); err != nil {
		return nil, err
	}
	env.data = b.Bytes()
	return env, nil
}

func writeBody(b *bytes.Buffer, m *email.Message) error {
	if m.Text == "" || m.HTML == "" {
		ct, body := "text/plain; charset=utf-8", m.Text
		if m.HTML != "" {
			ct, body = "text/html; charset=utf-8", m.HTML
		}
		fmt.Fprintf(b, "Content-Type: %s\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", ct)
		return writeQP(b, body)
	}
	mw := multipart.NewWriter(b)
	fmt.Fprintf(b, "Content-Type: multipart/alternative; boundary=%q\r\n\r\n", mw.Boundary())
	for _, part := range []struct{ ct, body string }{{"text/plain; charset=utf-8", m.Text}, {"text/html; charset=utf-8", m.HTML}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {part.ct}, "Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return err
		}
		if err := writeQP(w, part.body); err != nil {
			return err
		}
	}
	return mw.Close()
}

func writeQP(w io.Writer, body string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := io.WriteString(qp, strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")); err != nil {
		return err
	}
	return qp.Close()
}

// checkHeaderValues refuses CR and LF in header values (header injection)
// and attempts to override the provider's own headers.
func checkHeaderValues(m *email.Message) error {
	vals := []string{m.Subject, m.FromName, m.ReplyTo}
	for k, v := range m.Headers {
		if reservedHeaders[textproto.CanonicalMIMEHeaderKey(k)] {
			return fmt.Errorf("smtp: header %s is set by the provider", k)
		}
		if k == "" || strings.ContainsAny(k, ": \t") {
			return fmt.Errorf("smtp: invalid header name %q", k)
		}
		vals = append(vals, k, v)
	}
	for _, v := range vals {
		if strings.ContainsAny(v, "\r\n") {
			return errors.New("smtp: header values may not contain line breaks")
		}
	}
	if m.ReplyTo != "" && !providers.ValidEmail(m.ReplyTo) {
		return fmt.Errorf("smtp: invalid reply-to address %q", m.ReplyTo)
	}
	return nil
}

// messageID derives the Message-ID from the message's ID (stable across
// attempts and failover) or makes a random one, in the sender's domain.
func messageID(id, from string) string {
	domain := from[strings.LastIndexByte(from, '@')+1:]
	if id == "" {
		var r [16]byte
		_, _ = rand.Read(r[:])
		id = hex.EncodeToString(r[:])
	}
	local := strings.Map(func(r rune) rune {
		if r < 0x21 || r > 0x7e || strings.ContainsRune(`<>@()[]\,;:"`, r) {
			return '-'
		}
		return r
	}, id)
	return local + "@" + domain
}

func addressList(list []string) string {
	return strings.Join(list, ", ")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
