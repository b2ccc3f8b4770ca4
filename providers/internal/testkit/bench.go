package testkit

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/intimeos/integrations/providers"
)

// BenchInProcessVsPlugin measures call, one provider call, in calls per
// second: in process and through the plugin, serially and 8-way parallel,
// and then both again in one sub-benchmark that reports the plugin's share
// of the in-process rate measured in the same run ("plugin/inprocess"). call
// fails the benchmark by returning an error.
func BenchInProcessVsPlugin(b *testing.B, inproc, plugin providers.Provider, call func(providers.Provider) error) {
	provs := map[string]providers.Provider{"in-process": inproc, "plugin": plugin}
	do := func(p providers.Provider) {
		if err := call(p); err != nil {
			b.Fatal(err)
		}
	}
	for _, name := range []string{"in-process", "plugin"} {
		p := provs[name]
		b.Run(name+"/serial", func(b *testing.B) {
			start := time.Now()
			for b.Loop() {
				do(p)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
		})
		b.Run(name+"/parallel8", func(b *testing.B) {
			b.ReportMetric(parallelRate(b, p, do), "calls/s")
		})
	}
	b.Run("plugin-vs-inprocess/parallel8", func(b *testing.B) {
		in := parallelRate(b, inproc, do)
		pl := parallelRate(b, plugin, do)
		b.ReportMetric(in, "inprocess-calls/s")
		b.ReportMetric(pl, "plugin-calls/s")
		b.ReportMetric(pl/in, "plugin/inprocess")
	})
}

// parallelRate runs do 8-way parallel b.N times and returns calls per
// second.
func parallelRate(b *testing.B, p providers.Provider, do func(providers.Provider)) float64 {
	b.SetParallelism(8)
	var n atomic.Int64
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			do(p)
			n.Add(1)
		}
	})
	return float64(n.Load()) / time.Since(start).Seconds()
}
