package integration_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/smtp"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
)

// probeSettings are valid settings of the probe.
func probeSettings(id string, edits ...func(providers.Settings)) providers.Settings {
	s := providers.Settings{"probeId": id, "password": "probe-secret-" + id}
	for _, e := range edits {
		e(s)
	}
	return s
}

func (e *env) create(t *testing.T, p *integration.CreateParams) *integration.Integration {
	t.Helper()
	if p.OrganizationID == uuid.Nil {
		p.OrganizationID = e.org
	}
	if p.Type == "" {
		p.Type, p.Provider = "probe", "probe"
	}
	if p.Name == "" {
		p.Name = "Probe " + uuid.NewString()[:8]
	}
	in, err := e.mgr.IntegrationCreate(e.ctx, p)
	require.NoError(t, err)
	return in
}

// storedSettings reads an integration's settings as stored (unmasked).
func (e *env) storedSettings(t *testing.T, id uuid.UUID) providers.Settings {
	t.Helper()
	in, err := e.store.IntegrationGet(e.ctx, e.org, id)
	require.NoError(t, err)
	var s providers.Settings
	require.NoError(t, json.Unmarshal(in.Config, &s))
	return s
}

func requireFields(t *testing.T, err error, want map[string]string) {
	t.Helper()
	var ve *integration.ValidationError
	require.ErrorAs(t, err, &ve)
	got := map[string]string{}
	for _, f := range ve.Fields {
		got[f.Field] = f.Message
	}
	require.Equal(t, want, got)
}

// TestAdminInt002AddIntegration is ADMIN-INT-002: the type is available, the admin
// configures it and saves; the integration is added and its health check
// runs.
func TestAdminInt002AddIntegration(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, &envOpts{providers: map[string]providers.Provider{
			"probe": newProbe("probe"), "smtp": smtp.New(nil)}})
		id := uuid.NewString()

		t.Run("InvalidSettingsSaveNothing", func(t *testing.T) {
			_, err := e.mgr.IntegrationCreate(e.ctx, &integration.CreateParams{OrganizationID: e.org,
				Type: integration.TypeEmail, Provider: "smtp", Name: " ",
				Settings: providers.Settings{"smtpHost": "not a host!", "smtpPort": "2525", "smtpUsername": "apikey",
					"fromEmail": "noreply@", "fromName": "InTime <Staffing>", "rateLimitHour": "50"}})
			requireFields(t, err, map[string]string{
				integration.FieldName: "Integration name is required",
				"smtpHost":            "Please enter a valid hostname or IP address",
				"smtpPort":            "Please select a port",
				"smtpPassword":        "Password/API secret is required",
				"fromEmail":           "Please enter a valid email address",
				"fromName":            "From name contains invalid characters",
				"rateLimitHour":       "Minimum hourly limit is 100",
			})
			_, err = e.mgr.IntegrationCreate(e.ctx, &integration.CreateParams{OrganizationID: e.org,
				Type: integration.TypeEmail, Provider: "probe", Name: "x", CheckInterval: 30 * time.Second})
			requireFields(t, err, map[string]string{
				integration.FieldProvider:      "Please select an email provider",
				integration.FieldCheckInterval: integration.MsgCheckIntervalRange,
			})
			_, err = e.mgr.IntegrationCreate(e.ctx, &integration.CreateParams{OrganizationID: e.org, Name: "x"})
			requireFields(t, err, map[string]string{
				integration.FieldType: "Please select an integration type",
			})
			_, err = e.mgr.IntegrationCreate(e.ctx, &integration.CreateParams{OrganizationID: e.org, Name: "x",
				Type: integration.TypeEmail, Provider: "ses", Settings: providers.Settings{}})
			requireFields(t, err, map[string]string{integration.FieldProvider: integration.MsgProviderNotInstalled})
			all, err := e.mgr.IntegrationList(e.ctx, e.org, "")
			require.NoError(t, err)
			require.Empty(t, all)
		})

		t.Run("SavedSealedAndCheckedAtOnce", func(t *testing.T) {
			in := e.create(t, &integration.CreateParams{Name: "Transactional probe", Settings: probeSettings(id)})
			require.Equal(t, storage.IntegrationActive, in.Status, "the health check ran")
			require.EqualValues(t, 1, checksOf(id))
			require.NotNil(t, in.Check)
			require.True(t, in.Check.OK())
			require.Equal(t, e.clock.Now(), *in.LastHealthCheck)
			require.Equal(t, e.clock.Now().Add(integration.HealthCheckIntervalDefault), *in.NextCheckAt)
			require.Equal(t, secret.Mask("probe-secret-"+id), in.Settings["password"], "secrets are masked")
			require.Equal(t, "probe.example.com", in.Settings["host"], "defaults fill fields left out")
			require.Equal(t, "Probe probe", in.ProviderName)
			require.Equal(t, "ACTIVE", in.StatusLabel(e.clock.Now()))
			require.Equal(t, "probe-secret-"+id, e.storedSettings(t, in.ID)["password"])
		})

		t.Run("FailedCheckIsError", func(t *testing.T) {
			in := e.create(t, &integration.CreateParams{Settings: probeSettings(uuid.NewString(),
				func(s providers.Settings) { s["checkMode"] = "fail" }), CheckInterval: 10 * time.Minute})
			require.Equal(t, storage.IntegrationError, in.Status)
			require.Equal(t, "Connection to Probe probe timed out", in.ErrorMessage)
			require.Equal(t, e.clock.Now().Add(10*time.Minute), *in.NextCheckAt, "its own interval")
			e.clock.Advance(15 * time.Minute)
			require.Equal(t, "ERROR (Last 15 minutes)", in.StatusLabel(e.clock.Now()))
		})

		t.Run("TestAndSaveRefusesAFailingConnection", func(t *testing.T) {
			_, err := e.mgr.IntegrationCreate(e.ctx, &integration.CreateParams{OrganizationID: e.org, Type: "probe",
				Provider: "probe", Name: "never saved", TestFirst: true,
				Settings: probeSettings(uuid.NewString(), func(s providers.Settings) { s["checkMode"] = "fail" })})
			var cfe *integration.CheckFailedError
			require.ErrorAs(t, err, &cfe)
			require.Equal(t, "Connection to Probe probe timed out", cfe.Message)
			require.Equal(t, providers.StageTCP, cfe.Check.Failed().Name)
			all, err := e.mgr.IntegrationList(e.ctx, e.org, "probe")
			require.NoError(t, err)
			for _, in := range all {
				require.NotEqual(t, "never saved", in.Name)
			}
		})
	})
}

func TestUpdateKeepsMaskedSecrets(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, nil)
		id := uuid.NewString()
		in := e.create(t, &integration.CreateParams{Settings: probeSettings(id)})

		form := in.Settings // as the form shows it: the password masked
		form["host"] = "probe2.example.com"
		up, err := e.mgr.IntegrationUpdate(e.ctx, &integration.UpdateParams{OrganizationID: e.org, ID: in.ID, Settings: form})
		require.NoError(t, err)
		require.Equal(t, "probe2.example.com", up.Settings["host"])
		stored := e.storedSettings(t, in.ID)
		require.Equal(t, "probe-secret-"+id, stored["password"], "the masked secret kept its value")
		require.EqualValues(t, 2, checksOf(id), "new settings are checked at once")

		delete(form, "password")
		_, err = e.mgr.IntegrationUpdate(e.ctx, &integration.UpdateParams{OrganizationID: e.org, ID: in.ID, Settings: form})
		require.NoError(t, err)
		require.Equal(t, "probe-secret-"+id, e.storedSettings(t, in.ID)["password"], "a secret left out is kept")

		form["password"] = "a-new-secret"
		name := "Renamed"
		up, err = e.mgr.IntegrationUpdate(e.ctx, &integration.UpdateParams{OrganizationID: e.org, ID: in.ID, Settings: form, Name: &name})
		require.NoError(t, err)
		require.Equal(t, "a-new-secret", e.storedSettings(t, in.ID)["password"])
		require.Equal(t, "Renamed", up.Name)

		form["password"] = ""
		_, err = e.mgr.IntegrationUpdate(e.ctx, &integration.UpdateParams{OrganizationID: e.org, ID: in.ID, Settings: form})
		requireFields(t, err, map[string]string{"password": "Password/API secret is required"})
		require.Equal(t, "a-new-secret", e.storedSettings(t, in.ID)["password"], "nothing saved")

		interval := 20 * time.Minute
		up, err = e.mgr.IntegrationUpdate(e.ctx, &integration.UpdateParams{OrganizationID: e.org, ID: in.ID, CheckInterval: &interval})
		require.NoError(t, err)
		require.Equal(t, interval, up.CheckInterval)
		require.True(t, up.OwnCheckInterval)
		require.Equal(t, e.clock.Now().Add(interval), *up.NextCheckAt)

		_, err = e.mgr.IntegrationUpdate(e.ctx, &integration.UpdateParams{OrganizationID: uuid.New(), ID: in.ID, Name: &name})
		require.ErrorIs(t, err, storage.ErrNotFound, "another organization's integration")
	})
}

func TestDisableEnable(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, nil)
		var changes []integration.StatusChange
		unsubscribe := e.mgr.Subscribe(&integration.Hooks{StatusChange: func(_ context.Context, c *integration.StatusChange) {
			changes = append(changes, *c)
		}})
		defer unsubscribe()
		id := uuid.NewString()
		in := e.create(t, &integration.CreateParams{Settings: probeSettings(id)})

		off, err := e.mgr.IntegrationDisable(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.Equal(t, storage.IntegrationDisabled, off.Status)
		require.Nil(t, off.NextCheckAt, "no more health checks")

		res, err := e.mgr.Test(e.ctx, &integration.TestParams{OrganizationID: e.org, ID: in.ID})
		require.NoError(t, err)
		require.True(t, res.OK, "testing a disabled integration is allowed")
		got, err := e.mgr.IntegrationGet(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.Equal(t, storage.IntegrationDisabled, got.Status, "and does not enable it")

		on, err := e.mgr.IntegrationEnable(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.Equal(t, storage.IntegrationActive, on.Status, "checked at once")
		require.NotNil(t, on.NextCheckAt)

		require.Len(t, changes, 4)
		require.Equal(t, []storage.IntegrationStatus{storage.IntegrationInactive, storage.IntegrationActive,
			storage.IntegrationDisabled, storage.IntegrationInactive},
			[]storage.IntegrationStatus{changes[0].From, changes[1].From, changes[2].From, changes[3].From})
		require.Equal(t, integration.CauseAdmin, changes[1].Cause)
		require.Equal(t, storage.IntegrationDisabled, changes[1].To)
	})
}

func TestRoutesAndRetryPolicies(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, nil)
		a := e.create(t, &integration.CreateParams{Settings: probeSettings(uuid.NewString())})
		b := e.create(t, &integration.CreateParams{Settings: probeSettings(uuid.NewString())})

		rt, err := e.mgr.Route(e.ctx, e.org, "probe")
		require.NoError(t, err)
		require.Equal(t, a.ID, rt.Primary.ID, "the oldest integration of the type")
		require.Nil(t, rt.Backup)

		rt, err = e.mgr.BackupSet(e.ctx, e.org, "probe", a.ID)
		require.NoError(t, err)
		require.Equal(t, b.ID, rt.Primary.ID, "the backup is not its own primary")
		require.Equal(t, a.ID, rt.Backup.ID)

		_, err = e.mgr.RouteSet(e.ctx, &integration.RouteSetParams{OrganizationID: e.org, Type: "probe", Primary: a.ID, Backup: a.ID})
		requireFields(t, err, map[string]string{integration.FieldBackup: integration.MsgBackupInvalid})
		_, err = e.mgr.BackupSet(e.ctx, e.org, "probe", uuid.New())
		requireFields(t, err, map[string]string{integration.FieldBackup: integration.MsgBackupInvalid})

		_, err = e.mgr.IntegrationRetryPolicySet(e.ctx, e.org, a.ID, &retry.PolicyForm{MaxRetries: ptr(11),
			RetryStrategy: retry.StrategyFixed, MaxDelay: ptr(5)})
		requireFields(t, err, map[string]string{
			retry.FieldMaxRetries: "Maximum retry count is 10",
			retry.FieldFixedDelay: "Delay is required for fixed interval strategy",
			retry.FieldMaxDelay:   "Minimum max delay is 10 seconds",
		})
		in, err := e.mgr.IntegrationRetryPolicySet(e.ctx, e.org, a.ID, &retry.PolicyForm{MaxRetries: ptr(5),
			RetryStrategy: retry.StrategyLinear, MaxDelay: ptr(30)})
		require.NoError(t, err)
		require.Equal(t, 5, in.RetryPolicy.MaxRetries)
		require.Equal(t, retry.StrategyLinear, in.RetryPolicy.Strategy)
		in, err = e.mgr.IntegrationRetryPolicySet(e.ctx, e.org, a.ID, nil)
		require.NoError(t, err)
		require.Nil(t, in.RetryPolicy, "back to the organization's default")

		def, err := e.mgr.OrganizationRetryPolicy(e.ctx, e.org)
		require.NoError(t, err)
		require.Nil(t, def)
		set, err := e.mgr.OrganizationRetryPolicySet(e.ctx, e.org, &retry.PolicyForm{MaxRetries: ptr(2),
			RetryStrategy: retry.StrategyExponential, MaxDelay: ptr(60)})
		require.NoError(t, err)
		def, err = e.mgr.OrganizationRetryPolicy(e.ctx, e.org)
		require.NoError(t, err)
		require.Equal(t, set, def)
		require.Equal(t, 2, def.MaxRetries)
	})
}

func ptr[T any](v T) *T { return &v }

func TestDeleteIntegration(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, nil)
		a := e.create(t, &integration.CreateParams{Settings: probeSettings(uuid.NewString())})
		b := e.create(t, &integration.CreateParams{Settings: probeSettings(uuid.NewString())})
		_, err := e.mgr.RouteSet(e.ctx, &integration.RouteSetParams{OrganizationID: e.org, Type: "probe", Primary: b.ID, Backup: a.ID})
		require.NoError(t, err)
		_, err = e.mgr.Dispatch(e.ctx, e.org, "probe", echoOp("before"))
		require.NoError(t, err)

		require.NoError(t, e.mgr.IntegrationDelete(e.ctx, e.org, b.ID))
		_, err = e.mgr.IntegrationGet(e.ctx, e.org, b.ID)
		require.ErrorIs(t, err, storage.ErrNotFound)
		rt, err := e.mgr.Route(e.ctx, e.org, "probe")
		require.NoError(t, err)
		require.NotNil(t, rt.Primary)
		require.Equal(t, a.ID, rt.Primary.ID, "the backup, all that is left, serves the type")
		require.Nil(t, rt.Backup)
		_, err = e.mgr.Dispatch(e.ctx, e.org, "probe", echoOp("after"))
		require.NoError(t, err, "the next call follows at once")

		require.NoError(t, e.mgr.IntegrationDelete(e.ctx, e.org, a.ID))
		_, err = e.mgr.Dispatch(e.ctx, e.org, "probe", echoOp("none"))
		require.ErrorIs(t, err, integration.ErrNotConfigured)
		require.ErrorIs(t, e.mgr.IntegrationDelete(e.ctx, e.org, a.ID), storage.ErrNotFound)
	})
}
