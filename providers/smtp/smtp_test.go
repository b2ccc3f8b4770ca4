package smtp_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/providers/smtp"
)

func sendOp(t *testing.T, m *email.Message) *providers.Operation {
	t.Helper()
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return &providers.Operation{Name: email.OpSend, Payload: b}
}

// TestConformance runs providertest against a real SMTP server (STARTTLS on
// 587, AUTH), in process and as a plugin process.
func TestConformance(t *testing.T) {
	t.Parallel()
	srv, s := setup(t, nil)
	closed := settingsFor(emailtest.FreeLoopback().String(), 587, srv.CAPEM)
	_, untrusted := setup(t, &emailtest.SMTPOpts{UntrustedCert: true})
	msg := &email.Message{To: []string{"jane@example.com"}, Subject: "Interview", Text: "See you at 10."}
	suite := &providertest.Suite{
		Settings: s,
		Calls: []providertest.Call{
			{Name: "send", Op: sendOp(t, msg)},
			{Name: "send test email", Op: &providers.Operation{Name: smtp.OpSendTest, Payload: json.RawMessage(`{"to":"admin@intime.example"}`)}},
		},
		Failures: []providertest.Failure{
			{Name: "wrong password", Settings: with(s, smtp.FieldPassword, "wrong"), Op: sendOp(t, msg), Kind: providers.KindAuth},
			{Name: "closed port", Settings: closed, Op: sendOp(t, msg), Kind: providers.KindRetryable},
			{Name: "untrusted certificate", Settings: untrusted, Op: sendOp(t, msg), Kind: providers.KindPermanent},
			{Name: "invalid settings", Settings: with(s, smtp.FieldPort, "2525"), Op: sendOp(t, msg), Kind: providers.KindInvalidInput},
			{Name: "no recipient", Op: sendOp(t, &email.Message{Subject: "x", Text: "x"}), Kind: providers.KindInvalidInput},
			{Name: "header injection", Op: sendOp(t, &email.Message{To: []string{"a@example.com"}, Subject: "x\r\nBcc: b@example.com", Text: "x"}),
				Kind: providers.KindInvalidInput},
		},
	}
	t.Run("in process", func(t *testing.T) { providertest.Exercise(t, smtp.New(nil), suite) })
	t.Run("plugin", func(t *testing.T) { providertest.Exercise(t, providertest.Plugin(t, "smtp"), suite) })
	require.Len(t, srv.Messages(), 4, "two calls, twice")
}

// TestSendPorts sends through each port's security: STARTTLS on 587,
// implicit TLS on 465, plain on 25, and reads the message back from the
// server: from, to, subject and body.
func TestSendPorts(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		port    int
		tls     bool
		mechs   []string
		wantMec string
	}{
		{587, true, nil, "PLAIN"},
		{465, true, nil, "PLAIN"},
		{25, false, nil, "PLAIN"},
		{587, true, []string{"LOGIN"}, "LOGIN"},
	} {
		t.Run(tt.wantMec+"/"+itoa(tt.port), func(t *testing.T) {
			t.Parallel()
			srv, s := setup(t, &emailtest.SMTPOpts{Port: tt.port, Mechanisms: tt.mechs})
			r, err := email.Send(t.Context(), providers.NewInstance("SMTP", smtp.New(nil), s, nil), &email.Message{
				ID: "msg-1", To: []string{"jane@example.com"}, Cc: []string{"hr@example.com"}, Bcc: []string{"audit@example.com"},
				Subject: "Interview ✓ confirmed", Text: "See you at 10.\nBring your ID.", HTML: "<p>See you at 10.</p>",
				Headers: map[string]string{"X-Campaign": "onboarding"},
			})
			require.NoError(t, err)
			require.Equal(t, "msg-1@intime.example", r.MessageID)
			rec, p := only(t, srv)
			require.Equal(t, tt.tls, rec.TLS)
			require.Equal(t, tt.wantMec, rec.Mechanism)
			require.Equal(t, user, rec.Auth)
			require.Equal(t, "noreply@intime.example", rec.From)
			require.Equal(t, []string{"jane@example.com", "hr@example.com", "audit@example.com"}, rec.To)
			require.Equal(t, "InTime Staffing", p.From.Name)
			require.Equal(t, "noreply@intime.example", p.From.Address)
			require.Equal(t, "jane@example.com", p.To[0].Address)
			require.Equal(t, "Interview ✓ confirmed", p.Subject)
			require.Equal(t, "See you at 10.\r\nBring your ID.", p.Text)
			require.Equal(t, "<p>See you at 10.</p>", p.HTML)
			require.Equal(t, "onboarding", p.Header.Get("X-Campaign"))
			require.Equal(t, "<msg-1@intime.example>", p.Header.Get("Message-Id"))
			require.Empty(t, p.Header.Get("Bcc"))
		})
	}
}

// TestSendTestEmail is the "Send Test Email" button: the message lands in
// the server.
func TestSendTestEmail(t *testing.T) {
	t.Parallel()
	srv, s := setup(t, nil)
	res, err := smtp.New(nil).Do(t.Context(), s, &providers.Operation{Name: smtp.OpSendTest,
		Payload: json.RawMessage(`{"to":"admin@intime.example"}`)})
	require.NoError(t, err)
	var r email.Receipt
	require.NoError(t, json.Unmarshal(res.Payload, &r))
	require.NotEmpty(t, r.MessageID)
	rec, p := only(t, srv)
	require.Equal(t, []string{"admin@intime.example"}, rec.To)
	require.Equal(t, "InTime test email", p.Subject)
	require.Contains(t, p.Text, "sent through Custom SMTP ("+srv.Host+", port 587)")

	_, err = smtp.New(nil).Do(t.Context(), s, &providers.Operation{Name: smtp.OpSendTest, Payload: json.RawMessage(`{"to":"nobody"}`)})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
}

// TestNoStartTLS refuses to send in the clear on 587 when the server does
// not offer STARTTLS.
func TestNoStartTLS(t *testing.T) {
	t.Parallel()
	srv, s := setup(t, &emailtest.SMTPOpts{NoStartTLS: true})
	_, err := email.Send(t.Context(), providers.NewInstance("SMTP", smtp.New(nil), s, nil),
		&email.Message{To: []string{"jane@example.com"}, Subject: "x", Text: "x"})
	require.Error(t, err)
	require.Equal(t, "SSL certificate verification failed", providers.UserMessage(err, "Custom SMTP"))
	require.NotContains(t, err.Error(), pass)
	require.Empty(t, srv.Messages())
}
