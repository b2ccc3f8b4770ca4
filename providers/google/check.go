package google

import (
	"context"
	"net/http"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// Check implements [providers.Provider]: DNS, TCP and TLS (skipped for a
// plain http test server) against the API host, then authentication with
// the call's access token by reading the configured calendar (GET
// /calendar/v3/calendars/{calendarId}), which also shows that the
// connected account can see it. Invalid settings are an error, not a
// stage.
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
		c := &session{p: p, st: st, token: tok}
		var cal struct {
			ID string `json:"id"`
		}
		return c.call(ctx, http.MethodGet, st.calendarURL(""), nil, &cal)
	}), nil
}
