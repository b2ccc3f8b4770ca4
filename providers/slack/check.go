package slack

import (
	"context"
	"errors"
	"net/url"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// Check implements [providers.Provider]: DNS, TCP and TLS against the Web
// API's host when a bot token is configured, else the webhook's; then, as
// the authentication stage, auth.test with the bot token and an empty post
// to the incoming webhook, which Slack refuses with 400 (no_text) for a
// live hook and 403 or 404 for a revoked one. Nothing is posted.
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	var target *url.URL = st.hook
	if st.token != "" {
		target = st.api
	}
	return httpapi.Check(ctx, target, p.c.Now, func() error {
		if st.token != "" {
			if err := p.api(ctx, st, "auth.test", map[string]any{}, nil); err != nil {
				return err
			}
		}
		if st.hook != nil {
			err := p.webhookPost(ctx, st, map[string]any{})
			var e *providers.Error
			if errors.As(err, &e) && e.Kind == providers.KindInvalidInput {
				return nil // the hook exists: Slack only refused the empty message
			}
			return err
		}
		return nil
	}), nil
}
