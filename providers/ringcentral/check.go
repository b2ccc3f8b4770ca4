package ringcentral

import (
	"context"
	"net/http"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// Check implements [providers.Provider]: DNS, TCP and TLS (skipped for a
// plain http test server) against the platform, then authentication with
// the call's access token by reading the connected extension (GET
// /restapi/v1.0/account/~/extension/~). Invalid settings are an error, not
// a stage.
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
		var ext struct {
			ID int64 `json:"id"`
		}
		return c.call(ctx, http.MethodGet, st.extensionURL(""), nil, &ext)
	}), nil
}
