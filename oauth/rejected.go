package oauth

import (
	"context"

	"golang.org/x/oauth2"
)

// TokenRejected returns a valid access token other than rejected, which the
// provider refused (a 401) although it had not expired: the connection is
// refreshed once, in one flight shared with every caller as [Transport]
// does. Use it where a call is made outside an http.Client of this package
// (a provider in another process): on a 401, get a token here and call
// once more.
func (s *TokenSource) TokenRejected(ctx context.Context, rejected *oauth2.Token) (*oauth2.Token, error) {
	access := ""
	if rejected != nil {
		access = rejected.AccessToken
	}
	t, err := s.c.token(ctx, s.orgID, s.integrationID, want{ahead: s.c.cfg.RefreshSkew, rejected: access, retry: true})
	if err != nil {
		return nil, err
	}
	return public(t), nil
}
