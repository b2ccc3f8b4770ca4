package oidc_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/oidc"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/providers/sso"
)

// fakeIssuer answers every request with status and Retry-After: an issuer
// that is down or rate limits.
func fakeIssuer(t *testing.T, status int) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "12")
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// suite is the conformance suite against e's OP. Its wrong-secret case
// needs a real code, so each run logs in afresh; the flow is sealed by the
// in-process provider, which the plugin opens as well: the provider keeps
// no state.
func suite(t *testing.T, e *env) *providertest.Suite {
	const nonce = "suite-nonce"
	wrong := with(e.settings, oidc.FieldClientSecret, "wrong-secret-0123456789abcdef")
	a, query := e.authorize(t, e.instance(e.p, oidc.FieldClientSecret, wrong[oidc.FieldClientSecret]),
		&sso.AuthorizeRequest{RedirectURI: redirectURI})
	verify := func(raw string) *providers.Operation {
		return operation(sso.OpVerify, &sso.VerifyRequest{IDToken: raw, Nonce: nonce})
	}
	authorize := operation(sso.OpAuthorize, &sso.AuthorizeRequest{RedirectURI: redirectURI})
	claims := e.op.claims(nonce)
	expired := e.op.claims(nonce)
	expired["exp"] = 1
	return &providertest.Suite{
		Settings: e.settings,
		Calls: []providertest.Call{
			{Name: "authorize", Op: authorize, Check: func(t *testing.T, r *providers.Result) {
				requireAuthorizationURL(t, e.op.issuer+"/auth", decode[sso.Authorization](t, r))
			}},
			{Name: "verify", Op: verify(e.op.mint(t, claims)), Check: func(t *testing.T, r *providers.Result) {
				requireUser(t, e.op.issuer, decode[sso.Identity](t, r))
			}},
			{Name: "logout", Op: operation(sso.OpLogout, &sso.LogoutRequest{State: "s"}), Check: func(t *testing.T, r *providers.Result) {
				require.Equal(t, e.op.issuer+"/end_session?client_id="+clientID+"&state=s", decode[sso.LogoutRedirect](t, r).URL)
			}},
		},
		Failures: []providertest.Failure{
			{Name: "wrong client secret", Settings: wrong, Kind: providers.KindAuth,
				Op: operation(sso.OpComplete, &sso.CompleteRequest{Flow: a.Flow, Query: query})},
			{Name: "wrong audience", Op: verify(e.op.mint(t, withClaim(claims, "aud", otherClientID))), Kind: providers.KindInvalidInput},
			{Name: "wrong issuer", Op: verify(e.op.mint(t, withClaim(claims, "iss", "https://evil.example.com"))), Kind: providers.KindInvalidInput},
			{Name: "wrong nonce", Op: verify(e.op.mint(t, withClaim(claims, "nonce", "x"))), Kind: providers.KindInvalidInput},
			{Name: "expired", Op: verify(e.op.mint(t, expired)), Kind: providers.KindInvalidInput},
			{Name: "forged key", Op: verify(sign(t, claims, jose.RS256, forgedKey, "forged")), Kind: providers.KindInvalidInput},
			{Name: "tampered flow", Op: operation(sso.OpComplete, &sso.CompleteRequest{Flow: "v1.AAAA", Query: query}),
				Kind: providers.KindInvalidInput},
			{Name: "no redirect URI", Op: operation(sso.OpAuthorize, &sso.AuthorizeRequest{}), Kind: providers.KindInvalidInput},
			{Name: "bad payload", Op: &providers.Operation{Name: sso.OpComplete, Payload: []byte(`[`)}, Kind: providers.KindInvalidInput},
			{Name: "issuer rate limits 429", Op: authorize, Kind: providers.KindRateLimited,
				Settings: with(e.settings, oidc.FieldIssuerURL, fakeIssuer(t, http.StatusTooManyRequests)), RetryAfter: 12 * time.Second},
			{Name: "issuer unavailable 503", Op: authorize, Kind: providers.KindRetryable,
				Settings: with(e.settings, oidc.FieldIssuerURL, fakeIssuer(t, http.StatusServiceUnavailable)), RetryAfter: 12 * time.Second},
		},
	}
}

// withClaim returns a copy of claims with k set to v.
func withClaim(claims map[string]any, k string, v any) map[string]any {
	c := make(map[string]any, len(claims))
	for kk, vv := range claims {
		c[kk] = vv
	}
	c[k] = v
	return c
}

// TestConformance is the must-show: the provider passes providertest in
// process and as a plugin, against the in-process OP.
func TestConformance(t *testing.T) {
	t.Parallel()
	e := setup(t, opOpts{})
	testkit.Conformance(t, e.p, plugin, func(t *testing.T) *providertest.Suite { return suite(t, e) })
}
