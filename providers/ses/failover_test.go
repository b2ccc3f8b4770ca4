package ses_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/providers/sendgrid"
)

// TestFailover is the must-show: an email sent through a failover group of
// SendGrid (answering 503) and SES, both running as plugin processes,
// arrives through SES exactly once, and SendGrid accepted nothing.
func TestFailover(t *testing.T) {
	t.Parallel()
	down := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: "SG.key", FailStatus: 503})
	srv := emailtest.StartSES(t)
	sgSettings := providers.Settings{sendgrid.FieldAPIKey: "SG.key", sendgrid.FieldFromEmail: "noreply@intime.example",
		sendgrid.FieldFromName: "InTime Staffing", sendgrid.FieldBaseURL: down.URL}
	var switches []providers.Switch
	g, err := providers.NewGroup(&providers.GroupConfig{
		Name: "Email",
		Members: []*providers.Instance{
			providers.NewInstance("SendGrid", providertest.Plugin(t, "sendgrid"), sgSettings, nil),
			providers.NewInstance("AWS SES", providertest.Plugin(t, "ses"), settingsFor(srv.URL), nil),
		},
		OnSwitch: func(s providers.Switch) { switches = append(switches, s) },
	})
	require.NoError(t, err)

	r, err := email.Send(t.Context(), g, &email.Message{ID: "offer-42", To: []string{"jane@example.com"},
		Subject: "Your offer", Text: "Welcome aboard."})
	require.NoError(t, err)
	require.Equal(t, "AWS SES", g.Active())
	require.Len(t, switches, 1)

	emails := srv.Emails(t)
	require.Len(t, emails, 1, "exactly once")
	require.Equal(t, r.MessageID, emails[0].MessageID)
	require.Equal(t, "Your offer", emails[0].Subject)
	require.Equal(t, []string{"jane@example.com"}, emails[0].Destination.To)
	require.Equal(t, 1, down.Attempts(), "SendGrid was tried once")
	require.Empty(t, down.Mails())
}
