package sso

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// The operation names.
const (
	// OpAuthorize starts a sign-in: [AuthorizeRequest] in, [Authorization]
	// out.
	OpAuthorize = "sso.authorize"
	// OpComplete completes a sign-in from the callback: [CompleteRequest]
	// in, [Identity] out.
	OpComplete = "sso.complete"
	// OpVerify verifies an ID token obtained elsewhere: [VerifyRequest] in,
	// [Identity] out (without a session).
	OpVerify = "sso.verify"
	// OpLogout builds the identity provider's logout URL: [LogoutRequest]
	// in, [LogoutRedirect] out.
	OpLogout = "sso.logout"
)

// name prefixes the package's messages.
const name = "sso"

// MaxTokenLen bounds the ID tokens, flows and sessions accepted (64 KiB).
const MaxTokenLen = 64 << 10

// AuthorizeRequest starts a sign-in.
type AuthorizeRequest struct {
	// RedirectURI is the host's callback URL, registered with the identity
	// provider: https, or http to a loopback address. Required.
	RedirectURI string `json:"redirectUri"`
	// Scopes are requested in addition to the integration's (openid is
	// always requested). Optional.
	Scopes []string `json:"scopes,omitempty"`
	// LoginHint pre-fills the identity provider's login form, usually with
	// an email address. Optional.
	LoginHint string `json:"loginHint,omitempty"`
	// Prompt is OpenID Connect's prompt: "login" forces the user to sign in
	// again, "none" fails unless a session exists, "consent" and
	// "select_account" as their names say. Optional.
	Prompt string `json:"prompt,omitempty"`
	// MaxAge, if positive, is the longest time in seconds since the user
	// last authenticated at the identity provider (OpenID Connect's
	// max_age); an older authentication is refused when the sign-in
	// completes. Optional.
	MaxAge int `json:"maxAge,omitempty"`
}

// Authorization is a started sign-in.
type Authorization struct {
	// URL is where to send the user's browser.
	URL string `json:"url"`
	// State is the value the callback must carry back (it is in the flow
	// too: the host need not compare it itself).
	State string `json:"state"`
	// Flow is the sealed sign-in state for [CompleteRequest.Flow]. The host
	// keeps it with the user's session until the callback, and deletes it
	// then. It is opaque and tamper-proof, not secret-free: keep it out of
	// logs.
	Flow string `json:"flow"`
	// ExpiresAt is when the flow stops being accepted.
	ExpiresAt time.Time `json:"expiresAt"`
}

// CompleteRequest completes a sign-in.
type CompleteRequest struct {
	// Flow is [Authorization.Flow] as the host kept it. Required.
	Flow string `json:"flow"`
	// Query is the callback request's raw query (r.URL.RawQuery): the
	// code and state, or the identity provider's error. Required.
	Query string `json:"query"`
}

// VerifyRequest verifies an ID token obtained elsewhere.
type VerifyRequest struct {
	// IDToken is the raw token (a compact JWS). Required.
	IDToken string `json:"idToken"`
	// Nonce is the nonce the host issued for the sign-in that produced the
	// token: the token must carry it. Required, so that a token cannot be
	// replayed into another sign-in.
	Nonce string `json:"nonce"`
}

// Identity is a verified user.
type Identity struct {
	// Issuer and Subject identify the user: key accounts on both.
	Issuer  string `json:"issuer"`
	Subject string `json:"subject"`
	// Email is the user's email address, if the identity provider gave one;
	// trust it only if EmailVerified.
	Email             string   `json:"email,omitempty"`
	EmailVerified     bool     `json:"emailVerified"`
	Name              string   `json:"name,omitempty"`
	GivenName         string   `json:"givenName,omitempty"`
	FamilyName        string   `json:"familyName,omitempty"`
	PreferredUsername string   `json:"preferredUsername,omitempty"`
	Groups            []string `json:"groups,omitempty"`
	// AuthTime is when the user authenticated at the identity provider, if
	// it said.
	AuthTime time.Time `json:"authTime,omitzero"`
	// IssuedAt and ExpiresAt are the ID token's iat and exp.
	IssuedAt  time.Time `json:"issuedAt"`
	ExpiresAt time.Time `json:"expiresAt"`
	// Session is sealed state for [LogoutRequest.Session] (the ID token, as
	// the logout's id_token_hint). Opaque; empty from [OpVerify].
	Session string `json:"session,omitempty"`
}

// LogoutRequest asks for the identity provider's logout URL.
type LogoutRequest struct {
	// Session is [Identity.Session]. Optional, but some identity providers
	// (Okta) refuse a logout without it.
	Session string `json:"session,omitempty"`
	// PostLogoutRedirectURI is where the identity provider sends the
	// browser afterwards; it must be registered with it. Optional.
	PostLogoutRedirectURI string `json:"postLogoutRedirectUri,omitempty"`
	// State is passed back to PostLogoutRedirectURI. Optional.
	State string `json:"state,omitempty"`
}

// LogoutRedirect is where to send the browser to sign out.
type LogoutRedirect struct {
	URL string `json:"url"`
}

// ValidRedirectURI reports whether u is an absolute https URL without a
// fragment or user information, or such an http URL to a loopback address.
func ValidRedirectURI(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || p.User != nil || p.Fragment != "" || strings.Contains(u, "#") {
		return false
	}
	if p.Scheme == "https" {
		return true
	}
	ip := net.ParseIP(p.Hostname())
	return p.Scheme == "http" && (p.Hostname() == "localhost" || ip != nil && ip.IsLoopback())
}

// Validate checks the request. Errors are [providers.KindInvalidInput].
func (r *AuthorizeRequest) Validate() error {
	var errs []error
	if !ValidRedirectURI(r.RedirectURI) {
		errs = append(errs, errors.New("redirectUri must be an https URL (or http to a loopback address) without a fragment"))
	}
	for _, s := range r.Scopes {
		if !validScope(s) {
			errs = append(errs, fmt.Errorf("scope %q is not a valid scope token", s))
		}
	}
	switch r.Prompt {
	case "", "none", "login", "consent", "select_account":
	default:
		errs = append(errs, fmt.Errorf("prompt %q is not none, login, consent or select_account", r.Prompt))
	}
	if r.MaxAge < 0 {
		errs = append(errs, errors.New("maxAge must not be negative"))
	}
	if len(r.LoginHint) > 254 {
		errs = append(errs, errors.New("loginHint must be at most 254 characters"))
	}
	return invalid(errs)
}

// validScope reports whether s is a scope token (RFC 6749 §3.3).
func validScope(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// Validate checks the request. Errors are [providers.KindInvalidInput].
func (r *CompleteRequest) Validate() error {
	var errs []error
	if r.Flow == "" || len(r.Flow) > MaxTokenLen {
		errs = append(errs, errors.New("flow is required (the Authorization's flow, as kept)"))
	}
	if r.Query == "" || len(r.Query) > MaxTokenLen {
		errs = append(errs, errors.New("query is required (the callback's raw query)"))
	}
	return invalid(errs)
}

// Validate checks the request. Errors are [providers.KindInvalidInput].
func (r *VerifyRequest) Validate() error {
	var errs []error
	if r.IDToken == "" || len(r.IDToken) > MaxTokenLen {
		errs = append(errs, errors.New("idToken is required"))
	}
	if r.Nonce == "" {
		errs = append(errs, errors.New("nonce is required"))
	}
	return invalid(errs)
}

// Validate checks the request. Errors are [providers.KindInvalidInput].
func (r *LogoutRequest) Validate() error {
	var errs []error
	if r.PostLogoutRedirectURI != "" && !ValidRedirectURI(r.PostLogoutRedirectURI) {
		errs = append(errs, errors.New("postLogoutRedirectUri must be an https URL (or http to a loopback address) without a fragment"))
	}
	if len(r.Session) > MaxTokenLen {
		errs = append(errs, errors.New("session is too long"))
	}
	return invalid(errs)
}

func invalid(errs []error) error {
	if err := errors.Join(errs...); err != nil {
		return providers.InvalidInput(fmt.Errorf("%s: %w", name, err))
	}
	return nil
}

// validator is a request with a Validate method.
type validator interface{ Validate() error }

// call validates in and runs op through c.
func call[Out any](ctx context.Context, c providers.Caller, op string, in validator) (*Out, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return httpapi.Call[Out](ctx, c, name, op, in, "")
}

// Authorize starts a sign-in through c (an instance or a failover group
// of SSO providers).
func Authorize(ctx context.Context, c providers.Caller, r *AuthorizeRequest) (*Authorization, error) {
	return call[Authorization](ctx, c, OpAuthorize, r)
}

// Complete completes a sign-in through c and returns the verified user.
func Complete(ctx context.Context, c providers.Caller, r *CompleteRequest) (*Identity, error) {
	return call[Identity](ctx, c, OpComplete, r)
}

// Verify verifies an ID token obtained elsewhere through c.
func Verify(ctx context.Context, c providers.Caller, r *VerifyRequest) (*Identity, error) {
	return call[Identity](ctx, c, OpVerify, r)
}

// Logout returns the identity provider's logout URL through c.
func Logout(ctx context.Context, c providers.Caller, r *LogoutRequest) (*LogoutRedirect, error) {
	return call[LogoutRedirect](ctx, c, OpLogout, r)
}
