package twilio

import (
	"context"
	"net/http"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// Check implements [providers.Provider]: DNS, TCP and TLS (skipped for a
// plain http test server) against the API host, then authentication with
// a read of the account (GET /2010-04-01/Accounts/{sid}.json). Invalid
// settings are an error, not a stage.
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	return httpapi.Check(ctx, st.base, p.c.Now, func() error {
		var account struct {
			Status string `json:"status"`
		}
		return p.call(ctx, st, http.MethodGet, ".json", nil, &account)
	}), nil
}
