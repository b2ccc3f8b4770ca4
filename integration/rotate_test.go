package integration_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/providers/sendgrid"
	"github.com/intimeos/integrations/storage"
)

// TestAdminInt014RotateAPIKey is ADMIN-INT-014: the admin clicks
// "Regenerate" on the SendGrid integration; a new key is minted through
// SendGrid's API keys API, tested, saved, and the old key is deleted at
// SendGrid, which refuses it from then on. The audit entry says who
// rotated it, the credentials' age starts again, and no key is logged.
func TestAdminInt014RotateAPIKey(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, &envOpts{providers: map[string]providers.Provider{"sendgrid": sendgrid.New(nil)}})
		oldKey := emailtest.NewSendGridKey()
		sg := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: oldKey,
			Scopes: []string{"mail.send", "scopes.read", "api_keys.create", "api_keys.delete"}})
		s := sendgridSettings(sg.URL)
		s[sendgrid.FieldAPIKey] = oldKey
		in := e.create(t, &integration.CreateParams{Type: integration.TypeEmail, Provider: "sendgrid",
			Name: "Transactional email", Settings: s})
		require.Equal(t, storage.IntegrationActive, in.Status)
		require.Equal(t, in.CreatedAt, in.CredentialsSince)
		e.clock.Advance(91 * 24 * time.Hour)
		require.True(t, in.CredentialsDue(e.clock.Now()), "90 days old: due for rotation")

		got, err := e.mgr.RotateCredentials(e.ctx, &integration.RotateParams{OrganizationID: e.org, ID: in.ID,
			Field: sendgrid.FieldAPIKey, Actor: "jane@intime.com"})
		require.NoError(t, err)
		require.Equal(t, storage.IntegrationActive, got.Status)
		require.Equal(t, e.clock.Now(), got.CredentialsSince)
		require.False(t, got.CredentialsDue(e.clock.Now()))

		newKey := e.storedSettings(t, in.ID)[sendgrid.FieldAPIKey]
		require.NotEqual(t, oldKey, newKey)
		require.True(t, sg.KeyValid(newKey))
		require.False(t, sg.KeyValid(oldKey), "the old key is deleted at SendGrid")
		// SendGrid refuses the old key: 401.
		res, err := sendgrid.New(nil).Check(e.ctx, s)
		require.NoError(t, err)
		require.Equal(t, providers.StageAuth, res.Failed().Name)
		// The new key sends.
		_, err = e.mgr.Email(e.org).Send(e.ctx, offer())
		require.NoError(t, err)
		require.Len(t, sg.Mails(), 1)

		e.flush(t)
		var audit *storage.LogEntry
		for _, l := range e.logs(t, in.ID) {
			require.NotContains(t, string(l.Details)+l.Message, oldKey)
			require.NotContains(t, string(l.Details)+l.Message, newKey)
			if l.Message == "API key rotated by jane@intime.com" {
				audit = l
			}
		}
		require.NotNil(t, audit)
		d := details(t, audit)
		require.Equal(t, sendgrid.FieldAPIKey, d["field"])
		require.Equal(t, true, d["old_key_revoked"])
		require.Equal(t, e.clock.Now(), audit.Time)
	})
}

// TestRotateCredentialsTestedFirst: a new value that fails its test is
// not saved, and the old one keeps working.
func TestRotateCredentialsTestedFirst(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, &envOpts{providers: map[string]providers.Provider{"sendgrid": sendgrid.New(nil)}})
		oldKey := emailtest.NewSendGridKey()
		sg := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: oldKey,
			Scopes: []string{"mail.send", "scopes.read", "api_keys.create", "api_keys.delete"}})
		s := sendgridSettings(sg.URL)
		s[sendgrid.FieldAPIKey] = oldKey
		in := e.create(t, &integration.CreateParams{Type: integration.TypeEmail, Provider: "sendgrid",
			Name: "Transactional email", Settings: s})
		_, err := e.mgr.RotateCredentials(e.ctx, &integration.RotateParams{OrganizationID: e.org, ID: in.ID,
			Value: emailtest.NewSendGridKey(), Actor: "jane@intime.com"})
		var cf *integration.CheckFailedError
		require.ErrorAs(t, err, &cf)
		require.Equal(t, "Authentication failed. Please check credentials.", cf.Message)
		require.Equal(t, oldKey, e.storedSettings(t, in.ID)[sendgrid.FieldAPIKey])
		require.True(t, sg.KeyValid(oldKey))

		_, err = e.mgr.RotateCredentials(e.ctx, &integration.RotateParams{OrganizationID: e.org, ID: in.ID,
			Field: sendgrid.FieldFromName, Value: "x"})
		requireFields(t, err, map[string]string{sendgrid.FieldFromName: integration.MsgRotateNotCredential})
	})
}
