package integration_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/storage"
)

// benchEnv is a started Manager on a store opened by open, with the probe
// in process and one integration of it.
func benchEnv(b *testing.B, open opener, clock func() time.Time, settings providers.Settings) (*integration.Manager, uuid.UUID) {
	b.Helper()
	store := open(b, clock)
	host := newHost(b)
	require.NoError(b, host.Register("probe", newProbe("probe")))
	m, err := integration.New(&integration.Config{Store: store, Providers: host, Clock: clock, NoHealthCheckScheduler: true})
	require.NoError(b, err)
	require.NoError(b, m.Start(context.Background()))
	b.Cleanup(func() { require.NoError(b, m.Stop(context.Background())) })
	org := uuid.New()
	_, err = m.IntegrationCreate(context.Background(), &integration.CreateParams{OrganizationID: org, Type: "probe",
		Provider: "probe", Name: "Bench", Settings: settings})
	require.NoError(b, err)
	return m, org
}

// BenchmarkDispatch measures the call path's overhead: each iteration calls
// the in-process provider directly, then through Manager.Dispatch with
// recording on (batched into the store), and reports both medians and the
// overhead at the median (target: under 20 µs on SQLite), with the 99th
// percentiles. The loop calls as fast as it can, so its mean is bound by
// the store's writing of the records (write-ns/record), which the bounded
// queue makes calls wait for. "quota" adds limits of 10,000 an hour: a
// reservation (two store writes) per block of 100 calls (the clock moves
// an hour every 5,000 calls to stay under it).
func BenchmarkDispatch(b *testing.B) {
	for _, backend := range []struct {
		name string
		open opener
	}{{"SQLite", openSQLite}, {"PostgreSQL", openPostgres}} {
		for _, quota := range []bool{false, true} {
			name := backend.name
			if quota {
				name += "/quota"
			}
			b.Run(name, func(b *testing.B) { benchDispatch(b, backend.open, quota) })
		}
	}
}

func benchDispatch(b *testing.B, open opener, quota bool) {
	if open == nil {
		b.Skip()
	}
	clock := &clock{t: time.Now().UTC()}
	s := probeSettings(uuid.NewString())
	if quota {
		s["rateLimitHour"] = "10000"
		s["rateLimitDay"] = "1000000"
	}
	m, org := benchEnv(b, open, clock.Now, s)
	ctx := context.Background()
	direct := newProbe("probe")
	op := &providers.Operation{Name: "probe.echo", Payload: json.RawMessage(`{"to":"candidate@example.com"}`)}
	_, err := m.Dispatch(ctx, org, "probe", op) // warm the route
	require.NoError(b, err)
	directNS := make([]float64, 0, b.N)
	dispatchNS := make([]float64, 0, b.N)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if quota && i%5000 == 4999 {
			clock.Advance(time.Hour)
		}
		t0 := time.Now()
		if _, err := direct.Do(ctx, s, op); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := m.Dispatch(ctx, org, "probe", op); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		directNS = append(directNS, float64(t1.Sub(t0)))
		dispatchNS = append(dispatchNS, float64(t2.Sub(t1)))
	}
	b.StopTimer()
	slices.Sort(directNS)
	slices.Sort(dispatchNS)
	med := func(xs []float64) float64 { return xs[len(xs)/2] }
	p99 := func(xs []float64) float64 { return xs[len(xs)*99/100] }
	b.ReportMetric(med(directNS), "direct-ns/median")
	b.ReportMetric(med(dispatchNS), "dispatch-ns/median")
	b.ReportMetric(med(dispatchNS)-med(directNS), "overhead-ns/median")
	b.ReportMetric(p99(dispatchNS), "dispatch-ns/p99")
	st := m.Recorder().Stats()
	b.ReportMetric(float64(st.Recorded)/float64(max(st.Batches, 1)), "records/batch")
	b.ReportMetric(float64(st.WriteTime)/float64(max(st.Recorded, 1)), "write-ns/record")
}

// BenchmarkHealthChecks measures 1,000 integrations health-checked by
// providers with a fixed 50 ms latency, against the ideal time for the
// concurrency (ceil(1000/C) × 50 ms): the reported efficiency is ideal /
// measured (target ≥ 80 %).
func BenchmarkHealthChecks(b *testing.B) {
	for _, backend := range []struct {
		name string
		open opener
	}{{"SQLite", openSQLite}, {"PostgreSQL", openPostgres}} {
		for _, conc := range []int{integration.HealthCheckConcurrencyDefault, 64} {
			b.Run(fmt.Sprintf("%s/concurrency=%d", backend.name, conc), func(b *testing.B) {
				benchHealth(b, backend.open, conc)
			})
		}
	}
}

func benchHealth(b *testing.B, open opener, conc int) {
	const n, latency = 1000, 50 * time.Millisecond
	clock := &clock{t: time.Now().UTC()}
	store := open(b, clock.Now)
	host := newHost(b)
	require.NoError(b, host.Register("probe", newProbe("probe")))
	m, err := integration.New(&integration.Config{Store: store, Providers: host, Clock: clock.Now,
		HealthCheckConcurrency: conc, NoHealthCheckScheduler: true})
	require.NoError(b, err)
	ctx := context.Background()
	org := uuid.New()
	next := clock.Now().Add(integration.HealthCheckIntervalDefault)
	for i := range n {
		cfg, _ := json.Marshal(probeSettings(fmt.Sprintf("bench-%d", i), func(s providers.Settings) {
			s["checkDelayMs"] = fmt.Sprint(latency.Milliseconds())
		}))
		_, err := store.IntegrationCreate(ctx, &storage.IntegrationCreateParams{OrganizationID: org, Type: "probe",
			Provider: "probe", Name: fmt.Sprintf("probe %d", i), Config: cfg, NextCheckAt: &next})
		require.NoError(b, err)
	}
	require.NoError(b, m.Start(ctx)) // recording on; the rounds are HealthCheckRun's
	b.Cleanup(func() { require.NoError(b, m.Stop(context.Background())) })
	ideal := time.Duration((n+conc-1)/conc) * latency
	var total time.Duration
	b.ResetTimer()
	for b.Loop() {
		clock.Advance(integration.HealthCheckIntervalDefault)
		start := time.Now()
		got, err := m.HealthCheckRun(ctx)
		total += time.Since(start)
		if err != nil || got != n {
			b.Fatalf("round at %s: checked %d of %d: %v", clock.Now(), got, n, err)
		}
	}
	b.StopTimer()
	per := total / time.Duration(b.N)
	b.ReportMetric(per.Seconds(), "s/round")
	b.ReportMetric(ideal.Seconds(), "ideal-s/round")
	b.ReportMetric(100*ideal.Seconds()/per.Seconds(), "%-of-ideal")
}
