package paychex

import (
	"context"
	"net/url"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// Check implements [providers.Provider]: DNS, TCP and TLS (skipped for a
// plain http test server) against the token endpoint's host, then, as the
// authentication stage, a token request that bypasses the cache (so that a
// revoked secret shows at once) and a read of the companies with it.
// Invalid settings are an error, not a stage.
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	tokenURL, _ := url.Parse(st.oauth.TokenURL)
	return httpapi.Check(ctx, tokenURL, p.c.Now, func() error {
		if err := p.c.TokenCheck(ctx, st.oauth); err != nil {
			return err
		}
		var out apiPage[Company]
		return p.get(ctx, st, "/companies", nil, &out)
	}), nil
}
