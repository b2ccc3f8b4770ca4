package oidc_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/oidc"
	"github.com/intimeos/integrations/providers/sso"
)

// forgery is an ID token refused for one reason: edit turns the claims of
// a valid token into the refused token, signed as it wishes.
type forgery struct {
	name   string
	reason oidc.Reason
	edit   func(t testing.TB, p *idp, c map[string]any) string
}

// forgedKey is a key the OP never published.
var forgedKey = func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}()

func set(kv ...any) func(t testing.TB, p *idp, c map[string]any) string {
	return func(t testing.TB, p *idp, c map[string]any) string {
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(c, kv[i].(string))
				continue
			}
			c[kv[i].(string)] = kv[i+1]
		}
		return p.mint(t, c)
	}
}

func forgeries() []forgery {
	hour := time.Hour
	return []forgery{
		{"wrong audience", oidc.ReasonAudience, set("aud", []string{otherClientID})},
		{"wrong issuer", oidc.ReasonIssuer, set("iss", "https://evil.example.com")},
		{"issuer without its trailing slash", oidc.ReasonIssuer, func(t testing.TB, p *idp, c map[string]any) string {
			c["iss"] = p.issuer + "/"
			return p.mint(t, c)
		}},
		{"wrong nonce", oidc.ReasonNonce, set("nonce", "another-sign-in")},
		{"no nonce", oidc.ReasonNonce, set("nonce", nil)},
		{"expired", oidc.ReasonExpired, set("exp", time.Now().Add(-2*hour).Unix(), "iat", time.Now().Add(-3*hour).Unix())},
		{"not yet valid", oidc.ReasonNotYetValid, set("nbf", time.Now().Add(hour).Unix())},
		{"issued in the future", oidc.ReasonIssuedAt, set("iat", time.Now().Add(hour).Unix())},
		{"issued too long ago", oidc.ReasonIssuedAt, set("iat", time.Now().Add(-30*time.Minute).Unix())},
		{"no exp", oidc.ReasonExpired, set("exp", nil)},
		{"no sub", oidc.ReasonSubject, set("sub", nil)},
		{"several audiences without azp", oidc.ReasonAuthorizedParty, set("aud", []string{clientID, otherClientID}, "azp", nil)},
		{"azp another client", oidc.ReasonAuthorizedParty, set("azp", otherClientID)},
		{"signed by a key not in the JWKS", oidc.ReasonUnknownKey, func(t testing.TB, _ *idp, c map[string]any) string {
			return sign(t, c, jose.RS256, forgedKey, "forged-key")
		}},
		{"forged under the OP's key ID", oidc.ReasonSignature, func(t testing.TB, p *idp, c map[string]any) string {
			_, kid := p.storage.current()
			return sign(t, c, jose.RS256, forgedKey, kid)
		}},
		{"HS256 with the client secret", oidc.ReasonAlgorithm, func(t testing.TB, _ *idp, c map[string]any) string {
			return sign(t, c, jose.HS256, []byte(clientSecret), "")
		}},
		{"alg none", oidc.ReasonAlgorithm, func(t testing.TB, _ *idp, c map[string]any) string {
			payload, err := json.Marshal(c)
			require.NoError(t, err)
			return base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." +
				base64.RawURLEncoding.EncodeToString(payload) + "."
		}},
		{"payload swapped after signing", oidc.ReasonSignature, func(t testing.TB, p *idp, c map[string]any) string {
			good := p.mint(t, c)
			c["sub"] = "admin"
			evil := p.mint(t, c)
			return good[:indexDot(good)] + evil[indexDot(evil):lastDot(evil)] + good[lastDot(good):]
		}},
		{"not a JWT", oidc.ReasonMalformed, func(testing.TB, *idp, map[string]any) string { return "not.a.token" }},
	}
}

func indexDot(s string) int {
	for i := range s {
		if s[i] == '.' {
			return i
		}
	}
	return -1
}

func lastDot(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '.' {
			return i
		}
	}
	return -1
}

// requireRefused checks that err refuses a token for reason: its kind is
// invalid input and, in process, it is a *oidc.TokenError of that reason.
func requireRefused(t *testing.T, err error, reason oidc.Reason) {
	t.Helper()
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err), "%v", err)
	require.ErrorContains(t, err, "id token refused: "+string(reason)+":")
	var te *oidc.TokenError
	if errors.As(err, &te) {
		require.Equal(t, reason, te.Reason)
	}
}

// TestVerifyRefusals sends each forged or invalid token to sso.OpVerify,
// in process and as a plugin: every one is refused for its reason, and a
// valid token passes.
func TestVerifyRefusals(t *testing.T) {
	t.Parallel()
	bothWays(t, func(t *testing.T, e *env, p providers.Provider) {
		inst := e.instance(p)
		const nonce = "nonce-of-the-sign-in"
		id, err := sso.Verify(t.Context(), inst, &sso.VerifyRequest{IDToken: e.op.mint(t, e.op.claims(nonce)), Nonce: nonce})
		require.NoError(t, err)
		requireUser(t, e.op.issuer, id)
		require.Empty(t, id.Session)
		for _, f := range forgeries() {
			t.Run(f.name, func(t *testing.T) {
				raw := f.edit(t, e.op, e.op.claims(nonce))
				_, err := sso.Verify(t.Context(), inst, &sso.VerifyRequest{IDToken: raw, Nonce: nonce})
				requireRefused(t, err, f.reason)
				require.NotContains(t, err.Error(), raw)
			})
		}
	})
}

// TestCompleteRefusals puts each forged token in the OP's token response
// of a real sign-in: Complete refuses it, in process and as a plugin.
func TestCompleteRefusals(t *testing.T) {
	t.Parallel()
	bothWays(t, func(t *testing.T, e *env, p providers.Provider) {
		inst := e.instance(p)
		for _, f := range forgeries() {
			t.Run(f.name, func(t *testing.T) {
				e.op.setHook(e.op.rewriteIDToken(t, func(c map[string]any) string { return f.edit(t, e.op, c) }))
				t.Cleanup(func() { e.op.setHook(nil) })
				_, err := e.signIn(t, inst)
				requireRefused(t, err, f.reason)
			})
		}
	})
}

// TestExpiredOnTheClock: a token the OP really issued, completed after
// the provider's clock passed its exp (one hour), is refused.
func TestExpiredOnTheClock(t *testing.T) {
	t.Parallel()
	e := setup(t, opOpts{})
	p := oidc.New(&oidc.Config{Now: e.clock.Now, FlowTTL: 24 * time.Hour})
	inst := e.instance(p)
	a, query := e.authorize(t, inst, &sso.AuthorizeRequest{RedirectURI: redirectURI})
	// The OP stamps exp on the wall clock when it issues the token, which
	// on a loaded machine can be seconds after the test clock was set: a
	// minute of margin beyond the lifetime and the skew.
	e.clock.Advance(time.Hour + oidc.ClockSkewDefault + time.Minute)
	_, err := sso.Complete(t.Context(), inst, &sso.CompleteRequest{Flow: a.Flow, Query: query})
	requireRefused(t, err, oidc.ReasonExpired)
}
