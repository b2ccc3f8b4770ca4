package sso_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/sso"
)

func TestValidRedirectURI(t *testing.T) {
	t.Parallel()
	for u, want := range map[string]bool{
		"https://app.example.com/sso/callback":       true,
		"https://app.example.com:8443/cb?tenant=42":  true,
		"http://localhost:8080/sso/callback":         true,
		"http://127.0.0.1/cb":                        true,
		"http://[::1]:9000/cb":                       true,
		"http://app.example.com/cb":                  false,
		"https://app.example.com/cb#frag":            false,
		"https://app.example.com/cb#":                false,
		"https://user:pass@app.example.com/cb":       false,
		"/sso/callback":                              false,
		"custom://callback":                          false,
		"":                                           false,
		"https://app.example.com/cb\x00":             false,
		"javascript:alert(1)//https://example.com/x": false,
	} {
		require.Equal(t, want, sso.ValidRedirectURI(u), u)
	}
}

// TestValidate checks each request's rules: every failure is invalid
// input naming the field.
func TestValidate(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", sso.MaxTokenLen+1)
	for _, tc := range []struct {
		name string
		req  interface{ Validate() error }
		want string // "" for valid
	}{
		{"authorize", &sso.AuthorizeRequest{RedirectURI: "https://app.example.com/cb", Scopes: []string{"groups"},
			Prompt: "login", MaxAge: 300, LoginHint: "ana@example.com"}, ""},
		{"authorize without redirect", &sso.AuthorizeRequest{}, "redirectUri"},
		{"authorize with a bad scope", &sso.AuthorizeRequest{RedirectURI: "https://a.example/cb", Scopes: []string{"a b"}}, "scope"},
		{"authorize with a bad prompt", &sso.AuthorizeRequest{RedirectURI: "https://a.example/cb", Prompt: "always"}, "prompt"},
		{"authorize with a negative max age", &sso.AuthorizeRequest{RedirectURI: "https://a.example/cb", MaxAge: -1}, "maxAge"},
		{"authorize with a long hint", &sso.AuthorizeRequest{RedirectURI: "https://a.example/cb", LoginHint: long[:255]}, "loginHint"},
		{"complete", &sso.CompleteRequest{Flow: "v1.x", Query: "code=a&state=b"}, ""},
		{"complete without flow", &sso.CompleteRequest{Query: "code=a"}, "flow"},
		{"complete with a huge flow", &sso.CompleteRequest{Flow: long, Query: "code=a"}, "flow"},
		{"complete without query", &sso.CompleteRequest{Flow: "v1.x"}, "query"},
		{"verify", &sso.VerifyRequest{IDToken: "a.b.c", Nonce: "n"}, ""},
		{"verify without token", &sso.VerifyRequest{Nonce: "n"}, "idToken"},
		{"verify without nonce", &sso.VerifyRequest{IDToken: "a.b.c"}, "nonce"},
		{"logout", &sso.LogoutRequest{}, ""},
		{"logout with a bad redirect", &sso.LogoutRequest{PostLogoutRedirectURI: "http://evil.example/x"}, "postLogoutRedirectUri"},
		{"logout with a huge session", &sso.LogoutRequest{Session: long}, "session"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.req.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
			require.ErrorContains(t, err, tc.want)
		})
	}
}
