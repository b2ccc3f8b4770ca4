package workday

import (
	"context"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// Check implements [providers.Provider]: DNS, TCP and TLS (skipped for a
// plain http test server) against the API host, then authentication with
// the call's access token by reading one worker of the tenant (GET
// /workers?limit=1), which also proves the tenant's name and the API
// client's access to workers. Invalid settings are an error, not a stage.
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	return httpapi.Check(ctx, st.base, p.c.Now, func() error {
		c, err := p.session(s)
		if err != nil {
			return err
		}
		_, err = c.workers(ctx, &WorkersParams{Limit: 1})
		return err
	}), nil
}
