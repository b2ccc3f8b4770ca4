package admin_test

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/admin"
	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers/email"
	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/providers/smtp"
	"github.com/intimeos/integrations/storage"
)

const (
	smtpUser     = "apikey"
	smtpPassword = "smtp-password-9f8e7d6c5b4a"
)

// smtpServer starts a real SMTP server (STARTTLS on 587 of its own
// loopback address) that accepts the test's credentials.
func smtpServer(t *testing.T) *emailtest.SMTPServer {
	t.Helper()
	return emailtest.StartSMTP(t, &emailtest.SMTPOpts{Username: smtpUser, Password: smtpPassword})
}

// smtpSettings are the §4 form's values for a server.
func smtpSettings(srv *emailtest.SMTPServer) map[string]string {
	return map[string]string{smtp.FieldProvider: smtp.PresetCustom, smtp.FieldHost: srv.Host, smtp.FieldPort: "587",
		smtp.FieldUsername: smtpUser, smtp.FieldPassword: smtpPassword, smtp.FieldFromEmail: "noreply@intime.example",
		smtp.FieldFromName: "InTime Staffing", smtp.FieldRootCA: srv.CAPEM}
}

// smtpIntegration adds an SMTP integration through the API.
func (e *env) smtpIntegration(t *testing.T, name string, srv *emailtest.SMTPServer) *admin.Integration {
	t.Helper()
	r := e.call(t, "POST", "/api/integrations", map[string]any{"integrationType": integration.TypeEmail,
		"integrationProvider": smtp.Name, "integrationName": name, "settings": smtpSettings(srv)})
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	var in admin.Integration
	r.decode(t, &in)
	return &in
}

// sendEmail sends an email through the organization's email integration,
// as the host does.
func (e *env) sendEmail(t *testing.T, subject string) (*email.Receipt, error) {
	t.Helper()
	return e.mgr.Email(e.org).Send(e.ctx, &email.Message{To: []string{"candidate@example.com"}, Subject: subject, Text: "See you at 10."})
}

// logged waits until the integration's log holds an entry with message.
func (e *env) logged(t *testing.T, integrationID uuid.UUID, message string) *storage.LogEntry {
	t.Helper()
	var found *storage.LogEntry
	waitFor(t, "log entry "+message, func() bool {
		p, err := e.store.LogList(e.ctx, &storage.LogListParams{OrganizationID: e.org, IntegrationID: integrationID, Limit: 100})
		if err != nil {
			return false
		}
		for _, l := range p.Items {
			if l.Message == message {
				found = l
				return true
			}
		}
		return false
	})
	return found
}

// raiseAlert opens an alert on an integration, as the host's alert rules
// do.
func (e *env) raiseAlert(t *testing.T, integrationID uuid.UUID, title, impact string) *storage.Alert {
	t.Helper()
	a, err := e.store.AlertRaise(e.ctx, &storage.AlertRaiseParams{OrganizationID: e.org, IntegrationID: integrationID,
		DedupKey: "test:" + title, Severity: storage.AlertCritical, Title: title, Message: title, Impact: impact})
	require.NoError(t, err)
	return a
}
