package alerts_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/integration/alerts"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/providers/slack"
	"github.com/intimeos/integrations/storage"
)

// TestAdminInt011FailoverAlert is ADMIN-INT-011 with its alert: the
// primary email provider (SendGrid) fails, the call moves to the backup
// (SMTP), and the switch raises the "Switched to backup" alert, which is
// posted to the organization's Slack integration and emailed to its
// recipients through its own email route (which sends it through the
// backup as well).
func TestAdminInt011FailoverAlert(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open)
		down := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: "SG.test-key-123456", FailStatus: 503})
		mail := emailtest.StartSMTP(t, &emailtest.SMTPOpts{Username: "apikey", Password: "SG.smtp-secret"})
		hook := newFakeSlack(t)
		eng := e.engine(t, &alerts.Config{Notifiers: []alerts.Notifier{&alerts.EmailNotifier{Dispatcher: e.mgr},
			&alerts.SlackNotifier{Dispatcher: e.mgr}}})

		sg := e.create(t, &integration.CreateParams{Type: integration.TypeEmail, Provider: "sendgrid", Name: "SendGrid",
			Settings: sendgridSettings(down.URL)})
		backup := e.create(t, &integration.CreateParams{Type: integration.TypeEmail, Provider: "smtp", Name: "SMTP backup",
			Settings: smtpSettings(mail, "SG.smtp-secret")})
		_, err := e.mgr.BackupSet(e.ctx, e.org, integration.TypeEmail, backup.ID)
		require.NoError(t, err)
		chat := e.create(t, &integration.CreateParams{Type: integration.TypeSlack, Provider: "slack", Name: "Ops Slack",
			Settings: providers.Settings{slack.FieldWebhookURL: hook.HookURL()}})
		require.Equal(t, storage.IntegrationActive, chat.Status, chat.ErrorMessage)
		_, err = e.store.AlertSettingsSet(e.ctx, &storage.AlertSettings{OrganizationID: e.org,
			EmailTo: []string{"ops@intime.com"}, Slack: true})
		require.NoError(t, err)

		_, err = e.mgr.Email(e.org).Send(e.ctx, &email.Message{ID: "offer-42", To: []string{"candidate@example.com"},
			Subject: "Interview Invitation", Text: "See you at 10."})
		require.NoError(t, err, "sent through the backup")

		a := e.openAlert(t, alerts.KeyFailover+integration.TypeEmail)
		require.NotNil(t, a, "the switch raised an alert")
		require.Equal(t, storage.AlertWarning, a.Severity)
		require.Equal(t, sg.ID, a.IntegrationID)
		require.Equal(t, "Email (SMTP): Switched to backup (SMTP)", a.Title)
		require.Equal(t, "Switched to backup SMTP after SendGrid failed: SendGrid: SendGrid is currently unavailable", a.Message)
		require.Equal(t, "Using backup SMTP: Emails not sending if it fails too", a.Impact)
		require.Len(t, e.notifications(t, a.ID), 2, "one per notifier")
		require.Empty(t, hook.Posts(), "notifications are sent by the engine's loop, not by the call")

		sent, err := eng.NotifyDue(e.ctx)
		require.NoError(t, err)
		require.Equal(t, 2, sent)
		posts := hook.Posts()
		require.Len(t, posts, 1, "Slack is notified once")
		require.Contains(t, posts[0], "*[Warning] Email (SMTP): Switched to backup (SMTP)*")
		require.Contains(t, posts[0], "Impact: Using backup SMTP: Emails not sending if it fails too")

		msgs := mail.Messages()
		require.Len(t, msgs, 2, "the offer and the alert, both through the backup")
		require.Equal(t, []string{"ops@intime.com"}, msgs[1].To)
		parsed, err := emailtest.ParseMessage(msgs[1].Data)
		require.NoError(t, err)
		require.Equal(t, "[Warning] Email (SMTP): Switched to backup (SMTP)", parsed.Subject)
		require.True(t, strings.Contains(parsed.Text, "Impact: Using backup SMTP"), parsed.Text)

		for _, n := range e.notifications(t, a.ID) {
			require.Equal(t, storage.AlertNotificationSent, n.Status, n.Notifier)
		}
		sent, err = eng.NotifyDue(e.ctx)
		require.NoError(t, err)
		require.Zero(t, sent, "no second notification in the window")
		require.Len(t, hook.Posts(), 1)
	})
}
