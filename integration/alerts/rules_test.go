package alerts_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/integration/alerts"
	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/storage"
)

// TestIntegrationErrorAlert: an integration that enters the error state
// raises a critical alert with the spec's message (§16) and its impact
// ("Emails not sending", §3); its recovery resolves it.
func TestIntegrationErrorAlert(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open)
		e.engine(t, &alerts.Config{})
		sg := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: "SG.test-key-123456"})
		settings := sendgridSettings(sg.URL)
		settings["apiKey"] = "SG.wrong-key-000000"
		in := e.create(t, &integration.CreateParams{Type: integration.TypeEmail, Provider: "sendgrid", Name: "SendGrid",
			Settings: settings})
		require.Equal(t, storage.IntegrationError, in.Status)

		key := alerts.KeyIntegrationError + in.ID.String()
		a := e.openAlert(t, key)
		require.NotNil(t, a)
		require.Equal(t, storage.AlertCritical, a.Severity)
		require.Equal(t, in.ID, a.IntegrationID)
		require.Equal(t, "Authentication failed. Please check credentials.", a.Message)
		require.Equal(t, "SendGrid: Authentication failed. Please check credentials.", a.Title)
		require.Equal(t, "Emails not sending", a.Impact)

		_, err := e.mgr.IntegrationUpdate(e.ctx, &integration.UpdateParams{OrganizationID: e.org, ID: in.ID,
			Settings: sendgridSettings(sg.URL)})
		require.NoError(t, err)
		require.Nil(t, e.openAlert(t, key), "the recovery resolved it")
		got, err := e.store.AlertGet(e.ctx, e.org, a.ID)
		require.NoError(t, err)
		require.Equal(t, storage.AlertResolved, got.Status)
	})
}

// TestPeriodicRules: Evaluate raises the alerts of credentials older than
// 90 days, of slow responses over 3 s and of a burst of quota rejections,
// from what the Manager recorded, and resolves the counting ones once the
// window holds none.
func TestPeriodicRules(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open)
		eng := e.engine(t, &alerts.Config{})
		sg := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: "SG.test-key-123456"})
		in := e.create(t, &integration.CreateParams{Type: integration.TypeEmail, Provider: "sendgrid", Name: "SendGrid",
			Settings: sendgridSettings(sg.URL)})
		require.NoError(t, eng.Evaluate(e.ctx))
		require.Nil(t, e.openAlert(t, alerts.KeyCredentials+in.ID.String()), "new credentials")

		e.clock.Advance(91 * 24 * time.Hour)
		logs := func(n int, level storage.LogLevel, msg string, details map[string]any) {
			b, err := json.Marshal(details)
			require.NoError(t, err)
			for range n {
				require.NoError(t, e.store.LogInsert(e.ctx, []*storage.LogInsertParams{{OrganizationID: e.org,
					IntegrationID: in.ID, Level: level, Message: msg, Details: b, Time: e.clock.Now()}}))
			}
		}
		logs(2, storage.LogWarn, "Slow response", map[string]any{"response_time_ms": 4200})
		logs(1, storage.LogWarn, "Slow response", map[string]any{"response_time_ms": 2500, "normal_ms": 300})
		logs(9, storage.LogWarn, "Rate limit exceeded. Retry in 1800 seconds.", map[string]any{"reason": "quota"})
		require.NoError(t, eng.Evaluate(e.ctx))
		require.Nil(t, e.openAlert(t, alerts.KeySlow+in.ID.String()), "two over 3 s: below SlowMin")
		require.Nil(t, e.openAlert(t, alerts.KeyQuota+in.ID.String()), "nine: below the burst")

		creds := e.openAlert(t, alerts.KeyCredentials+in.ID.String())
		require.NotNil(t, creds)
		require.Equal(t, "SendGrid: Credentials are 91 days old", creds.Title)
		require.Equal(t, "The SendGrid credentials were set 91 days ago (over 90). Regenerate the key and save it.", creds.Message)
		require.Equal(t, "Emails not sending if they expire", creds.Impact)

		logs(1, storage.LogWarn, "Slow response", map[string]any{"response_time_ms": 5100})
		logs(1, storage.LogWarn, "Rate limit exceeded. Retry in 1800 seconds.", map[string]any{"reason": "quota"})
		require.NoError(t, eng.Evaluate(e.ctx))
		slow := e.openAlert(t, alerts.KeySlow+in.ID.String())
		require.NotNil(t, slow)
		require.Equal(t, "SendGrid: Slow responses", slow.Title)
		require.Equal(t, "3 responses over 3 s in the last 15 minutes (slowest 5.1 seconds)", slow.Message)
		require.Equal(t, "Emails sending slowly", slow.Impact)
		quota := e.openAlert(t, alerts.KeyQuota+in.ID.String())
		require.NotNil(t, quota)
		require.Equal(t, "10 calls refused by the rate limit in the last 15 minutes", quota.Message)
		require.Equal(t, "Emails not sending", quota.Impact)

		e.clock.Advance(16 * time.Minute)
		require.NoError(t, eng.Evaluate(e.ctx))
		require.Nil(t, e.openAlert(t, alerts.KeySlow+in.ID.String()), "the window holds no slow response")
		require.Nil(t, e.openAlert(t, alerts.KeyQuota+in.ID.String()))
		require.NotNil(t, e.openAlert(t, alerts.KeyCredentials+in.ID.String()), "still old")

		_, err := e.mgr.IntegrationDisable(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.NoError(t, eng.Evaluate(e.ctx))
		require.Nil(t, e.openAlert(t, alerts.KeyCredentials+in.ID.String()), "a disabled integration has no alerts")
	})
}
