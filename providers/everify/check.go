package everify

import (
	"context"
	"errors"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

var errBadCaseNumber = errors.New("everify: the answer has no valid case number")

// Check implements [providers.Provider]: DNS, TCP and TLS (skipped for a
// plain http test server) against the API's host, then, as the
// authentication stage, a token request that bypasses the cache (so that a
// revoked secret shows at once). No case is created. Invalid settings are
// an error, not a stage.
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	return httpapi.Check(ctx, st.base, p.c.Now, func() error {
		return p.c.TokenCheck(ctx, st.oauth)
	}), nil
}
