package oauth

import (
	"context"

	"github.com/google/uuid"
	"golang.org/x/oauth2"
)

// TokenSource hands out a connection's access token, refreshing it before
// it expires. Every TokenSource of one connection made by one [Connector]
// shares its lock and cache, so any number of them and of goroutines cause
// one refresh; on PostgreSQL the row lock extends that to every process.
type TokenSource struct {
	c             *Connector
	orgID         uuid.UUID
	integrationID uuid.UUID
}

// TokenSource returns the token source of an integration's connection.
func (c *Connector) TokenSource(orgID, integrationID uuid.UUID) *TokenSource {
	return &TokenSource{c: c, orgID: orgID, integrationID: integrationID}
}

// Token returns a valid access token (never the refresh token). ctx bounds
// this call only: a refresh that has reached the provider is finished and
// stored even if ctx ends, so a rotated refresh token is never lost.
// Failures are [ErrNotConnected], a [*ReconnectError], or a transient error
// (retry.IsRetryable) after the retries of [Config.RetryPolicy].
func (s *TokenSource) Token(ctx context.Context) (*oauth2.Token, error) {
	t, err := s.c.token(ctx, s.orgID, s.integrationID, want{ahead: s.c.cfg.RefreshSkew, retry: true, capped: true})
	if err != nil {
		return nil, err
	}
	return public(t), nil
}

// OAuth2 adapts the source to [oauth2.TokenSource] for libraries that take
// one. Each Token call uses ctx; prefer [TokenSource.Token] where a
// per-call context is available.
func (s *TokenSource) OAuth2(ctx context.Context) oauth2.TokenSource {
	return adapter{ctx: ctx, s: s}
}

type adapter struct {
	ctx context.Context //nolint:containedctx // oauth2.TokenSource has no context parameter
	s   *TokenSource
}

func (a adapter) Token() (*oauth2.Token, error) { return a.s.Token(a.ctx) }
