package oauth

import (
	"context"
	"time"
)

// RefreshExpiring runs one pass of proactive refreshing: it claims up to
// [Config.RefreshBatch] tokens, of every organization, that expire within
// [Config.RefreshAhead] and refreshes them, so that idle connections stay
// alive. Claims are leased rows, so several hosts may run passes at once
// without a leader; a token whose refresh fails is claimed again when its
// lease ends. It returns how many tokens it refreshed.
func (c *Connector) RefreshExpiring(ctx context.Context) (int, error) {
	toks, err := c.store.OAuthTokenClaimExpiring(ctx, c.now(), c.cfg.RefreshAhead, c.cfg.RefreshBatch, c.cfg.RefreshLease)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range toks {
		_, err := c.token(ctx, t.OrganizationID, t.IntegrationID, want{ahead: c.cfg.RefreshAhead})
		if err != nil {
			if ctx.Err() != nil {
				return n, ctx.Err()
			}
			c.cfg.Logger.WarnContext(ctx, "oauth proactive refresh failed", "integration_id", t.IntegrationID, "error", err)
			continue
		}
		n++
	}
	return n, nil
}

// Run refreshes expiring tokens every [Config.RefreshInterval] and deletes
// expired authorization states, until ctx ends. Run it on every host.
func (c *Connector) Run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		if _, err := c.RefreshExpiring(ctx); err != nil && ctx.Err() == nil {
			c.cfg.Logger.WarnContext(ctx, "oauth refresh pass failed", "error", err)
		}
		if _, err := c.store.OAuthStateDeleteExpired(ctx, c.now()); err != nil && ctx.Err() == nil {
			c.cfg.Logger.WarnContext(ctx, "oauth state cleanup failed", "error", err)
		}
		timer.Reset(c.cfg.RefreshInterval)
	}
}
