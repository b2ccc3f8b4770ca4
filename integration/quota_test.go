package integration_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/storage"
)

// quotaCount reads a quota counter as stored.
func (e *env) quotaCount(t *testing.T, id uuid.UUID, metric string) int64 {
	t.Helper()
	var n int64
	for _, b := range e.buckets(t, id, providers.QuotaMetricDefault+"."+metric) {
		n += b.Count
	}
	return n
}

// TestQuotaAcrossHosts: two hosts share an integration's hourly and daily
// limits (rateLimitHour, rateLimitDay); calls over a limit are refused
// with the spec's message, and the counters never pass the limit.
func TestQuotaAcrossHosts(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, nil)
		hostB := e.newManager(t, e.store, nil)
		in := e.create(t, &integration.CreateParams{Settings: probeSettings(uuid.NewString(), func(s providers.Settings) {
			s["rateLimitHour"], s["rateLimitDay"] = "100", "150"
		})})
		e.clock.Set(time.Date(2031, time.May, 6, 10, 30, 0, 0, time.UTC))
		run := func(n int) (ok, refused int, last error) {
			for i := range n {
				m := e.mgr
				if i%2 == 1 {
					m = hostB
				}
				_, err := m.Dispatch(e.ctx, e.org, "probe", echoOp("x"))
				if err != nil {
					refused++
					last = err
					continue
				}
				ok++
			}
			return ok, refused, last
		}
		ok, refused, err := run(130)
		require.Equal(t, [2]int{100, 30}, [2]int{ok, refused})
		var qe *providers.QuotaError
		require.ErrorAs(t, err, &qe)
		require.Equal(t, "hourly", qe.Window)
		require.Equal(t, "Rate limit exceeded. Retry in 1800 seconds.", err.Error())
		require.EqualValues(t, 100, e.quotaCount(t, in.ID, "hour"), "never past the limit")

		e.clock.Advance(time.Hour)
		ok, refused, err = run(60)
		require.Equal(t, [2]int{50, 10}, [2]int{ok, refused}, "the daily limit of 150")
		require.ErrorAs(t, err, &qe)
		require.Equal(t, "daily", qe.Window)

		u, err := e.mgr.QuotaUsage(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.EqualValues(t, 150, u.Today)
		require.Equal(t, "150 today (100% of daily limit)", u.String())

		e.flush(t)
		logs := e.callLogs(t, in.ID)
		require.Equal(t, storage.LogWarn, logs[len(logs)-1].Level, "a refused call is logged")
		require.Contains(t, logs[len(logs)-1].Message, "Rate limit exceeded.")
	})
}

// TestQuotaReservesBlocks: a host reserves quota in blocks, so calls do not
// write to the store; a failed call gives its unit back, and Stop gives
// back what was not spent.
func TestQuotaReservesBlocks(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, nil)
		in := e.create(t, &integration.CreateParams{Settings: probeSettings(uuid.NewString(), func(s providers.Settings) {
			s["rateLimitHour"] = "1000"
		})})
		for i := range 5 {
			_, err := e.mgr.Dispatch(e.ctx, e.org, "probe", echoOp(fmt.Sprint(i)))
			require.NoError(t, err)
		}
		for range 3 {
			_, err := e.mgr.Dispatch(e.ctx, e.org, "probe", failOp(probeFailure{Kind: "invalid", Key: uuid.NewString()}))
			require.Error(t, err)
		}
		require.EqualValues(t, 10, e.quotaCount(t, in.ID, "hour"), "one block of 10 (a hundredth of 1,000) for 8 calls")
		require.EqualValues(t, 100, e.quotaCount(t, in.ID, "day"), "a hundredth of 25,000, capped at QuotaBlock (100)")
		u, err := e.mgr.QuotaUsage(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.Equal(t, [2]int64{5, 5}, [2]int64{u.Hour, u.Today}, "the form shows the calls made, not the block held")
		require.Equal(t, "5 today (0% of daily limit)", u.String())
		require.NoError(t, e.mgr.Stop(e.ctx))
		require.EqualValues(t, 5, e.quotaCount(t, in.ID, "hour"), "Stop gives back the 5 unspent: 3 failed calls returned theirs")
		require.EqualValues(t, 5, e.quotaCount(t, in.ID, "day"))
		require.NoError(t, e.mgr.Start(e.ctx))
	})
}
