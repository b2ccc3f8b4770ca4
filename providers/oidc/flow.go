package oidc

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/sso"
	"github.com/intimeos/integrations/retry"
)

// flow is a started sign-in's state, sealed into [sso.Authorization.Flow].
type flow struct {
	State       string `json:"s"`
	Nonce       string `json:"n"`
	Verifier    string `json:"v"`
	RedirectURI string `json:"r"`
	Expires     int64  `json:"e"`
	MaxAge      int    `json:"m,omitempty"`
}

// session is a signed-in user's state, sealed into [sso.Identity.Session]:
// the ID token, for the logout's id_token_hint.
type session struct {
	IDToken string `json:"t"`
}

// authorize starts a sign-in (OpenID Connect Core 1.0 §3.1.2.1): state,
// nonce and PKCE S256 (RFC 7636) generated here, sealed into the flow.
func (p *Provider) authorize(ctx context.Context, st *settings, payload json.RawMessage) (any, error) {
	in, err := decodeValid[sso.AuthorizeRequest](sso.OpAuthorize, payload)
	if err != nil {
		return nil, err
	}
	meta, _, err := p.dir.get(ctx, st.issuer, false)
	if err != nil {
		return nil, err
	}
	fl, err := p.newFlow(in)
	if err != nil {
		return nil, err
	}
	sealed, err := p.seal(st, purposeFlow, fl)
	if err != nil {
		return nil, err
	}
	u, err := authorizationURL(meta.AuthorizationEndpoint, st, in, fl)
	if err != nil {
		return nil, err
	}
	return &sso.Authorization{URL: u, State: fl.State, Flow: sealed, ExpiresAt: time.Unix(fl.Expires, 0).UTC()}, nil
}

// decodeValid decodes an operation's payload and validates it.
func decodeValid[T any, PT interface {
	*T
	Validate() error
}](op string, payload json.RawMessage) (*T, error) {
	in, err := httpapi.Decode[T](Name, op, payload)
	if err != nil {
		return nil, err
	}
	if err := PT(in).Validate(); err != nil {
		return nil, err
	}
	return in, nil
}

func (p *Provider) newFlow(in *sso.AuthorizeRequest) (*flow, error) {
	fl := &flow{RedirectURI: in.RedirectURI, Expires: p.cfg.Now().Add(p.cfg.FlowTTL).Unix(), MaxAge: in.MaxAge}
	for _, v := range []*string{&fl.State, &fl.Nonce, &fl.Verifier} {
		r, err := randomString(p.cfg.Rand)
		if err != nil {
			return nil, err
		}
		*v = r
	}
	return fl, nil
}

// randomString returns 32 random bytes base64url-encoded: 43 characters,
// a valid PKCE code verifier (RFC 7636 §4.1) and a state or nonce beyond
// guessing.
func randomString(r io.Reader) (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("oidc: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// authorizationURL is the authorization request, added to the endpoint's
// own query.
func authorizationURL(endpoint string, st *settings, in *sso.AuthorizeRequest, fl *flow) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", providers.NewError(providers.KindPermanent, fmt.Errorf("oidc: authorization endpoint: %w", err))
	}
	scopes := slices.Clone(st.scopes)
	for _, s := range in.Scopes {
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	q := u.Query()
	q.Set("response_type", "code")
	q.Set("client_id", st.clientID)
	q.Set("redirect_uri", fl.RedirectURI)
	q.Set("scope", strings.Join(scopes, " "))
	q.Set("state", fl.State)
	q.Set("nonce", fl.Nonce)
	q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(fl.Verifier))
	q.Set("code_challenge_method", "S256")
	setIf(q, "login_hint", in.LoginHint)
	setIf(q, "prompt", in.Prompt)
	if in.MaxAge > 0 {
		q.Set("max_age", strconv.Itoa(in.MaxAge))
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func setIf(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

// complete completes a sign-in from the callback: the flow opened and
// unexpired, the state matched, the code exchanged with the PKCE verifier,
// the ID token verified with the flow's nonce, missing claims read from
// userinfo, and the integration's allowed domains and groups applied.
func (p *Provider) complete(ctx context.Context, st *settings, payload json.RawMessage) (any, error) {
	in, err := decodeValid[sso.CompleteRequest](sso.OpComplete, payload)
	if err != nil {
		return nil, err
	}
	fl, q, err := p.callback(st, in)
	if err != nil {
		return nil, err
	}
	meta, keys, err := p.dir.get(ctx, st.issuer, false)
	if err != nil {
		return nil, err
	}
	if meta.IssParameter && q.Get("iss") == "" {
		return nil, invalidFlow("the callback carries no iss although the issuer sends it (RFC 9207)")
	}
	tok, err := p.exchange(ctx, st, meta, q.Get("code"), fl)
	if err != nil {
		return nil, err
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, refuse(ReasonMalformed, "the token response has no id_token (was the openid scope granted?)")
	}
	c, err := p.verifier(st, meta, keys).verify(ctx, raw, &expect{nonce: fl.Nonce, maxAuthAge: fl.MaxAge,
		accessToken: tok.AccessToken})
	if err != nil {
		return nil, err
	}
	if err := p.userinfo(ctx, st, meta, tok.AccessToken, c); err != nil {
		return nil, err
	}
	return p.admit(st, c, raw)
}

// callback opens the flow and checks the callback's query against it
// (RFC 6749 §4.1.2, RFC 9207 for iss), returning the query with its code.
// It needs no request to the issuer: refused callbacks cost nothing.
func (p *Provider) callback(st *settings, in *sso.CompleteRequest) (*flow, url.Values, error) {
	var fl flow
	if err := p.open(st, purposeFlow, in.Flow, &fl); err != nil {
		return nil, nil, invalidFlow("the sign-in state cannot be read: it was altered, or sealed under other settings")
	}
	if p.cfg.Now().Unix() > fl.Expires {
		return nil, nil, invalidFlow("the sign-in expired; start it again")
	}
	q, err := url.ParseQuery(strings.TrimPrefix(in.Query, "?"))
	if err != nil {
		return nil, nil, invalidFlow("the callback's query cannot be parsed")
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(fl.State)) != 1 {
		return nil, nil, invalidFlow("the callback's state is not the sign-in's (a forged or stale callback)")
	}
	if iss := q.Get("iss"); iss != "" && iss != st.issuer {
		return nil, nil, invalidFlow(fmt.Sprintf("the callback names issuer %q, not the configured one", clip(iss)))
	}
	if e := q.Get("error"); e != "" {
		return nil, nil, callbackError(e, q.Get("error_description"))
	}
	if q.Get("code") == "" {
		return nil, nil, invalidFlow("the callback carries no code")
	}
	return &fl, q, nil
}

// callbackError classifies the identity provider's error answer
// (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6).
func callbackError(code, desc string) error {
	msg := fmt.Errorf("oidc: the identity provider refused the sign-in: %s", clip(strings.TrimSpace(code+" "+desc)))
	switch code {
	case "temporarily_unavailable", "server_error":
		return providers.Unavailable(msg, retry.ClassServerError)
	case "unauthorized_client":
		return providers.AuthFailed(msg)
	}
	return providers.NewError(providers.KindPermanent, msg)
}

// verifier returns the ID token verifier of st's issuer and client.
func (p *Provider) verifier(st *settings, meta *metadata, keys *keySet) *verifier {
	return &verifier{issuer: st.issuer, clientID: st.clientID, algs: meta.algs, keys: keys, now: p.cfg.Now,
		skew: p.cfg.ClockSkew, maxAge: p.cfg.MaxTokenAge, groupsClaim: st.groupsClaim}
}

// verifyToken verifies an ID token obtained elsewhere ([sso.OpVerify]).
func (p *Provider) verifyToken(ctx context.Context, st *settings, payload json.RawMessage) (any, error) {
	in, err := decodeValid[sso.VerifyRequest](sso.OpVerify, payload)
	if err != nil {
		return nil, err
	}
	meta, keys, err := p.dir.get(ctx, st.issuer, false)
	if err != nil {
		return nil, err
	}
	c, err := p.verifier(st, meta, keys).verify(ctx, in.IDToken, &expect{nonce: in.Nonce})
	if err != nil {
		return nil, err
	}
	return p.admit(st, c, "")
}

// admit applies the allowed domains and groups to the verified user and
// returns the identity, with the session sealed if raw is set.
func (p *Provider) admit(st *settings, c *idClaims, raw string) (*sso.Identity, error) {
	if err := allowed(st, c); err != nil {
		return nil, err
	}
	id := &sso.Identity{Issuer: c.Issuer, Subject: c.Subject, Email: c.Email, EmailVerified: bool(c.EmailVerified),
		Name: c.Name, GivenName: c.GivenName, FamilyName: c.FamilyName, PreferredUsername: c.PreferredUsername,
		Groups: c.groups, IssuedAt: c.IssuedAt.Time().UTC(), ExpiresAt: c.Expiry.Time().UTC()}
	if c.AuthTime != nil {
		id.AuthTime = c.AuthTime.Time().UTC()
	}
	if raw != "" {
		s, err := p.seal(st, purposeSession, &session{IDToken: raw})
		if err != nil {
			return nil, err
		}
		id.Session = s
	}
	return id, nil
}

// allowed applies FieldAllowedDomains (a verified email address in one of
// them) and FieldAllowedGroups (a member of one of them).
func allowed(st *settings, c *idClaims) error {
	if len(st.allowedDomains) > 0 {
		at := strings.LastIndexByte(c.Email, '@')
		if at < 0 || !bool(c.EmailVerified) {
			return deny(c.Subject, "a verified email address is required")
		}
		if d := strings.ToLower(c.Email[at+1:]); !slices.Contains(st.allowedDomains, d) {
			return deny(c.Subject, "the email domain %s is not one of the allowed domains", d)
		}
	}
	if len(st.allowedGroups) > 0 && !slices.ContainsFunc(c.groups, func(g string) bool {
		return slices.ContainsFunc(st.allowedGroups, func(a string) bool { return strings.EqualFold(a, g) })
	}) {
		return deny(c.Subject, "the user is in none of the allowed groups")
	}
	return nil
}

func (p *Provider) seal(st *settings, purpose string, v any) (string, error) {
	s, err := newSealer(st, purpose, p.cfg.Rand)
	if err != nil {
		return "", err
	}
	return s.seal(v)
}

func (p *Provider) open(st *settings, purpose, text string, v any) error {
	s, err := newSealer(st, purpose, p.cfg.Rand)
	if err != nil {
		return err
	}
	return s.open(text, v)
}
