package google_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/google"
)

// BenchmarkEventCreate is the OAuth HTTP API providers' figure: interview
// events created per second against the local Calendar API, in process
// and through the plugin (the access token travelling with each call),
// serially and 8-way parallel, with the plugin's share of the in-process
// rate measured in the same run ("plugin-vs-inprocess").
func BenchmarkEventCreate(b *testing.B) {
	f := newFakeGoogle(b)
	inproc := google.New(nil)
	b.Cleanup(func() { _ = inproc.Close() })
	provs := map[string]providers.Provider{"in-process": inproc, "plugin": plugin(b)}
	s := f.settings(tokGood)
	ctx := context.Background()
	create := func(p providers.Provider) {
		if _, err := p.Do(ctx, s, createOp); err != nil {
			b.Fatal(err)
		}
	}
	for _, name := range []string{"in-process", "plugin"} {
		p := provs[name]
		b.Run(name+"/serial", func(b *testing.B) {
			start := time.Now()
			for b.Loop() {
				create(p)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
		})
		b.Run(name+"/parallel8", func(b *testing.B) {
			b.SetParallelism(8)
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					create(p)
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
		})
	}
	b.Run("plugin-vs-inprocess/parallel8", func(b *testing.B) {
		b.SetParallelism(8)
		rate := func(p providers.Provider) float64 {
			var n atomic.Int64
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					create(p)
					n.Add(1)
				}
			})
			return float64(n.Load()) / time.Since(start).Seconds()
		}
		in := rate(provs["in-process"])
		pl := rate(provs["plugin"])
		b.ReportMetric(in, "inprocess-calls/s")
		b.ReportMetric(pl, "plugin-calls/s")
		b.ReportMetric(pl/in, "plugin/inprocess")
	})
}
