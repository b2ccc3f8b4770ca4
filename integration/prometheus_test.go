package integration_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
)

// gathered is the registry's metrics by name, as label-set → value.
func gather(t *testing.T, reg *prometheus.Registry) map[string]map[string]float64 {
	t.Helper()
	fams, err := reg.Gather()
	require.NoError(t, err)
	out := map[string]map[string]float64{}
	for _, f := range fams {
		out[f.GetName()] = map[string]float64{}
		for _, m := range f.GetMetric() {
			key := ""
			for _, l := range m.GetLabel() {
				if l.GetName() == "outcome" || l.GetName() == "status" || l.GetName() == "name" {
					key = l.GetValue()
				}
			}
			out[f.GetName()][key] = value(m)
		}
	}
	return out
}

func value(m *dto.Metric) float64 {
	if m.GetCounter() != nil {
		return m.GetCounter().GetValue()
	}
	return m.GetGauge().GetValue()
}

func TestPrometheusCollector(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, nil)
		in := e.create(t, &integration.CreateParams{Name: "Probe", Settings: probeSettings(uuid.NewString())})
		for range 2 {
			_, err := e.mgr.Dispatch(e.ctx, e.org, "probe", echoOp("x"))
			require.NoError(t, err)
		}
		_, err := e.mgr.Dispatch(e.ctx, e.org, "probe", failOp(probeFailure{Kind: "invalid", Key: uuid.NewString()}))
		require.Error(t, err)
		e.flush(t)

		_, err = e.mgr.NewCollector(nil)
		require.Error(t, err, "Organizations is required")
		c, err := e.mgr.NewCollector(&integration.CollectorOpts{Organizations: func(context.Context) ([]uuid.UUID, error) {
			return []uuid.UUID{e.org}, nil
		}})
		require.NoError(t, err)
		reg := prometheus.NewRegistry()
		require.NoError(t, reg.Register(c))
		got := gather(t, reg)
		require.Equal(t, map[string]float64{"Probe": 1}, got["intime_integration_info"])
		require.Equal(t, map[string]float64{"active": 1, "inactive": 0, "error": 0, "disabled": 0}, got["intime_integration_status"])
		require.Equal(t, map[string]float64{"success": 2, "failure": 1}, got["intime_integration_calls"])
		require.Equal(t, map[string]float64{"success": 1, "failure": 0}, got["intime_integration_health_checks"])
		require.Equal(t, map[string]float64{"": 1}, got["intime_integration_uptime_ratio"])
		require.Equal(t, float64(e.clock.Now().Unix()), got["intime_integration_last_sync_timestamp_seconds"][""])
		require.GreaterOrEqual(t, got["intime_integration_recorder_records_total"][""], 4.0, "three calls and a check")
		require.Zero(t, got["intime_integration_recorder_lost_total"][""])

		_, err = e.mgr.IntegrationDisable(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.Equal(t, 1.0, gather(t, reg)["intime_integration_status"]["disabled"], "each scrape reads the store")

		broken, err := e.mgr.NewCollector(&integration.CollectorOpts{Organizations: func(context.Context) ([]uuid.UUID, error) {
			return nil, errors.New("directory down")
		}})
		require.NoError(t, err)
		reg2 := prometheus.NewRegistry()
		require.NoError(t, reg2.Register(broken))
		_, err = reg2.Gather()
		require.ErrorContains(t, err, "directory down", "a failed snapshot fails the scrape")
	})
}
