package oidc_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/sso"
)

// BenchmarkVerify measures ID token verifications per second (RS256, keys
// cached) through the provider in process and through the plugin, and
// reports each as verifies/s: the plugin's figure over the in-process one
// is the cost of the process boundary.
func BenchmarkVerify(b *testing.B) {
	e := setup(b, opOpts{})
	const nonce = "bench"
	raw := e.op.mint(b, e.op.claims(nonce))
	for _, bc := range []struct {
		name string
		p    func() providers.Provider
	}{{"in process", func() providers.Provider { return e.p }}, {"plugin", func() providers.Provider { return plugin(b) }}} {
		b.Run(bc.name, func(b *testing.B) {
			inst := e.instance(bc.p())
			req := &sso.VerifyRequest{IDToken: raw, Nonce: nonce}
			_, err := sso.Verify(b.Context(), inst, req)
			require.NoError(b, err)
			b.ResetTimer()
			for b.Loop() {
				if _, err := sso.Verify(b.Context(), inst, req); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifies/s")
		})
	}
}
