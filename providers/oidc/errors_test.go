package oidc_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/oidc"
	"github.com/intimeos/integrations/providers/sso"
	"github.com/intimeos/integrations/retry"
)

// TestIssuerFailures: the issuer's answers and outages become the SDK's
// error kinds, at each step of a sign-in, with the spec's messages.
func TestIssuerFailures(t *testing.T) {
	t.Parallel()
	const well = "/.well-known/openid-configuration"
	for _, tc := range []struct {
		name string
		// hook answers in place of the OP; atComplete installs it after
		// the login (the token endpoint, keys, userinfo).
		hook       func(http.ResponseWriter, *http.Request) bool
		atComplete bool
		kind       providers.Kind
		retryAfter time.Duration
		message    string
	}{
		{name: "discovery 503", hook: answer(well, 503, `{}`), kind: providers.KindRetryable,
			message: "SSO (OpenID Connect) is currently unavailable"},
		{name: "discovery 429", hook: answer(well, 429, `{}`, "Retry-After", "7"), kind: providers.KindRateLimited,
			retryAfter: 7 * time.Second, message: "Rate limit exceeded. Retry in 7 seconds."},
		{name: "discovery 404: not an issuer", hook: answer(well, 404, `{}`), kind: providers.KindInvalidInput},
		{name: "discovery not JSON", hook: answer(well, 200, `<html>`), kind: providers.KindPermanent},
		{name: "discovery without jwks_uri", hook: answer(well, 200, `{"issuer":"ISSUER","authorization_endpoint":"ISSUER/auth","token_endpoint":"ISSUER/oauth/token"}`),
			kind: providers.KindPermanent},
		{name: "token 429", atComplete: true, hook: answer("/oauth/token", 429, `{"error":"slow_down"}`, "Retry-After", "30"),
			kind: providers.KindRateLimited, retryAfter: 30 * time.Second, message: "Rate limit exceeded. Retry in 30 seconds."},
		{name: "token 503", atComplete: true, hook: answer("/oauth/token", 503, `{"error":"server_error"}`),
			kind: providers.KindRetryable, message: "SSO (OpenID Connect) is currently unavailable"},
		{name: "token temporarily_unavailable", atComplete: true,
			hook: answer("/oauth/token", 400, `{"error":"temporarily_unavailable"}`), kind: providers.KindRetryable},
		{name: "token invalid_client", atComplete: true, hook: answer("/oauth/token", 401, `{"error":"invalid_client"}`),
			kind: providers.KindAuth, message: "Authentication failed. Please check credentials."},
		{name: "Auth0's wrong secret", atComplete: true,
			hook: answer("/oauth/token", 401, `{"error":"access_denied","error_description":"Unauthorized"}`),
			kind: providers.KindAuth, message: "Authentication failed. Please check credentials."},
		{name: "Auth0's used code", atComplete: true,
			hook: answer("/oauth/token", 403, `{"error":"invalid_grant","error_description":"Invalid authorization code"}`),
			kind: providers.KindInvalidInput},
		{name: "keys 503", atComplete: true, hook: answer("/keys", 503, `{}`), kind: providers.KindRetryable},
		{name: "userinfo 502", atComplete: true, hook: answer("/userinfo", 502, `{}`), kind: providers.KindRetryable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, opOpts{})
			inst := e.instance(e.p)
			hook := tc.hook
			if strings.Contains(tc.name, "jwks_uri") {
				hook = issuerFilled(e.op.issuer, hook)
			}
			var err error
			if tc.atComplete {
				a, query := e.authorize(t, inst, &sso.AuthorizeRequest{RedirectURI: redirectURI})
				e.op.setHook(hook)
				_, err = sso.Complete(t.Context(), inst, &sso.CompleteRequest{Flow: a.Flow, Query: query})
			} else {
				e.op.setHook(hook)
				_, err = sso.Authorize(t.Context(), inst, &sso.AuthorizeRequest{RedirectURI: redirectURI})
			}
			require.Equal(t, tc.kind, providers.KindOf(err), "%v", err)
			require.Equal(t, tc.retryAfter, providers.AsError(err).RetryAfter)
			if tc.message != "" {
				require.Equal(t, tc.message, providers.UserMessage(err, oidc.DisplayName))
			}
			require.NotContains(t, err.Error(), clientSecret)
		})
	}
}

// issuerFilled replaces ISSUER in the hook's body with the issuer.
func issuerFilled(issuer string, hook func(http.ResponseWriter, *http.Request) bool) func(http.ResponseWriter, *http.Request) bool {
	return func(w http.ResponseWriter, r *http.Request) bool {
		return hook(&replacingWriter{ResponseWriter: w, old: "ISSUER", new: issuer}, r)
	}
}

type replacingWriter struct {
	http.ResponseWriter
	old, new string
}

func (w *replacingWriter) Write(b []byte) (int, error) {
	_, err := w.ResponseWriter.Write([]byte(strings.ReplaceAll(string(b), w.old, w.new)))
	return len(b), err
}

// TestIssuerDown: an issuer that refuses connections is a retryable
// failure, "Connection to ... timed out".
func TestIssuerDown(t *testing.T) {
	t.Parallel()
	e := setup(t, opOpts{})
	e.op.srv.Close()
	_, err := sso.Authorize(t.Context(), e.instance(e.p), &sso.AuthorizeRequest{RedirectURI: redirectURI})
	require.Equal(t, providers.KindRetryable, providers.KindOf(err), "%v", err)
	require.Equal(t, retry.ClassConnRefused, providers.AsError(err).RetryClass())
	require.Equal(t, "Connection to SSO (OpenID Connect) timed out", providers.UserMessage(err, oidc.DisplayName))
}

// TestWrongClientSecret: the OP refuses the client at the token endpoint;
// the sign-in fails as an auth error, in process and as a plugin, and the
// secret is in no message.
func TestWrongClientSecret(t *testing.T) {
	t.Parallel()
	bothWays(t, func(t *testing.T, e *env, p providers.Provider) {
		const wrong = "not-the-client-secret-0123456789abcdef"
		_, err := e.signIn(t, e.instance(p, oidc.FieldClientSecret, wrong))
		require.Equal(t, providers.KindAuth, providers.KindOf(err), "%v", err)
		require.Equal(t, "Authentication failed. Please check credentials.", providers.UserMessage(err, oidc.DisplayName))
		require.NotContains(t, err.Error(), wrong)
	})
}

// TestCallbackRefused: callbacks and flows that cannot complete a sign-in.
func TestCallbackRefused(t *testing.T) {
	t.Parallel()
	e := setup(t, opOpts{})
	inst := e.instance(e.p)
	a, err := sso.Authorize(t.Context(), inst, &sso.AuthorizeRequest{RedirectURI: redirectURI})
	require.NoError(t, err)
	other, err := sso.Authorize(t.Context(), e.instance(e.p, oidc.FieldClientID, otherClientID), &sso.AuthorizeRequest{RedirectURI: redirectURI})
	require.NoError(t, err)
	good := "code=abc&state=" + a.State
	for _, tc := range []struct {
		name, flow, query string
		settings          []string
		kind              providers.Kind
	}{
		{"tampered flow", a.Flow[:len(a.Flow)-2] + flip(a.Flow[len(a.Flow)-2:]), good, nil, providers.KindInvalidInput},
		{"flow of another client", other.Flow, "code=abc&state=" + other.State, nil, providers.KindInvalidInput},
		{"flow after the secret changed", a.Flow, good, []string{oidc.FieldClientSecret, "rotated-secret"}, providers.KindInvalidInput},
		{"not a flow", "v1.AAAA", good, nil, providers.KindInvalidInput},
		{"another state", a.Flow, "code=abc&state=" + other.State, nil, providers.KindInvalidInput},
		{"no state", a.Flow, "code=abc", nil, providers.KindInvalidInput},
		{"mix-up: another issuer (RFC 9207)", a.Flow, good + "&iss=https%3A%2F%2Fevil.example.com", nil, providers.KindInvalidInput},
		{"no code", a.Flow, "state=" + a.State, nil, providers.KindInvalidInput},
		{"bad query", a.Flow, "state=%zz", nil, providers.KindInvalidInput},
		{"user refused", a.Flow, "error=access_denied&error_description=User+cancelled&state=" + a.State, nil, providers.KindPermanent},
		{"OP busy", a.Flow, "error=temporarily_unavailable&state=" + a.State, nil, providers.KindRetryable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sso.Complete(t.Context(), e.instance(e.p, tc.settings...), &sso.CompleteRequest{Flow: tc.flow, Query: tc.query})
			require.Equal(t, tc.kind, providers.KindOf(err), "%v", err)
		})
	}
	t.Run("expired flow", func(t *testing.T) {
		e.clock.Advance(oidc.FlowTTLDefault + time.Second)
		_, err := sso.Complete(t.Context(), inst, &sso.CompleteRequest{Flow: a.Flow, Query: good})
		require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
		require.ErrorContains(t, err, "the sign-in expired")
	})
	require.Zero(t, e.op.count("/oauth/token"), "no refused callback reached the token endpoint")
}

// TestCallbackWithoutIss: an issuer that announces RFC 9207's iss
// parameter must send it; a callback without it (a mix-up attack's) is
// refused before the code is redeemed.
func TestCallbackWithoutIss(t *testing.T) {
	t.Parallel()
	e := setup(t, opOpts{})
	e.op.setHook(e.op.editDiscovery(func(doc map[string]any) { doc["authorization_response_iss_parameter_supported"] = true }))
	inst := e.instance(e.p)
	a, query := e.authorize(t, inst, &sso.AuthorizeRequest{RedirectURI: redirectURI})
	_, err := sso.Complete(t.Context(), inst, &sso.CompleteRequest{Flow: a.Flow, Query: query})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	require.ErrorContains(t, err, "RFC 9207")
	_, err = sso.Complete(t.Context(), inst, &sso.CompleteRequest{Flow: a.Flow, Query: query + "&iss=" + url.QueryEscape(e.op.issuer)})
	require.NoError(t, err, "with the issuer's iss the same callback completes")
	require.Equal(t, 1, e.op.count("/oauth/token"))
}

// flip changes the first character of s.
func flip(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

// TestAccessPolicy: the allowed domains and groups admit or refuse a
// verified user, as a permanent error naming the rule.
func TestAccessPolicy(t *testing.T) {
	t.Parallel()
	e := setup(t, opOpts{})
	const nonce = "n"
	for _, tc := range []struct {
		name     string
		settings []string
		claims   map[string]any
		refused  string
	}{
		{"domain allowed", []string{oidc.FieldAllowedDomains, "example.com, ZITADEL.ch"}, nil, ""},
		{"domain refused", []string{oidc.FieldAllowedDomains, "example.com"}, nil, "the email domain zitadel.ch is not one of the allowed domains"},
		{"unverified email", []string{oidc.FieldAllowedDomains, "zitadel.ch"}, map[string]any{"email_verified": false}, "a verified email address is required"},
		{"email_verified as a string", []string{oidc.FieldAllowedDomains, "zitadel.ch"}, map[string]any{"email_verified": "true"}, ""},
		{"no email", []string{oidc.FieldAllowedDomains, "zitadel.ch"}, map[string]any{"email": nil}, "a verified email address is required"},
		{"group allowed", []string{oidc.FieldAllowedGroups, "Admins, staff"}, nil, ""},
		{"group refused", []string{oidc.FieldAllowedGroups, "Admins"}, nil, "the user is in none of the allowed groups"},
		{"custom groups claim", []string{oidc.FieldAllowedGroups, "Admins", oidc.FieldGroupsClaim, "https://intime.example/roles"},
			map[string]any{"https://intime.example/roles": "Admins"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := e.op.claims(nonce)
			for k, v := range tc.claims {
				if v == nil {
					delete(c, k)
				} else {
					c[k] = v
				}
			}
			_, err := sso.Verify(t.Context(), e.instance(e.p, tc.settings...), &sso.VerifyRequest{IDToken: e.op.mint(t, c), Nonce: nonce})
			if tc.refused == "" {
				require.NoError(t, err)
				return
			}
			require.Equal(t, providers.KindPermanent, providers.KindOf(err))
			var ae *oidc.AccessError
			require.True(t, errors.As(err, &ae))
			require.Equal(t, userSubject, ae.Subject)
			require.Equal(t, tc.refused, ae.Detail)
		})
	}
}
