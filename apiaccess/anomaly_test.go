package apiaccess_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/apiaccess"
)

// reported collects what OnAnomaly receives, from every host.
type reported struct {
	mu   sync.Mutex
	list []*apiaccess.Anomaly
}

func (r *reported) add(_ context.Context, a *apiaccess.Anomaly) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, a)
}

func (r *reported) get() []*apiaccess.Anomaly {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*apiaccess.Anomaly(nil), r.list...)
}

// TestAnomaly builds an hour of normal traffic for two tokens, then one of
// them jumps to 20 times its rate: one event, from one of the two hosts.
func TestAnomaly(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *database) {
		rep := &reported{}
		b := setup(t, db, 2, &apiaccess.Config{OnAnomaly: rep.add, Anomaly: apiaccess.AnomalyConfig{Baseline: time.Hour}})
		busy := b.mustToken(t, b.org, nil)
		steady := b.mustToken(t, b.org, nil)
		b.clock.Set(time.Date(2024, 12, 4, 9, 0, 0, 0, time.UTC))
		sendN := func(token string, n int) {
			for i := range n {
				require.Equal(t, http.StatusOK, b.hosts[i%2].do(http.MethodGet, "/api/jobs/1", token).Code)
			}
		}
		for range 60 {
			sendN(busy.Secret, 4)
			sendN(steady.Secret, 4)
			b.clock.Advance(time.Minute)
		}
		// 10:00: four a minute is normal; a hundred is not.
		sendN(busy.Secret, 80)
		sendN(steady.Secret, 5)
		for _, h := range b.hosts {
			require.NoError(t, h.svc.Flush(b.ctx))
		}
		b.clock.Advance(time.Minute)

		var found []*apiaccess.Anomaly
		for _, h := range b.hosts {
			got, err := h.svc.AnomalyCheck(b.ctx, b.clock.Now())
			require.NoError(t, err)
			found = append(found, got...)
		}
		require.Len(t, found, 1, "one host reports it")
		a := found[0]
		require.Equal(t, busy.ID, a.TokenID)
		require.Equal(t, b.org, a.OrganizationID)
		require.Equal(t, int64(80), a.Requests)
		require.InDelta(t, 4.0, a.Baseline, 1e-9)
		require.Equal(t, time.Date(2024, 12, 4, 10, 0, 0, 0, time.UTC), a.WindowStart)
		require.Equal(t, a.WindowStart.Add(time.Minute), a.WindowEnd)
		require.Equal(t, "API token "+busy.ID.String()+": 80 requests in a minute, normally 4.0", a.Message())
		require.Equal(t, found, rep.get(), "OnAnomaly got it once")

		again, err := b.hosts[0].svc.AnomalyCheck(b.ctx, b.clock.Now())
		require.NoError(t, err)
		require.Empty(t, again, "a minute is checked once")
		list, err := b.svc().AnomalyList(b.ctx, b.org, time.Time{})
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Equal(t, a.TokenID, list[0].TokenID)
		list, err = b.svc().AnomalyList(b.ctx, newOrg(), time.Time{})
		require.NoError(t, err)
		require.Empty(t, list)

		// The next minute is quiet again.
		sendN(busy.Secret, 4)
		require.NoError(t, b.hosts[0].svc.Flush(b.ctx))
		require.NoError(t, b.hosts[1].svc.Flush(b.ctx))
		b.clock.Advance(time.Minute)
		got, err := b.hosts[1].svc.AnomalyCheck(b.ctx, b.clock.Now())
		require.NoError(t, err)
		require.Empty(t, got)
	})
}

// TestBackgroundLoop runs Start: usage is written, and anomalies reported,
// with no call but Start.
func TestBackgroundLoop(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *database) {
		rep := &reported{}
		b := setup(t, db, 1, &apiaccess.Config{FlushInterval: 10 * time.Millisecond, OnAnomaly: rep.add})
		tok := b.mustToken(t, b.org, func(p *apiaccess.TokenCreateParams) { p.PerMinute = 500 })
		require.NoError(t, b.svc().Start(b.ctx))
		require.Error(t, b.svc().Start(b.ctx), "twice")
		for range 70 {
			require.Equal(t, http.StatusOK, b.hosts[0].do(http.MethodGet, "/api/jobs/1", tok.Secret).Code)
		}
		require.Eventually(t, func() bool {
			u, err := b.svc().Usage(b.ctx, &apiaccess.UsageParams{OrganizationID: b.org})
			return err == nil && u.Total == 70
		}, 10*time.Second, 5*time.Millisecond)
		// A new token's 70 requests in its first minute are far above its
		// (empty) normal rate; the loop looks at a minute a little after it ends.
		b.clock.Advance(time.Minute)
		require.Eventually(t, func() bool { return len(rep.get()) == 1 }, 10*time.Second, 5*time.Millisecond)
		require.Equal(t, tok.ID, rep.get()[0].TokenID)
		require.NoError(t, b.svc().Stop(b.ctx))
		require.NoError(t, b.svc().Stop(b.ctx), "twice")
		require.Error(t, b.svc().Start(b.ctx), "after Stop")
	})
}
