package integration_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
)

// orderProbe is the probe that remembers the echo payloads it received,
// in order.
type orderProbe struct {
	*probe
	mu  sync.Mutex
	got []string
}

func (p *orderProbe) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	if op.Name == opEcho {
		var v string
		_ = json.Unmarshal(op.Payload, &v)
		p.mu.Lock()
		p.got = append(p.got, v)
		p.mu.Unlock()
	}
	return p.probe.Do(ctx, s, op)
}

func (p *orderProbe) received() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.got...)
}

// TestManualModeReplay is §9's manual mode: 50 operations dispatched while
// the integration is in manual mode are queued (the count shows them);
// re-enabling runs the connection test first (a failing one changes
// nothing), then two hosts re-enable at once and every operation is
// replayed once, in order.
func TestManualModeReplay(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		p := &orderProbe{probe: newProbe("probe")}
		e := setup(t, open, &envOpts{providers: map[string]providers.Provider{"probe": p}})
		other := e.newManager(t, e.store, nil)
		in := e.create(t, &integration.CreateParams{Settings: probeSettings(uuid.NewString())})
		got, err := e.mgr.ManualModeSet(e.ctx, e.org, in.ID, true)
		require.NoError(t, err)
		require.True(t, got.ManualMode)

		var want []string
		for i := range 50 {
			want = append(want, fmt.Sprintf("op-%02d", i))
			_, err := e.mgr.Dispatch(e.ctx, e.org, "probe", echoOp(want[i]))
			var qe *integration.QueuedError
			require.ErrorAs(t, err, &qe)
			require.ErrorIs(t, err, integration.ErrQueued)
		}
		n, err := other.ManualQueueCount(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.Equal(t, 50, n)
		require.Empty(t, p.received(), "nothing was sent while in manual mode")

		// The connection test fails: nothing is replayed.
		failing := probeSettings("x", func(s providers.Settings) { s["checkMode"] = "fail" })
		_, err = e.mgr.IntegrationUpdate(e.ctx, &integration.UpdateParams{OrganizationID: e.org, ID: in.ID, Settings: failing})
		require.NoError(t, err)
		_, err = e.mgr.ManualModeSet(e.ctx, e.org, in.ID, false)
		var cf *integration.CheckFailedError
		require.ErrorAs(t, err, &cf)
		require.Empty(t, p.received())
		_, err = e.mgr.IntegrationUpdate(e.ctx, &integration.UpdateParams{OrganizationID: e.org, ID: in.ID,
			Settings: probeSettings("x")})
		require.NoError(t, err)

		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, m := range []*integration.Manager{e.mgr, other} {
			wg.Go(func() { _, errs[i] = m.ManualModeSet(e.ctx, e.org, in.ID, false) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				require.True(t, errors.Is(err, integration.ErrReplayBusy), "%v", err)
			}
		}
		require.False(t, errs[0] != nil && errs[1] != nil, "one host finishes the replay")
		require.Equal(t, want, p.received(), "all 50, in order, none twice")
		n, err = e.mgr.ManualQueueCount(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.Zero(t, n)
		got, err = e.mgr.IntegrationGet(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.False(t, got.ManualMode)
		_, err = e.mgr.Dispatch(e.ctx, e.org, "probe", echoOp("after"))
		require.NoError(t, err, "calls go out again")
	})
}

// TestManualModeReplayStops: a replayed operation that fails stops the
// replay; it and the rest stay queued, and manual mode stays on.
func TestManualModeReplayStops(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, nil)
		in := e.create(t, &integration.CreateParams{Settings: probeSettings(uuid.NewString())})
		_, err := e.mgr.ManualModeSet(e.ctx, e.org, in.ID, true)
		require.NoError(t, err)
		ops := []*providers.Operation{echoOp("a"), failOp(probeFailure{Kind: "invalid", Key: uuid.NewString()}), echoOp("c")}
		for _, op := range ops {
			_, err := e.mgr.Dispatch(e.ctx, e.org, "probe", op)
			require.ErrorIs(t, err, integration.ErrQueued)
		}
		_, err = e.mgr.ManualModeSet(e.ctx, e.org, in.ID, false)
		var re *integration.ReplayError
		require.ErrorAs(t, err, &re)
		require.Equal(t, 1, re.Replayed)
		require.Equal(t, 2, re.Pending)
		got, err := e.mgr.IntegrationGet(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.True(t, got.ManualMode)
		_, err = e.mgr.Dispatch(e.ctx, e.org, "probe", echoOp("d"))
		require.ErrorIs(t, err, integration.ErrQueued, "still queued behind the failure")
	})
}
