package s3

import (
	"context"
	"crypto/tls"

	"github.com/intimeos/integrations/providers"
)

// Check implements [providers.Provider]: DNS, TCP and TLS (skipped for a
// plain-http loopback endpoint) against the host S3 requests go to (the
// bucket's virtual host on AWS), then authentication with HeadBucket,
// which also proves the bucket exists in that region and the key may use
// it. Invalid settings are an error, not a stage.
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	res := p.checkEndpoint(ctx, st)
	res.Run(providers.StageAuth, p.now, func() error {
		return classify(ctx, p.now(), "HeadBucket", p.client(st).headBucket(ctx, st.bucket))
	})
	return res, nil
}

// checkEndpoint runs the DNS, TCP and TLS stages: the one call to
// [providers.CheckEndpoint].
func (p *Provider) checkEndpoint(ctx context.Context, st *settings) *providers.CheckResult {
	ep := &providers.EndpointCheck{Host: st.endpointHost, Port: st.endpointPort, Now: p.now}
	if st.endpointTLS {
		ep.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	res, conn := providers.CheckEndpoint(ctx, ep)
	if conn != nil {
		_ = conn.Close()
	}
	return res
}
