package checkr

import (
	"context"

	"github.com/intimeos/integrations/providers"
)

// Check implements [providers.Provider]: DNS, TCP and TLS (skipped for a
// plain http test server) against the API host, then authentication with a
// read-only GET /v1/account. Invalid settings are an error, not a stage.
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	res, conn := providers.CheckEndpoint(ctx, &providers.EndpointCheck{URL: st.base, Now: p.now})
	if conn != nil {
		_ = conn.Close()
	}
	res.Run(providers.StageAuth, p.now, func() error {
		var account struct {
			ID string `json:"id"`
		}
		return (&client{p: p, s: st}).do(ctx, "GET", "/account", nil, &account)
	})
	return res, nil
}
