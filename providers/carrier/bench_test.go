package carrier_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/carrier"
	"github.com/intimeos/integrations/providers/sftpdrop/sftptest"
)

// BenchmarkSend measures SFTP upload calls per second (render a
// four-member 834 and deliver it, one SSH connection per call, to the
// in-process SFTP server) in process and through the plugin, each on its
// own and then alternating in one loop, which reports both rates and
// their ratio.
func BenchmarkSend(b *testing.B) {
	srv := sftptest.New(b, nil)
	p := carrier.New(nil)
	plug := plugin(b)
	s := settings(srv, carrier.CarrierBCBS)
	var icn atomic.Int64
	ctx := context.Background()
	call := func(b *testing.B, prov providers.Provider) {
		f := family()
		f.ControlNumber = int(icn.Add(1))
		if _, err := prov.Do(ctx, s, op(carrier.OpSend, f)); err != nil {
			b.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		prov providers.Provider
	}{{"in-process", p}, {"plugin", plug}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				call(b, tc.prov)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
		})
	}
	b.Run("plugin-vs-in-process", func(b *testing.B) {
		var tIn, tPlug time.Duration
		for b.Loop() {
			t0 := time.Now()
			call(b, p)
			t1 := time.Now()
			call(b, plug)
			tIn += t1.Sub(t0)
			tPlug += time.Since(t1)
		}
		in, pl := float64(b.N)/tIn.Seconds(), float64(b.N)/tPlug.Seconds()
		b.ReportMetric(in, "in-process-calls/s")
		b.ReportMetric(pl, "plugin-calls/s")
		b.ReportMetric(pl/in, "plugin/in-process")
	})
}
