package webhook_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// benchWorkers is the concurrency of both the dispatcher and the raw loop.
const benchWorkers = 16

// BenchmarkDelivery reports delivered webhooks per second on each store and,
// measured in the same run against the same receiver with the same
// concurrency, raw unsigned POSTs per second; ratio is the first over the
// second (target ≥ 0.5). On Linux it also reports the CPU time each
// delivery cost this process (dispatcher, receiver and, for SQLite, the
// database) and a local PostgreSQL server, and each raw POST this process:
// where the cores are shared, these decide the ratio.
func BenchmarkDelivery(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			rcv := webhooktest.NewReceiver(b)
			rcv.SetRecordBodies(false)
			st := be.open(b)
			d, err := webhook.New(st, &webhook.Config{TLSConfig: rcv.TLSConfig(), AllowAddrs: rcv.AllowAddrs(),
				Workers: benchWorkers, PerSubscriptionLimit: benchWorkers, PollInterval: 5 * time.Millisecond})
			require.NoError(b, err)
			bd := &bundle{d: d, store: st, rcv: rcv, org: newOrg(), ctx: context.Background()}
			for i := range 4 {
				bd.subscribe(b, fmt.Sprintf("bench%d", i))
			}
			n := max(b.N, 200)
			publishN(b, bd, n)
			body := bytes.Repeat([]byte("x"), 120)
			b.ResetTimer()
			start, cpu0, db0 := time.Now(), processCPU(), serverCPU("postgres")
			require.NoError(b, d.Start(bd.ctx))
			ctx, cancel := context.WithTimeout(bd.ctx, 10*time.Minute)
			defer cancel()
			require.True(b, rcv.Wait(ctx, n))
			elapsed, cpu, db := time.Since(start), processCPU()-cpu0, serverCPU("postgres")-db0
			b.StopTimer()
			require.NoError(b, d.Stop(bd.ctx))
			rate := float64(n) / elapsed.Seconds()
			cpu0 = processCPU()
			raw := rawPostRate(b, rcv, n, body)
			reportCPU(b, cpu, n, "cpu_us/delivery")
			if be.name == "postgres" {
				reportCPU(b, db, n, "db_cpu_us/delivery")
			}
			reportCPU(b, processCPU()-cpu0, n, "raw_cpu_us/post")
			b.ReportMetric(rate, "webhooks/s")
			b.ReportMetric(raw, "raw_posts/s")
			b.ReportMetric(rate/raw, "ratio")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// reportCPU reports cpu per item, unless it could not be measured.
func reportCPU(b *testing.B, cpu time.Duration, n int, unit string) {
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(n), unit)
	}
}

// publishN queues n deliveries (n/4 events to 4 subscriptions).
func publishN(b *testing.B, bd *bundle, n int) {
	var events []*webhook.Event
	for i := range (n + 3) / 4 {
		events = append(events, &webhook.Event{Type: webhook.EventJobCreated, Data: map[string]int{"n": i}})
		if len(events) == 250 {
			_, err := bd.d.PublishBatch(bd.ctx, bd.org, events)
			require.NoError(b, err)
			events = events[:0]
		}
	}
	if len(events) > 0 {
		_, err := bd.d.PublishBatch(bd.ctx, bd.org, events)
		require.NoError(b, err)
	}
}

// rawPostRate POSTs n unsigned bodies with benchWorkers goroutines and a
// plain keep-alive client, and returns requests per second.
func rawPostRate(b *testing.B, rcv *webhooktest.Receiver, n int, body []byte) float64 {
	tr := &http.Transport{TLSClientConfig: rcv.TLSConfig(), ForceAttemptHTTP2: true, MaxIdleConnsPerHost: benchWorkers}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var left atomic.Int64
	left.Store(int64(n))
	var wg sync.WaitGroup
	start := time.Now()
	for range benchWorkers {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				resp, err := client.Post(rcv.URL, "application/json", bytes.NewReader(body))
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = resp.Body.Read(make([]byte, 64))
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds()
}

// BenchmarkPublishLatency reports the time from Publish to the first
// attempt's arrival at the receiver, p50 and p99, with the workers idle
// and woken by the publish (in process; NOTIFY on PostgreSQL).
func BenchmarkPublishLatency(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			rcv := webhooktest.NewReceiver(b)
			st := be.open(b)
			d, err := webhook.New(st, &webhook.Config{TLSConfig: rcv.TLSConfig(), AllowAddrs: rcv.AllowAddrs(),
				PollInterval: time.Second})
			require.NoError(b, err)
			bd := &bundle{d: d, store: st, rcv: rcv, org: newOrg(), ctx: context.Background()}
			bd.subscribe(b, "latency")
			require.NoError(b, d.Start(bd.ctx))
			defer func() { require.NoError(b, d.Stop(bd.ctx)) }()
			lat := make([]time.Duration, 0, b.N)
			pubLat := make([]time.Duration, 0, b.N)
			ctx, cancel := context.WithTimeout(bd.ctx, 10*time.Minute)
			defer cancel()
			b.ResetTimer()
			for i := range b.N {
				t0 := time.Now()
				_, err := d.Publish(bd.ctx, bd.org, &webhook.Event{Type: webhook.EventJobCreated})
				require.NoError(b, err)
				pubLat = append(pubLat, time.Since(t0))
				require.True(b, rcv.Wait(ctx, i+1))
				lat = append(lat, rcv.Requests()[i].ReceivedAt.Sub(t0))
			}
			b.StopTimer()
			slices.Sort(lat)
			slices.Sort(pubLat)
			b.ReportMetric(float64(pubLat[len(pubLat)/2].Microseconds())/1000, "publish_p50_ms")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
		})
	}
}
