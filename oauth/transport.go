package oauth

import (
	"io"
	"net/http"

	"github.com/google/uuid"
)

// Transport adds a connection's access token to each request and, when the
// provider answers 401, refreshes the token once and sends the request once
// more (when its body can be replayed).
type Transport struct {
	// Source supplies the tokens. Required.
	Source *TokenSource
	// Base sends the requests. Nil means http.DefaultTransport.
	Base http.RoundTripper
}

// Client returns an HTTP client for an integration's provider API, on
// [Config.HTTPClient]'s transport and timeout, authorized by [Transport].
func (c *Connector) Client(orgID, integrationID uuid.UUID) *http.Client {
	return &http.Client{
		Transport: &Transport{Source: c.TokenSource(orgID, integrationID), Base: c.cfg.HTTPClient.Transport},
		Timeout:   c.cfg.HTTPClient.Timeout,
	}
}

// RoundTrip implements [http.RoundTripper].
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	s := t.Source
	tok, err := s.c.token(ctx, s.orgID, s.integrationID, want{ahead: s.c.cfg.RefreshSkew, retry: true, capped: true})
	if err != nil {
		closeBody(req)
		return nil, err
	}
	resp, err := t.send(req, tok.TokenType, tok.AccessToken, false)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || !replayable(req) {
		return resp, err
	}
	fresh, err := s.c.token(ctx, s.orgID, s.integrationID, want{ahead: s.c.cfg.RefreshSkew, rejected: tok.AccessToken, retry: true, capped: true})
	if err != nil {
		return resp, nil // the provider's 401 says more than a failed refresh
	}
	drain(resp)
	return t.send(req, fresh.TokenType, fresh.AccessToken, true)
}

func (t *Transport) send(req *http.Request, tokenType, access string, again bool) (*http.Response, error) {
	r := req.Clone(req.Context())
	if again && req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = body
	}
	if tokenType == "" || tokenType == "bearer" {
		tokenType = "Bearer"
	}
	r.Header.Set("Authorization", tokenType+" "+access)
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(r)
}

func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
