package integration_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/storage"
)

// TestSlowResponse: a call over 3 s, or three times slower than its
// integration's normal (7-day average), is logged WARN "Slow response"
// with both times (§8, §10 "alert if > 3 seconds").
func TestSlowResponse(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		p := &timed{}
		e := setup(t, open, &envOpts{providers: map[string]providers.Provider{"timed": p}, noStart: true})
		p.clock = e.clock
		in := e.create(t, &integration.CreateParams{Type: "timed", Provider: "timed", Name: "Timed"})
		call := func(ms int) {
			b, _ := json.Marshal(timedCall{MS: ms})
			_, err := e.mgr.Dispatch(e.ctx, e.org, "timed", &providers.Operation{Name: "timed.call", Payload: b})
			require.NoError(t, err)
		}
		for range 10 {
			call(200)
		}
		e.clock.Advance(2 * time.Hour) // the normal is read again after an hour
		for _, ms := range []int{5000, 700, 500} {
			call(ms)
		}
		logs := e.callLogs(t, in.ID)
		require.Len(t, logs, 13)
		for _, l := range logs[:10] {
			require.Equal(t, storage.LogInfo, l.Level)
		}
		slow, far, fine := logs[10], logs[11], logs[12]
		require.Equal(t, [2]any{storage.LogWarn, "Slow response"}, [2]any{slow.Level, slow.Message})
		d := details(t, slow)
		require.EqualValues(t, 5000, d["response_time_ms"])
		require.EqualValues(t, 200, d["normal_ms"])
		require.Equal(t, [2]any{storage.LogWarn, "Slow response"}, [2]any{far.Level, far.Message}, "3.5 times the normal")
		require.Equal(t, storage.LogInfo, fine.Level, "2.5 times the normal is fine")
	})
}

// TestRecorderAPI: other code hands the recorder log entries and
// observations; they land with the call path's.
func TestRecorderAPI(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, nil)
		in := e.create(t, &integration.CreateParams{Settings: probeSettings("recorder")})
		rec := e.mgr.Recorder()
		require.NoError(t, rec.Log(e.ctx, &integration.LogEntry{OrganizationID: e.org, IntegrationID: in.ID,
			Level: storage.LogInfo, Message: "Daily summary sent", Details: map[string]any{"sent": 247}}))
		require.NoError(t, rec.Observe(e.ctx, &integration.Observation{OrganizationID: e.org, IntegrationID: in.ID,
			Metric: "webhook.inbound", Time: e.clock.Now(), Duration: 40 * time.Millisecond}))
		require.NoError(t, rec.Observe(e.ctx, &integration.Observation{OrganizationID: e.org, IntegrationID: in.ID,
			Metric: "webhook.inbound", Time: e.clock.Now(), Duration: 60 * time.Millisecond, Failed: true}))
		e.flush(t)
		logs := e.callLogs(t, in.ID)
		require.Len(t, logs, 1)
		require.Equal(t, "Daily summary sent", logs[0].Message)
		require.Equal(t, e.clock.Now(), logs[0].Time, "a zero time is the recorder's now")
		bs := e.buckets(t, in.ID, "webhook.inbound")
		require.Len(t, bs, 1)
		require.Equal(t, [4]int64{2, 1, 100, 60}, [4]int64{bs[0].Count, bs[0].Errors, bs[0].DurationMS, bs[0].MaxDurationMS})
		st := rec.Stats()
		require.GreaterOrEqual(t, st.Recorded, int64(4))
		require.Zero(t, st.Lost+st.Dropped)
	})
}
