package integration_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/storage"
)

// allTypes are the catalog's 18 keys.
func allTypes() []string {
	var keys []string
	for _, e := range integration.DefaultCatalog().Entries() {
		keys = append(keys, e.Key)
	}
	return keys
}

// TestAdminInt001Dashboard is ADMIN-INT-001: the dashboard shows every integration
// with its status: the overview's counts and percentages, and the list
// with provider, status and last sync, as §3 draws it.
func TestAdminInt001Dashboard(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, &envOpts{providers: map[string]providers.Provider{"probe": newProbe("probe", allTypes()...)}})
		ids := map[string]uuid.UUID{}
		for _, typ := range allTypes() {
			s := probeSettings(uuid.NewString())
			if typ == integration.TypeEmail {
				s["checkMode"] = "fail"
			}
			ids[typ] = e.create(t, &integration.CreateParams{Type: typ, Provider: "probe", Name: typ, Settings: s}).ID
		}
		_, err := e.mgr.IntegrationDisable(e.ctx, e.org, ids[integration.TypeSSO])
		require.NoError(t, err)
		_, err = e.mgr.Dispatch(e.ctx, e.org, integration.TypePayroll, echoOp("sync"))
		require.NoError(t, err)
		e.clock.Advance(3 * time.Minute)
		_, err = e.mgr.Dispatch(e.ctx, e.org, integration.TypeEmail, failOp(probeFailure{Kind: "invalid", Key: uuid.NewString()}))
		require.Error(t, err)
		e.clock.Advance(2 * time.Minute)
		e.flush(t)

		o, err := e.mgr.Overview(e.ctx, e.org)
		require.NoError(t, err)
		require.Equal(t, [4]int{18, 16, 1, 1}, [4]int{o.Total, o.Active, o.Errors, o.Disabled})
		require.Equal(t, [3]int{89, 6, 6}, [3]int{o.ActivePercent, o.ErrorsPercent, o.DisabledPercent}, "16 (89%), 1 (6%), 1 (6%)")
		require.Empty(t, o.Unconfigured)
		require.Len(t, o.Integrations, 18)

		first := o.Integrations[0]
		require.Equal(t, "Email (SMTP)", first.TypeName, "errors head the list")
		require.Equal(t, "Probe probe", first.ProviderName)
		require.Equal(t, storage.IntegrationError, first.Status)
		require.Equal(t, "ERROR (Last 5 minutes)", first.StatusLabel)
		require.Equal(t, "2 min ago (failed)", first.LastSyncLabel)
		require.Equal(t, "Calendar", o.Integrations[1].TypeName, "then the active ones in catalog order")
		payroll := itemOf(o, integration.TypePayroll)
		require.Equal(t, "5 min ago", payroll.LastSyncLabel)
		require.Equal(t, "ACTIVE", payroll.StatusLabel)
		require.Equal(t, "Never", itemOf(o, integration.TypeHRIS).LastSyncLabel)
		last := o.Integrations[17]
		require.Equal(t, "SSO", last.TypeName)
		require.Equal(t, "DISABLED", last.StatusLabel)

		empty, err := e.mgr.Overview(e.ctx, uuid.New())
		require.NoError(t, err)
		require.Zero(t, empty.Total)
		require.Zero(t, empty.ActivePercent)
		require.Len(t, empty.Unconfigured, 18, "a new organization sees the whole catalog to configure")
	})
}

func itemOf(o *integration.Overview, typ string) integration.OverviewItem {
	for _, it := range o.Integrations {
		if it.Type == typ {
			return it
		}
	}
	return integration.OverviewItem{}
}

// timed is a provider whose calls and checks take exactly the time its
// payload says, on the test's clock; checks fail while failChecks > 0.
type timed struct {
	providers.UnimplementedProvider
	clock      *clock
	failChecks atomic.Int64
}

func (p *timed) Info(context.Context) (*providers.Info, error) {
	return &providers.Info{Name: "timed", DisplayName: "Timed", Types: []string{"timed"}, Version: "1.0.0",
		Capabilities: []string{"timed.call"}}, nil
}

func (p *timed) Validate(context.Context, providers.Settings) error { return nil }

func (p *timed) Check(context.Context, providers.Settings) (*providers.CheckResult, error) {
	p.clock.Advance(100 * time.Millisecond)
	if p.failChecks.Add(-1) >= 0 {
		return &providers.CheckResult{Stages: []providers.Stage{{Name: providers.StageTCP, Status: providers.StageFailed,
			Message: "Connection to Timed timed out"}}}, nil
	}
	return &providers.CheckResult{}, nil
}

type timedCall struct {
	MS   int  `json:"ms"`
	Fail bool `json:"fail"`
}

func (p *timed) Do(_ context.Context, _ providers.Settings, op *providers.Operation) (*providers.Result, error) {
	var c timedCall
	if err := json.Unmarshal(op.Payload, &c); err != nil {
		return nil, providers.InvalidInput(err)
	}
	p.clock.Advance(time.Duration(c.MS) * time.Millisecond)
	if c.Fail {
		return nil, providers.InvalidInput(errors.New("rejected"))
	}
	return &providers.Result{}, nil
}

// TestMetricsFromRecordedCalls: the figures of §5 computed from recorded
// calls and checks equal the hand-computed ones (injected clock).
func TestMetricsFromRecordedCalls(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		p := &timed{}
		e := setup(t, open, &envOpts{providers: map[string]providers.Provider{"timed": p}, noStart: true})
		p.clock = e.clock
		e.clock.Set(time.Date(2031, time.May, 1, 0, 0, 0, 0, time.UTC))
		in := e.create(t, &integration.CreateParams{Type: "timed", Provider: "timed", Name: "Timed"})
		call := func(at time.Time, ms int, fail bool) {
			e.clock.Set(at)
			b, _ := json.Marshal(timedCall{MS: ms, Fail: fail})
			_, err := e.mgr.Dispatch(e.ctx, e.org, "timed", &providers.Operation{Name: "timed.call", Payload: b})
			require.Equal(t, fail, err != nil)
		}
		// The normal week before the window: 200 calls of 0.8 s, one failed (0.5%).
		for i := range 200 {
			call(time.Date(2031, time.May, 3, 12, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Minute), 800, i == 7)
		}
		// The window (May 7 11:00 to May 8 11:00): 50 calls of 1.2 s, every
		// 2 minutes from 08:00, the first failed.
		for i := range 50 {
			call(time.Date(2031, time.May, 8, 8, 0, 0, 0, time.UTC).Add(time.Duration(i)*2*time.Minute), 1200, i == 0)
		}
		// 100 health checks in the window, 3 of them failed.
		for i := range 100 {
			e.clock.Set(time.Date(2031, time.May, 7, 11, 0, 0, 0, time.UTC).Add(time.Duration(i) * 10 * time.Minute))
			if i%10 == 0 && i > 0 && i <= 30 {
				p.failChecks.Store(1)
			}
			_, err := e.mgr.HealthCheckAll(e.ctx, e.org)
			require.NoError(t, err)
		}
		e.clock.Set(time.Date(2031, time.May, 8, 10, 30, 0, 0, time.UTC))
		e.flush(t)

		m, err := e.mgr.Metrics(e.ctx, e.org, in.ID, 24*time.Hour)
		require.NoError(t, err)
		require.Equal(t, time.Date(2031, time.May, 7, 11, 0, 0, 0, time.UTC), m.Since)
		require.Equal(t, time.Date(2031, time.May, 8, 11, 0, 0, 0, time.UTC), m.Until)
		require.EqualValues(t, 49, m.Sent)
		require.EqualValues(t, 1, m.Failed)
		require.InDelta(t, 98.0, m.SuccessRate, 1e-9)
		require.InDelta(t, 2.0, m.FailureRate, 1e-9)
		require.Equal(t, 1200*time.Millisecond, m.AvgResponse)
		require.Equal(t, 800*time.Millisecond, m.NormalResponse)
		require.InDelta(t, 0.5, m.NormalFailureRate, 1e-9)
		require.EqualValues(t, 100, m.Checks)
		require.EqualValues(t, 3, m.CheckFailures)
		require.InDelta(t, 97.0, m.Uptime, 1e-9)
		require.Equal(t, integration.UptimeTarget, m.UptimeTarget)

		require.Len(t, m.Hourly, 24)
		h8, h9 := m.Hourly[21], m.Hourly[22]
		require.Equal(t, time.Date(2031, time.May, 8, 8, 0, 0, 0, time.UTC), h8.Start)
		require.Equal(t, [2]int64{29, 1}, [2]int64{h8.Sent, h8.Failed}, "08:00-08:58: 30 calls")
		require.Equal(t, [2]int64{20, 0}, [2]int64{h9.Sent, h9.Failed}, "09:00-09:38: 20 calls")
		require.Equal(t, 1200*time.Millisecond, h8.AvgResponse)
		require.Equal(t, 1200*time.Millisecond, h8.MaxResponse)
		require.EqualValues(t, 6, m.Hourly[0].Checks, "11:00-11:50")
		require.Zero(t, m.Hourly[23].Sent)
		var checks int64
		for _, h := range m.Hourly {
			checks += h.Checks
		}
		require.EqualValues(t, 100, checks)

		short, err := e.mgr.Metrics(e.ctx, e.org, in.ID, 90*time.Minute)
		require.NoError(t, err)
		require.Len(t, short.Hourly, 2, "rounded up to whole hours")
		require.EqualValues(t, 20, short.Sent, "09:00 and 10:00")
		_, err = e.mgr.Metrics(e.ctx, uuid.New(), in.ID, 0)
		require.ErrorIs(t, err, storage.ErrNotFound)
	})
}
