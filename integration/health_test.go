package integration_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/sqlite"
)

func TestHealthChecksOnTheirInterval(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, &envOpts{noStart: true})
		var changes []integration.StatusChange
		defer e.mgr.Subscribe(&integration.Hooks{StatusChange: func(_ context.Context, c *integration.StatusChange) {
			changes = append(changes, *c)
		}})()
		ids := []string{uuid.NewString(), uuid.NewString(), uuid.NewString()}
		a := e.create(t, &integration.CreateParams{Settings: probeSettings(ids[0])})
		b := e.create(t, &integration.CreateParams{Settings: probeSettings(ids[1])})
		slow := e.create(t, &integration.CreateParams{Settings: probeSettings(ids[2]), CheckInterval: 10 * time.Minute})
		changes = nil

		e.clock.Advance(5*time.Minute - time.Second)
		n, err := e.mgr.HealthCheckRun(e.ctx)
		require.NoError(t, err)
		require.Zero(t, n, "nothing is due yet")

		// b breaks: its next checks fail.
		form := b.Settings
		form["checkMode"] = "fail"
		_, err = e.store.IntegrationUpdate(e.ctx, &storage.IntegrationUpdateParams{OrganizationID: e.org,
			ID: b.ID, Config: mustJSON(t, withSecret(form, "password", "probe-secret-"+ids[1]))})
		require.NoError(t, err)
		e.clock.Advance(time.Second)
		n, err = e.mgr.HealthCheckRun(e.ctx)
		require.NoError(t, err)
		require.Equal(t, 2, n, "the two on the default 5 minutes")
		require.Equal(t, []int64{2, 2, 1}, []int64{checksOf(ids[0]), checksOf(ids[1]), checksOf(ids[2])})
		broke := e.clock.Now()

		got, err := e.mgr.IntegrationGet(e.ctx, e.org, b.ID)
		require.NoError(t, err)
		require.Equal(t, storage.IntegrationError, got.Status)
		require.Equal(t, "Connection to Probe probe timed out", got.ErrorMessage)
		require.Equal(t, broke, *got.StatusSince)
		require.Len(t, changes, 1)
		require.Equal(t, integration.StatusChange{OrganizationID: e.org, IntegrationID: b.ID, Type: "probe", Name: b.Name,
			From: storage.IntegrationActive, To: storage.IntegrationError, Message: "Connection to Probe probe timed out",
			Cause: integration.CauseHealthCheck, Time: broke}, changes[0])

		for range 3 {
			e.clock.Advance(5 * time.Minute)
			_, err = e.mgr.HealthCheckRun(e.ctx)
			require.NoError(t, err)
		}
		got, err = e.mgr.IntegrationGet(e.ctx, e.org, b.ID)
		require.NoError(t, err)
		require.Equal(t, "ERROR (Last 15 minutes)", got.StatusLabel(e.clock.Now()), "the error began 15 minutes ago")
		require.Len(t, changes, 1, "repeated failures are one change")
		require.Equal(t, []int64{5, 5, 3}, []int64{checksOf(ids[0]), checksOf(ids[1]), checksOf(ids[2])})
		got, err = e.mgr.IntegrationGet(e.ctx, e.org, slow.ID)
		require.NoError(t, err)
		require.Equal(t, e.clock.Now().Add(10*time.Minute), *got.NextCheckAt, "checked at 10:10 and 10:20")

		e.flush(t)
		logs := e.logs(t, b.ID)
		last := logs[len(logs)-1]
		require.Equal(t, storage.LogError, last.Level)
		require.Equal(t, "Connection to Probe probe timed out", last.Message)
		d := details(t, last)
		require.Equal(t, "tcp", d["stage"])
		require.Equal(t, "timeout", d["class"])
		require.Equal(t, "probe.example.com:443", d["endpoint"])
		hc := e.buckets(t, a.ID, integration.MetricHealthCheck)
		var count int64
		for _, bk := range hc {
			count += bk.Count
			require.Zero(t, bk.Errors)
		}
		require.EqualValues(t, 5, count, "every check is in the metrics")

		all, err := e.mgr.HealthCheckAll(e.ctx, e.org)
		require.NoError(t, err)
		require.Len(t, all, 3)
		for _, in := range all {
			require.NotNil(t, in.Check, in.Name)
		}
		require.Equal(t, []int64{6, 6, 4}, []int64{checksOf(ids[0]), checksOf(ids[1]), checksOf(ids[2])})
	})
}

// TestHealthChecksTwoHosts: two Managers on separate pools (PostgreSQL) or
// connections (SQLite) of one database share 200 integrations' checks:
// in each of three rounds every integration is checked exactly once, with
// no leader.
func TestHealthChecksTwoHosts(t *testing.T) {
	t.Parallel()
	t.Run("PostgreSQL", func(t *testing.T) {
		t.Parallel()
		_, dsn := pgtest.Schema(t)
		ring := newRing(t)
		twoHosts(t, func(t testing.TB, clock func() time.Time) storage.Store { return postgresOn(t, dsn, clock, ring) })
	})
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "intime.db")
		ring := newRing(t)
		twoHosts(t, func(t testing.TB, clock func() time.Time) storage.Store {
			s, err := sqlite.Open(context.Background(), path, &sqlite.Config{Sealer: ring, Clock: clock})
			require.NoError(t, err)
			t.Cleanup(func() { require.NoError(t, s.Close()) })
			return s
		})
	})
}

func twoHosts(t *testing.T, open func(t testing.TB, clock func() time.Time) storage.Store) {
	const n, rounds = 200, 3
	e := setup(t, func(t testing.TB, clock func() time.Time) storage.Store { return open(t, clock) }, &envOpts{noStart: true})
	hostB := e.newManager(t, open(t, e.clock.Now), &envOpts{noStart: true})
	ids := make([]string, n)
	for i := range ids {
		ids[i] = uuid.NewString()
		e.create(t, &integration.CreateParams{Settings: probeSettings(ids[i])})
	}
	for round := 1; round <= rounds; round++ {
		e.clock.Advance(integration.HealthCheckIntervalDefault)
		var wg sync.WaitGroup
		counts := make([]int, 2)
		errs := make([]error, 2)
		for i, m := range []*integration.Manager{e.mgr, hostB} {
			wg.Go(func() { counts[i], errs[i] = m.HealthCheckRun(e.ctx) })
		}
		wg.Wait()
		require.NoError(t, errs[0])
		require.NoError(t, errs[1])
		require.Equal(t, n, counts[0]+counts[1], "round %d: %v", round, counts)
		for _, id := range ids {
			require.EqualValues(t, 1+round, checksOf(id), "round %d: one check per integration (plus the one at creation)", round)
		}
		t.Logf("round %d: host A checked %d, host B %d", round, counts[0], counts[1])
	}
}

func mustJSON(t *testing.T, s providers.Settings) []byte {
	t.Helper()
	b, err := json.Marshal(s)
	require.NoError(t, err)
	return b
}

func withSecret(s providers.Settings, k, v string) providers.Settings {
	s[k] = v
	return s
}

// TestSchedulerRunsDueChecks: a started Manager checks due integrations on
// its own.
func TestSchedulerRunsDueChecks(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, nil)
		id := uuid.NewString()
		in := e.create(t, &integration.CreateParams{Settings: probeSettings(id)})
		e.clock.Advance(integration.HealthCheckIntervalDefault)
		require.Eventually(t, func() bool { return checksOf(id) == 2 }, 10*time.Second, 5*time.Millisecond)
		require.Eventually(t, func() bool {
			got, err := e.mgr.IntegrationGet(e.ctx, e.org, in.ID)
			return err == nil && got.NextCheckAt.Equal(e.clock.Now().Add(integration.HealthCheckIntervalDefault))
		}, 10*time.Second, 5*time.Millisecond, "rescheduled")
	})
}
