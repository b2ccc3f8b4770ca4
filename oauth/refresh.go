package oauth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// want says when a stored token is good enough for a caller.
type want struct {
	// ahead is how long the token must still be valid.
	ahead time.Duration
	// rejected is an access token the provider refused (a 401): never good
	// enough, even before its expiry.
	rejected string
	// retry retries transient failures with backoff.
	retry bool
	// capped caps ahead at a fraction of the token's lifetime: the skew of
	// a refresh on use, as opposed to the window of proactive refreshes.
	capped bool
}

// skewFraction caps the refresh skew at a quarter of a token's lifetime:
// a token is used for at least three quarters of its life, however short,
// instead of being refreshed (and its refresh token rotated) on every use.
const skewFraction = 4

func (c *Connector) usable(t *storage.OAuthToken, w want) bool {
	if t == nil || t.AccessToken == "" || (w.rejected != "" && t.AccessToken == w.rejected) {
		return false
	}
	return t.ExpiresAt == nil || c.now().Add(w.lead(t)).Before(*t.ExpiresAt)
}

// lead is how long before its expiry t counts as used up: w.ahead, capped
// when w asks at a quarter of the lifetime, measured from when the store
// last wrote the token (its UpdatedAt, on the store's clock).
func (w want) lead(t *storage.OAuthToken) time.Duration {
	if !w.capped || t.UpdatedAt.IsZero() {
		return w.ahead
	}
	life := t.ExpiresAt.Sub(t.UpdatedAt)
	if life <= 0 {
		return 0 // clocks disagree: use the token until it expires
	}
	return min(w.ahead, life/skewFraction)
}

// lastUsable reports whether t, which has no refresh token, may still be
// used: nothing can renew it, so it serves until it expires rather than
// failing a skew early.
func (c *Connector) lastUsable(t *storage.OAuthToken, w want) bool {
	return t.RefreshToken == "" && c.usable(t, want{rejected: w.rejected})
}

// token returns a usable token of the connection: from the cache, or from
// one refresh shared by every caller in the process (singleflight). The
// refresh runs detached from ctx, so that once the provider has answered
// its tokens are stored even if this caller gives up.
func (c *Connector) token(ctx context.Context, orgID, integrationID uuid.UUID, w want) (*storage.OAuthToken, error) {
	if t := c.cached(integrationID); t != nil && t.OrganizationID == orgID && c.usable(t, w) {
		return t, nil
	}
	key := fmt.Sprintf("%s/%s/%d/%t/%t/%s", orgID, integrationID, w.ahead, w.retry, w.capped, w.rejected)
	detached := context.WithoutCancel(ctx)
	ch := c.flights.DoChan(key, func() (any, error) {
		return c.refresh(detached, orgID, integrationID, w)
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*storage.OAuthToken), nil
	}
}

// refresh runs refresh attempts, with retries when w asks for them.
func (c *Connector) refresh(ctx context.Context, orgID, integrationID uuid.UUID, w want) (*storage.OAuthToken, error) {
	var out *storage.OAuthToken
	op := func(ctx context.Context) error {
		t, err := c.refreshOnce(ctx, orgID, integrationID, w)
		out = t
		return err
	}
	if !w.retry {
		return out, op(ctx)
	}
	var opts retry.DoOpts
	if c.cfg.RetryTimer != nil {
		opts.Timer = c.cfg.RetryTimer()
	}
	err := retry.Do(ctx, *c.cfg.RetryPolicy, op, &opts)
	var re *retry.Error
	if errors.As(err, &re) && !re.Last.Class.Transient() && re.Err != nil {
		err = re.Err // a final answer: return it as is
	}
	return out, err
}

// refreshOnce re-reads the token and, if it is still not usable, refreshes
// it under the store's row lock: whoever holds the lock refreshes, the
// others find its result when they get the lock and spend nothing.
func (c *Connector) refreshOnce(ctx context.Context, orgID, integrationID uuid.UUID, w want) (*storage.OAuthToken, error) {
	cur, err := c.store.OAuthTokenGetByIntegration(ctx, orgID, integrationID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, ErrNotConnected
	}
	if err != nil {
		return nil, err
	}
	if c.usable(cur, w) || c.lastUsable(cur, w) {
		c.remember(cur)
		return cur, nil
	}
	_, ep, err := c.integration(ctx, orgID, integrationID)
	if err != nil {
		return nil, err
	}
	var spent string // a refresh token the provider refused
	t, err := c.store.OAuthTokenRefresh(ctx, orgID, cur.ID, func(cur *storage.OAuthToken) (*storage.OAuthTokenUpdateParams, error) {
		if c.usable(cur, w) || c.lastUsable(cur, w) {
			return nil, nil
		}
		if cur.RefreshToken == "" {
			return nil, &ReconnectError{Provider: ep.name}
		}
		tok, err := c.refreshToken(ctx, ep, cur.RefreshToken)
		var te *TokenError
		if errors.As(err, &te) && ep.provider.reconnects(te.Code) {
			spent = cur.RefreshToken
			c.cfg.Logger.WarnContext(ctx, "oauth refresh refused", "integration_id", integrationID, "error", te)
			return nil, &ReconnectError{Provider: ep.name}
		}
		if err != nil {
			return nil, err
		}
		return c.fields(tok, cur.Scope).update(), nil
	})
	if NeedsReconnect(err) {
		if merr := c.markReconnect(ctx, orgID, integrationID, cur.ID, spent, ep); merr != nil {
			return nil, errors.Join(err, merr)
		}
		return nil, err
	}
	if err != nil {
		c.cfg.Logger.WarnContext(ctx, "oauth refresh failed", "integration_id", integrationID, "provider", ep.provider.Key, "error", err)
		return nil, err
	}
	c.remember(t)
	c.cfg.Logger.InfoContext(ctx, "oauth token ready", "integration_id", integrationID, "provider", ep.provider.Key, "version", t.Version)
	return t, nil
}

// markReconnect records that the connection needs reconnecting: the spent
// refresh token is cleared (so no process tries it again) and the
// integration shows the spec's message.
func (c *Connector) markReconnect(ctx context.Context, orgID, integrationID, tokenID uuid.UUID, spent string, ep *endpoint) error {
	c.forget(integrationID)
	if spent != "" {
		_, err := c.store.OAuthTokenRefresh(ctx, orgID, tokenID, func(cur *storage.OAuthToken) (*storage.OAuthTokenUpdateParams, error) {
			if cur.RefreshToken != spent {
				return nil, nil
			}
			return &storage.OAuthTokenUpdateParams{AccessToken: cur.AccessToken, TokenType: cur.TokenType,
				ExpiresAt: cur.ExpiresAt, Scope: cur.Scope}, nil
		})
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
	}
	msg := (&ReconnectError{Provider: ep.name}).Error()
	c.cfg.Logger.WarnContext(ctx, "oauth connection needs reconnecting", "integration_id", integrationID, "provider", ep.provider.Key)
	return c.setStatus(ctx, orgID, integrationID, storage.IntegrationError, msg)
}
