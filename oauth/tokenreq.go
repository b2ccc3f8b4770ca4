package oauth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// tokenContext carries the configured HTTP client to golang.org/x/oauth2,
// whose only way in is a context value. The context lives for one call.
func (c *Connector) tokenContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, c.cfg.HTTPClient)
}

// exchange trades an authorization code (with its PKCE verifier) for tokens.
func (c *Connector) exchange(ctx context.Context, ep *endpoint, code, verifier string) (*oauth2.Token, error) {
	t, err := ep.oauth2.Exchange(c.tokenContext(ctx), code, oauth2.VerifierOption(verifier))
	return t, c.tokenErr(ep, "exchange", err)
}

// refreshToken spends a refresh token once. It builds a fresh one-shot
// TokenSource per call, so no context, token or TokenSource outlives it.
func (c *Connector) refreshToken(ctx context.Context, ep *endpoint, refresh string) (*oauth2.Token, error) {
	old := &oauth2.Token{RefreshToken: refresh, Expiry: time.Unix(1, 0)}
	t, err := ep.oauth2.TokenSource(c.tokenContext(ctx), old).Token()
	return t, c.tokenErr(ep, "refresh", err)
}

// tokenErr replaces an *oauth2.RetrieveError, whose text may quote the
// response body, with a [*TokenError]; other errors (network, timeouts)
// pass through for [retry.ClassifyError].
func (c *Connector) tokenErr(ep *endpoint, op string, err error) error {
	if err == nil {
		return nil
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return fmt.Errorf("oauth: %s token %s: %w", ep.name, op, err)
	}
	te := &TokenError{Provider: ep.name, Op: op, Code: re.ErrorCode, Description: re.ErrorDescription}
	if re.Response != nil {
		te.StatusCode = re.Response.StatusCode
		te.RetryAfter, _ = retry.ParseRetryAfter(re.Response.Header.Get("Retry-After"), c.now())
	}
	return te
}

// tokenFields are the stored fields of a token response. The expiry is
// measured on the Connector's clock from expires_in.
type tokenFields struct {
	access, refresh, tokenType, scope string
	expiresAt                         *time.Time
}

func (c *Connector) fields(t *oauth2.Token, prevScope string) tokenFields {
	f := tokenFields{access: t.AccessToken, refresh: t.RefreshToken, tokenType: t.Type(), scope: prevScope}
	if s, ok := t.Extra("scope").(string); ok && s != "" {
		f.scope = s
	}
	switch {
	case t.ExpiresIn > 0:
		exp := c.now().Add(time.Duration(t.ExpiresIn) * time.Second)
		f.expiresAt = &exp
	case !t.Expiry.IsZero():
		exp := t.Expiry.UTC()
		f.expiresAt = &exp
	}
	return f
}

func (f tokenFields) update() *storage.OAuthTokenUpdateParams {
	return &storage.OAuthTokenUpdateParams{AccessToken: f.access, RefreshToken: f.refresh,
		TokenType: f.tokenType, ExpiresAt: f.expiresAt, Scope: f.scope}
}

// public returns what callers of a TokenSource see: never the refresh token.
func public(t *storage.OAuthToken) *oauth2.Token {
	out := &oauth2.Token{AccessToken: t.AccessToken, TokenType: t.TokenType}
	if t.ExpiresAt != nil {
		out.Expiry = *t.ExpiresAt
	}
	return out
}
