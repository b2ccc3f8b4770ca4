package microsoft

import (
	"context"
	"net/http"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
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
	return httpapi.Check(ctx, st.base, p.c.Now, func() error {
		tok, err := httpapi.AccessToken(Name, s)
		if err != nil {
			return err
		}
		var me struct {
			ID string `json:"id"`
		}
		_, err = p.c.BearerJSON(ctx, http.MethodGet, st.base.String()+"/v1.0/me?$select=id,userPrincipalName", tok, nil, &me)
		return err
	}), nil
}
