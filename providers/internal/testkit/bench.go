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
//
// On a shared machine the rates follow the load; the serial runs also
// report the CPU time a call costs, which does not: "host-cpu-µs/call" in
// the benchmark's process (the provider in process, or the plugin's client,
// and whatever serves the calls, such as a local fake of the service) and,
// for a plugin that reports its PID, "plugin-cpu-µs/call" in the plugin
// process (Linux only).
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
			cpu := startCPU(p)
			start := time.Now()
			for b.Loop() {
				do(p)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
			cpu.report(b)
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

// cpuMeter reads the CPU time of this process and of a plugin's process.
type cpuMeter struct {
	pid              int
	self, plugin     time.Duration
	selfOK, pluginOK bool
}

func startCPU(p providers.Provider) *cpuMeter {
	m := &cpuMeter{}
	m.self, m.selfOK = selfCPU()
	if pp, ok := p.(interface{ PID() int }); ok {
		m.pid = pp.PID()
		m.plugin, m.pluginOK = processCPU(m.pid)
	}
	return m
}

// report adds the CPU time per call since startCPU.
func (m *cpuMeter) report(b *testing.B) {
	perCall := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(b.N) }
	if now, ok := selfCPU(); ok && m.selfOK {
		b.ReportMetric(perCall(now-m.self), "host-cpu-µs/call")
	}
	if now, ok := processCPU(m.pid); ok && m.pluginOK {
		b.ReportMetric(perCall(now-m.plugin), "plugin-cpu-µs/call")
	}
}

// BenchAlternating measures call, one provider call, in calls per second:
// in process and through the plugin, each on its own ("calls/s"), and
// then alternating in one loop ("plugin-vs-in-process"), which reports
// both rates and the plugin's share of the in-process rate measured side
// by side ("plugin/in-process"). It suits calls that open a connection of
// their own (an SFTP upload, a large put), whose parallel rate would
// measure the local server. call fails the benchmark by returning an
// error.
func BenchAlternating(b *testing.B, inproc, plugin providers.Provider, call func(providers.Provider) error) {
	do := func(b *testing.B, p providers.Provider) {
		if err := call(p); err != nil {
			b.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		prov providers.Provider
	}{{"in-process", inproc}, {"plugin", plugin}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				do(b, tc.prov)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
		})
	}
	b.Run("plugin-vs-in-process", func(b *testing.B) {
		var tIn, tPlug time.Duration
		for b.Loop() {
			t0 := time.Now()
			do(b, inproc)
			t1 := time.Now()
			do(b, plugin)
			tIn += t1.Sub(t0)
			tPlug += time.Since(t1)
		}
		in, pl := float64(b.N)/tIn.Seconds(), float64(b.N)/tPlug.Seconds()
		b.ReportMetric(in, "in-process-calls/s")
		b.ReportMetric(pl, "plugin-calls/s")
		b.ReportMetric(pl/in, "plugin/in-process")
	})
}
