package oidc_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/oidc"
	"github.com/intimeos/integrations/providers/sso"
)

// TestIssuerForms signs in against OPs serving Okta's and Auth0's issuer
// forms over TLS on their public domain names (resolved to the in-process
// OP): the issuer the settings derive must be the OP's byte for byte,
// Auth0's trailing slash included, and the ID token's iss with it.
func TestIssuerForms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, issuer string
		settings     []string
		// basic is whether the client authenticates with HTTP Basic
		// (else with the form body, Auth0 applications' default).
		basic bool
	}{
		{"Okta default server", "https://dev-123456.okta.com/oauth2/default",
			[]string{oidc.FieldPreset, oidc.PresetOkta, oidc.FieldDomain, "dev-123456.okta.com"}, true},
		{"Okta custom server", "https://login.example.com/oauth2/aus1a2b3c4d5e6f7g8h9",
			[]string{oidc.FieldPreset, oidc.PresetOkta, oidc.FieldDomain, "login.example.com", oidc.FieldAuthServer, "aus1a2b3c4d5e6f7g8h9"}, true},
		{"Okta org server", "https://dev-123456.okta.com",
			[]string{oidc.FieldPreset, oidc.PresetOkta, oidc.FieldDomain, "dev-123456.okta.com", oidc.FieldAuthServer, oidc.OktaOrgServer}, true},
		{"Auth0 tenant", "https://acme.us.auth0.com/",
			[]string{oidc.FieldPreset, oidc.PresetAuth0, oidc.FieldDomain, "acme.us.auth0.com"}, false},
		{"Auth0 with Basic chosen", "https://acme.us.auth0.com/",
			[]string{oidc.FieldPreset, oidc.PresetAuth0, oidc.FieldDomain, "acme.us.auth0.com", oidc.FieldTokenAuthMethod, oidc.AuthMethodBasic}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			host := mustURL(t, tc.issuer).Hostname()
			e := setup(t, opOpts{tls: newTestCert(t, host), issuer: tc.issuer, fullIDToken: true})
			inst := e.instance(e.p, append(tc.settings, oidc.FieldIssuerURL, "")...)
			var basic, post atomic.Bool
			e.op.setHook(func(_ http.ResponseWriter, r *http.Request) bool {
				if strings.HasSuffix(r.URL.Path, "/oauth/token") {
					_, _, ok := r.BasicAuth()
					basic.Store(ok)
					post.Store(r.PostFormValue("client_secret") == clientSecret)
				}
				return false
			})
			id, err := e.signIn(t, inst)
			require.NoError(t, err)
			require.Equal(t, tc.basic, basic.Load(), "HTTP Basic")
			require.Equal(t, !tc.basic, post.Load(), "client_secret_post")
			requireUser(t, tc.issuer, id)
			require.Zero(t, e.op.count("/userinfo"), "the ID token carries the profile, as Okta's and Auth0's do")
		})
	}
}

// TestIssuerMismatch: an Auth0 domain whose OP says its issuer without the
// trailing slash (or any OP whose document names another issuer) is
// refused at discovery, with both issuers in the message.
func TestIssuerMismatch(t *testing.T) {
	t.Parallel()
	e := setup(t, opOpts{tls: newTestCert(t, "acme.us.auth0.com"), issuer: "https://acme.us.auth0.com"})
	inst := e.instance(e.p, oidc.FieldPreset, oidc.PresetAuth0, oidc.FieldDomain, "acme.us.auth0.com")
	_, err := sso.Authorize(t.Context(), inst, &sso.AuthorizeRequest{RedirectURI: redirectURI})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	require.ErrorContains(t, err, `discovery document's issuer "https://acme.us.auth0.com" is not the configured issuer "https://acme.us.auth0.com/"`)
}
