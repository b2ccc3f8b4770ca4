package oidc_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/oidc"
	"github.com/intimeos/integrations/providers/sso"
)

// TestLogout covers the logout URL's forms: without a session, a tampered
// session, an issuer without end_session_endpoint (Auth0's own /v2/logout,
// or unsupported for the others).
func TestLogout(t *testing.T) {
	t.Parallel()
	e := setup(t, opOpts{})
	inst := e.instance(e.p)
	t.Run("without a session", func(t *testing.T) {
		out, err := sso.Logout(t.Context(), inst, &sso.LogoutRequest{PostLogoutRedirectURI: postLogoutURI})
		require.NoError(t, err)
		u := mustURL(t, out.URL)
		require.Equal(t, url.Values{"client_id": {clientID}, "post_logout_redirect_uri": {postLogoutURI}}, u.Query())
	})
	t.Run("tampered session", func(t *testing.T) {
		_, err := sso.Logout(t.Context(), inst, &sso.LogoutRequest{Session: "v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
		require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	})
	t.Run("session of another client", func(t *testing.T) {
		id, err := e.signIn(t, inst)
		require.NoError(t, err)
		_, err = sso.Logout(t.Context(), e.instance(e.p, oidc.FieldClientID, otherClientID), &sso.LogoutRequest{Session: id.Session})
		require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	})
	t.Run("redirect URI with a fragment", func(t *testing.T) {
		_, err := sso.Logout(t.Context(), inst, &sso.LogoutRequest{PostLogoutRedirectURI: postLogoutURI + "#x"})
		require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	})
}

// TestLogoutWithoutEndSession: the issuer's document has no
// end_session_endpoint.
func TestLogoutWithoutEndSession(t *testing.T) {
	t.Parallel()
	t.Run("Custom: unsupported", func(t *testing.T) {
		t.Parallel()
		e := setup(t, opOpts{})
		e.op.setHook(withoutEndSession(e.op))
		_, err := sso.Logout(t.Context(), e.instance(e.p), &sso.LogoutRequest{})
		require.Equal(t, providers.KindUnsupported, providers.KindOf(err))
		require.ErrorIs(t, err, providers.ErrUnsupported)
	})
	t.Run("Auth0: /v2/logout", func(t *testing.T) {
		t.Parallel()
		e := setup(t, opOpts{tls: newTestCert(t, "acme.eu.auth0.com"), issuer: "https://acme.eu.auth0.com/"})
		e.op.setHook(withoutEndSession(e.op))
		inst := e.instance(e.p, oidc.FieldPreset, oidc.PresetAuth0, oidc.FieldDomain, "acme.eu.auth0.com")
		out, err := sso.Logout(t.Context(), inst, &sso.LogoutRequest{PostLogoutRedirectURI: "https://app.example.com/bye"})
		require.NoError(t, err)
		require.Equal(t, "https://acme.eu.auth0.com/v2/logout?client_id="+clientID+"&returnTo=https%3A%2F%2Fapp.example.com%2Fbye", out.URL)
	})
}

// withoutEndSession removes end_session_endpoint from the OP's discovery
// document.
func withoutEndSession(p *idp) func(http.ResponseWriter, *http.Request) bool {
	return p.editDiscovery(func(doc map[string]any) { delete(doc, "end_session_endpoint") })
}
