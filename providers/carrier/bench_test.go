package carrier_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/carrier"
	"github.com/intimeos/integrations/providers/internal/testkit"
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
	testkit.BenchAlternating(b, p, plug, func(prov providers.Provider) error {
		f := family()
		f.ControlNumber = int(icn.Add(1))
		_, err := prov.Do(ctx, s, op(carrier.OpSend, f))
		return err
	})
}
