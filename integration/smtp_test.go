package integration_test

import (
	"strconv"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/providers/smtp"
	"github.com/intimeos/integrations/storage"
)

func smtpSettings(srv *emailtest.SMTPServer, password string) providers.Settings {
	return providers.Settings{
		smtp.FieldProvider: smtp.PresetCustom, smtp.FieldHost: srv.Host, smtp.FieldPort: strconv.Itoa(srv.Port),
		smtp.FieldUsername: "apikey", smtp.FieldPassword: password, smtp.FieldFromEmail: "noreply@intime.com",
		smtp.FieldFromName: "InTime Staffing", smtp.FieldRateLimitHour: "1000", smtp.FieldRootCA: srv.CAPEM,
	}
}

// TestAdminInt003SMTPConnection is ADMIN-INT-003: with an email integration
// configured, "Test Connection" passes every stage and "Send Test Email"
// delivers the test email (to the in-process SMTP server), with the SMTP
// provider in process and as a plugin.
func TestAdminInt003SMTPConnection(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"InProcess", "Plugin"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			backends(t, func(t *testing.T, open opener) {
				opts := &envOpts{providers: map[string]providers.Provider{"smtp": smtp.New(nil)}}
				if mode == "Plugin" {
					opts = &envOpts{plugins: []string{"smtp"}}
				}
				e := setup(t, open, opts)
				srv := emailtest.StartSMTP(t, &emailtest.SMTPOpts{Username: "apikey", Password: "SG.smtp-secret"})
				in := e.create(t, &integration.CreateParams{Type: integration.TypeEmail, Provider: "smtp",
					Name: "Transactional email", Settings: smtpSettings(srv, "SG.smtp-secret")})
				require.Equal(t, storage.IntegrationActive, in.Status)
				require.Equal(t, "SMTP", in.ProviderName)

				res, err := e.mgr.Test(e.ctx, &integration.TestParams{OrganizationID: e.org, ID: in.ID,
					SendTestEmailTo: "admin@intime.com"})
				require.NoError(t, err)
				require.True(t, res.OK, res.Message)
				require.Equal(t, "Test email sent to admin@intime.com", res.Message)
				require.NotEmpty(t, res.Receipt.MessageID)
				var stages []providers.StageName
				for _, st := range res.Check.Stages {
					require.Equal(t, providers.StagePassed, st.Status, st.Name)
					stages = append(stages, st.Name)
				}
				require.Equal(t, []providers.StageName{providers.StageDNS, providers.StageTCP, providers.StageTLS,
					providers.StageAuth}, stages)

				msgs := srv.Messages()
				require.Len(t, msgs, 1, "the test email reached the SMTP server")
				require.Equal(t, []string{"admin@intime.com"}, msgs[0].To)
				require.Equal(t, "apikey", msgs[0].Auth)
				require.True(t, msgs[0].TLS)
				parsed, err := emailtest.ParseMessage(msgs[0].Data)
				require.NoError(t, err)
				require.Equal(t, "InTime test email", parsed.Subject)

				// Unsaved settings with a wrong password: the stage says so,
				// the saved integration is untouched.
				form := in.Settings
				form[smtp.FieldPassword] = "wrong"
				res, err = e.mgr.Test(e.ctx, &integration.TestParams{OrganizationID: e.org, ID: in.ID, Settings: form})
				require.NoError(t, err)
				require.False(t, res.OK)
				require.Equal(t, "Authentication failed. Please check credentials.", res.Message)
				got, err := e.mgr.IntegrationGet(e.ctx, e.org, in.ID)
				require.NoError(t, err)
				require.Equal(t, storage.IntegrationActive, got.Status)

				// A configuration not saved yet.
				res, err = e.mgr.Test(e.ctx, &integration.TestParams{OrganizationID: uuid.New(), Type: integration.TypeEmail,
					Provider: "smtp", Settings: smtpSettings(srv, "SG.smtp-secret")})
				require.NoError(t, err)
				require.True(t, res.OK)
				require.Equal(t, integration.MsgTestPassed, res.Message)

				_, err = e.mgr.Test(e.ctx, &integration.TestParams{OrganizationID: e.org, ID: in.ID, SendTestEmailTo: "admin@"})
				requireFields(t, err, map[string]string{integration.FieldTestEmailTo: integration.MsgTestEmailInvalid})
			})
		})
	}
}
