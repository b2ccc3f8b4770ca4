package integration_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/storage"
)

// TestLogRetention: entries older than Config.LogRetention are deleted in
// batches, by the pass a started Manager runs on its own; a negative
// retention keeps them.
func TestLogRetention(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, &envOpts{noStart: true, config: func(c *integration.Config) {
			c.NoLogMaintenance, c.NoLogSummary, c.LogRetention = true, true, 48*time.Hour
		}})
		in := e.create(t, &integration.CreateParams{Settings: probeSettings("retention")})
		now := e.clock.Now()
		const old = storage.LimitMax*2 + 17
		for start := 0; start < old; start += storage.LimitMax {
			var ps []*storage.LogInsertParams
			for i := start; i < min(old, start+storage.LimitMax); i++ {
				ps = append(ps, logAt(e.org, in.ID, now.Add(-48*time.Hour-time.Duration(i+1)*time.Second), storage.LogInfo, "old", ""))
			}
			e.seedLog(t, ps...)
		}
		e.seedLog(t, logAt(e.org, in.ID, now.Add(-48*time.Hour), storage.LogInfo, "at the limit", ""),
			logAt(e.org, in.ID, now.Add(-time.Hour), storage.LogInfo, "recent", ""))

		keep := e.newManager(t, e.store, &envOpts{noStart: true, config: func(c *integration.Config) {
			c.NoLogMaintenance, c.NoLogSummary, c.LogRetention = true, true, -1
		}})
		res, err := keep.LogMaintenanceRun(e.ctx)
		require.NoError(t, err)
		require.Zero(t, res.Deleted, "a negative retention keeps everything")

		res, err = e.mgr.LogMaintenanceRun(e.ctx)
		require.NoError(t, err)
		require.Equal(t, &integration.LogMaintenance{Deleted: old}, res)
		require.Equal(t, []string{"at the limit", "recent", "Health check passed"}, messages(e.logs(t, in.ID)), "oldest first")
	})
}

// TestLogMaintenanceRunsInTheBackground: a started Manager applies the
// retention on its own, at Start and every LogMaintenanceInterval.
func TestLogMaintenanceRunsInTheBackground(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, &envOpts{config: func(c *integration.Config) { c.LogMaintenanceInterval = 10 * time.Millisecond }})
		in := e.create(t, &integration.CreateParams{Settings: probeSettings("retention-loop")})
		e.seedLog(t, logAt(e.org, in.ID, e.clock.Now().Add(-integration.LogRetentionDefault-time.Second), storage.LogInfo, "old", ""))
		require.Eventually(t, func() bool {
			for _, l := range e.logs(t, in.ID) {
				if l.Message == "old" {
					return false
				}
			}
			return true
		}, 10*time.Second, 10*time.Millisecond, "30 days by default")
	})
}

// TestLogDailySummary: once a day, each integration that made calls gets
// one INFO entry (§8): "Daily summary sent", "247 emails sent yesterday",
// "99.2% success rate"; written once across hosts.
func TestLogDailySummary(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		opts := &envOpts{providers: map[string]providers.Provider{"probe": newProbe("probe", "probe", integration.TypeEmail)},
			noStart: true, config: func(c *integration.Config) { c.NoLogMaintenance = true }}
		e := setup(t, open, opts)
		e.clock.Set(time.Date(2031, time.May, 6, 0, 5, 0, 0, time.UTC))
		mail := e.create(t, &integration.CreateParams{Type: integration.TypeEmail, Provider: "probe", Name: "SMTP Email",
			Settings: probeSettings("summary-mail")})
		probe := e.create(t, &integration.CreateParams{Settings: probeSettings("summary-probe")})
		quiet := e.create(t, &integration.CreateParams{Settings: probeSettings("summary-quiet")})
		yesterday := time.Date(2031, time.May, 5, 0, 0, 0, 0, time.UTC)
		observe := func(in *integration.Integration, metric string, at time.Time, n int, failed bool) {
			for range n {
				require.NoError(t, e.mgr.Recorder().Observe(e.ctx, &integration.Observation{OrganizationID: e.org,
					IntegrationID: in.ID, Metric: metric, Time: at, Duration: 800 * time.Millisecond, Failed: failed}))
			}
		}
		observe(mail, "call.email.send", yesterday.Add(9*time.Hour), 200, false)
		observe(mail, "call.email.send", yesterday.Add(23*time.Hour+59*time.Minute), 47, false)
		observe(mail, "call.email.send", yesterday.Add(15*time.Hour), 2, true)
		observe(mail, integration.MetricHealthCheck, yesterday.Add(15*time.Hour), 5, true)
		observe(mail, "call.email.send", yesterday.Add(24*time.Hour), 9, false) // today
		observe(probe, "call.probe.echo", yesterday.Add(time.Hour), 1, false)
		observe(quiet, integration.MetricHealthCheck, yesterday.Add(time.Hour), 3, false)

		res, err := e.mgr.LogMaintenanceRun(e.ctx)
		require.NoError(t, err)
		require.Zero(t, res.Summaries, "not before ten past midnight")

		e.clock.Set(time.Date(2031, time.May, 6, 10, 0, 0, 0, time.UTC))
		hosts := []*integration.Manager{e.mgr, e.newManager(t, e.store, opts), e.newManager(t, e.store, opts)}
		written := make([]int, len(hosts))
		var wg sync.WaitGroup
		for i, h := range hosts {
			wg.Go(func() {
				res, err := h.LogMaintenanceRun(e.ctx)
				if err == nil {
					written[i] = res.Summaries
				}
			})
		}
		wg.Wait()
		require.Equal(t, 2, written[0]+written[1]+written[2], "one summary per integration that made calls, across hosts")

		summaries := func(in *integration.Integration) []*storage.LogEntry {
			var out []*storage.LogEntry
			for _, l := range e.logs(t, in.ID) {
				if l.Message == integration.LogSummaryMessage {
					out = append(out, l)
				}
			}
			return out
		}
		got := summaries(mail)
		require.Len(t, got, 1)
		require.Equal(t, storage.LogInfo, got[0].Level)
		require.Equal(t, e.clock.Now(), got[0].Time)
		require.Equal(t, map[string]any{"sent": "247 emails sent yesterday", "success_rate": "99.2% success rate",
			"day": "2031-05-05", "calls": float64(249), "failed": float64(2)}, details(t, got[0]))
		got = summaries(probe)
		require.Len(t, got, 1)
		require.Equal(t, "1 call made yesterday", details(t, got[0])["sent"])
		require.Equal(t, "100.0% success rate", details(t, got[0])["success_rate"])
		require.Empty(t, summaries(quiet), "health checks are not calls")

		page, err := e.mgr.LogList(e.ctx, &integration.LogQuery{OrganizationID: e.org, IntegrationID: mail.ID, Search: "daily summary"})
		require.NoError(t, err)
		require.Len(t, page.Items, 1, "on the logs screen")

		res, err = e.mgr.LogMaintenanceRun(e.ctx)
		require.NoError(t, err)
		require.Zero(t, res.Summaries, "once a day")
		e.clock.Advance(24 * time.Hour)
		res, err = e.mgr.LogMaintenanceRun(e.ctx)
		require.NoError(t, err)
		require.Equal(t, 1, res.Summaries, "the 9 emails of the next day")
		got = summaries(mail)
		require.Len(t, got, 2)
		require.Equal(t, "9 emails sent yesterday", details(t, got[1])["sent"])
	})
}

func TestLogSummaryWording(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		typ           string
		calls, failed int64
		sent, rate    string
	}{
		{integration.TypeEmail, 249, 2, "247 emails sent yesterday", "99.2% success rate"},
		{integration.TypeEmail, 1, 0, "1 email sent yesterday", "100.0% success rate"},
		{integration.TypeBackgroundChecks, 3, 3, "0 background checks ordered yesterday", "0.0% success rate"},
		{integration.TypeSMS, 10000, 1, "9999 text messages sent yesterday", "99.9% success rate"},
		{integration.TypeHRIS, 2, 1, "1 call made yesterday", "50.0% success rate"},
	} {
		e := integration.LogSummaryDetails(tt.typ, tt.calls, tt.failed)
		require.Equal(t, [2]string{tt.sent, tt.rate}, [2]string{e["sent"].(string), e["success_rate"].(string)}, fmt.Sprint(tt))
	}
}
