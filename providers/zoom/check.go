package zoom

import (
	"context"

	"github.com/intimeos/integrations/providers"
)

// Check implements [providers.Provider]: DNS, TCP and TLS (skipped for a
// plain http test server) against the API host, then authentication with
// the call's access token by reading the connected user (GET /v2/users/me).
// Invalid settings are an error, not a stage.
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	return p.c.BearerCheck(ctx, st.base, s, st.apiURL("/users/me")), nil
}
