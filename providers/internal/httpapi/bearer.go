package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/intimeos/integrations/providers"
)

// AccessToken returns the OAuth access token the host passed with this
// call's settings under [providers.SettingAccessToken]. A call without one
// is a [providers.KindAuth] error: the host has not connected the account,
// or did not pass its token. The token is for this call only: a provider
// never keeps it.
func AccessToken(name string, s providers.Settings) (string, error) {
	tok := strings.TrimSpace(s[providers.SettingAccessToken])
	if tok == "" {
		return "", providers.AuthFailed(errors.New(name + ": no OAuth access token: the host passes the connection's token with each call"))
	}
	return tok, nil
}

// Bearer returns a [Request.Auth] that sends token as an OAuth 2.0 bearer
// token (RFC 6750).
func Bearer(token string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

// BearerJSON sends in as JSON (no body when in is nil) to url with token as
// a bearer token, and decodes a 2xx answer's body into out (not when out is
// nil or the body is empty). Errors are classified as [Client.Do]'s; the
// token never appears in them.
func (c *Client) BearerJSON(ctx context.Context, method, url, token string, in, out any) (*Response, error) {
	r := &Request{Method: method, URL: url, Auth: Bearer(token), Secrets: []string{token}}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, providers.InvalidInput(fmt.Errorf("%s: encode request: %w", c.Name, err))
		}
		r.Body, r.ContentType = b, "application/json"
	}
	resp, err := c.Do(ctx, r)
	if err != nil {
		return nil, err
	}
	if out != nil && len(bytes.TrimSpace(resp.Body)) > 0 {
		if err := DecodeBody(c.Name, method+" answer", resp.Body, out); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

// Session is one call of an OAuth-backed provider: the provider's client
// and the call's access token. It lives as long as the call.
type Session struct {
	Client *Client
	Token  string
}

// Session returns the session of a call with settings s: a
// [providers.KindAuth] error when s carries no access token (see
// [AccessToken]).
func (c *Client) Session(s providers.Settings) (*Session, error) {
	tok, err := AccessToken(c.Name, s)
	if err != nil {
		return nil, err
	}
	return &Session{Client: c, Token: tok}, nil
}

// SessionWith starts a call of an OAuth-backed provider: it parses the
// call's settings with parse, then opens the call's [Session]. Invalid
// settings are reported before a missing access token.
func SessionWith[S any](c *Client, s providers.Settings, parse func(providers.Settings) (S, error)) (*Session, S, error) {
	st, err := parse(s)
	if err != nil {
		return nil, st, err
	}
	hs, err := c.Session(s)
	if err != nil {
		return nil, st, err
	}
	return hs, st, nil
}

// JSON sends a request with the session's token (see [Client.BearerJSON]).
func (s *Session) JSON(ctx context.Context, method, url string, in, out any) error {
	_, err := s.Client.BearerJSON(ctx, method, url, s.Token, in, out)
	return err
}
