package s3_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/s3"
	"github.com/intimeos/integrations/providers/s3/s3test"
)

// BenchmarkPut measures S3 put calls per second (a 64 KiB file to the
// in-process S3-compatible server) in process and through the plugin,
// each on its own and then alternating in one loop, which reports both
// rates and their ratio.
func BenchmarkPut(b *testing.B) {
	srv := s3test.New(b, nil)
	p := s3.New(nil)
	b.Cleanup(func() { _ = p.Close() })
	plug := plugin(b)
	s := settings(srv, s3test.AccessKey)
	put := op(s3.OpPut, &s3.PutParams{Key: "bench/resume.pdf", ContentType: "application/pdf",
		Body: bytes.Repeat([]byte("résumé "), 64<<10/8)})
	ctx := context.Background()
	call := func(b *testing.B, prov providers.Provider) {
		if _, err := prov.Do(ctx, s, put); err != nil {
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
		reportRates(b, tIn, tPlug)
	})
}

// reportRates reports the calls per second of each side and the plugin's
// share of the in-process rate.
func reportRates(b *testing.B, tIn, tPlug time.Duration) {
	in := float64(b.N) / tIn.Seconds()
	plug := float64(b.N) / tPlug.Seconds()
	b.ReportMetric(in, "in-process-calls/s")
	b.ReportMetric(plug, "plugin-calls/s")
	b.ReportMetric(plug/in, "plugin/in-process")
}
