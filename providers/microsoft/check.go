package microsoft

import (
	"context"

	"github.com/intimeos/integrations/providers"
)

// Check implements [providers.Provider]: DNS, TCP and TLS (skipped for a
// plain http test server) against Graph, then authentication with the
// call's access token by reading the signed-in user (GET
// /v1.0/me?$select=id,userPrincipalName), which every Graph scope set
// allows. Invalid settings are an error, not a stage.
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	return p.c.BearerCheck(ctx, st.base, s, st.base.String()+"/v1.0/me?$select=id,userPrincipalName"), nil
}
