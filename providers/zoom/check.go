package zoom

import (
	"context"
	"net/http"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
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
	return httpapi.Check(ctx, st.base, p.c.Now, func() error {
		tok, err := httpapi.AccessToken(Name, s)
		if err != nil {
			return err
		}
		var me struct {
			ID string `json:"id"`
		}
		_, err = p.c.BearerJSON(ctx, http.MethodGet, st.apiURL("/users/me"), tok, nil, &me)
		return err
	}), nil
}
