package s3_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/testkit"
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
	testkit.BenchAlternating(b, p, plug, func(prov providers.Provider) error {
		_, err := prov.Do(ctx, s, put)
		return err
	})
}
