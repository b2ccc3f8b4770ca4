package oidc_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/oidc"
	"github.com/intimeos/integrations/providers/sso"
)

// TestSignIn is the whole sign-in against the in-process OP: authorize,
// log in at the OP, callback, code exchange with PKCE, ID token verified,
// claims the ID token lacks read from userinfo; then the logout URL, which
// the OP accepts with the session's id_token_hint. In process and as a
// plugin.
func TestSignIn(t *testing.T) {
	t.Parallel()
	bothWays(t, func(t *testing.T, e *env, p providers.Provider) {
		inst := e.instance(p, oidc.FieldAllowedDomains, "zitadel.ch", oidc.FieldAllowedGroups, "Staff")
		a, query := e.authorize(t, inst, &sso.AuthorizeRequest{RedirectURI: redirectURI, LoginHint: userName})
		requireAuthorizationURL(t, e.op.issuer+"/auth", a)
		id, err := sso.Complete(t.Context(), inst, &sso.CompleteRequest{Flow: a.Flow, Query: query})
		require.NoError(t, err)
		requireUser(t, e.op.issuer, id)
		require.NotEmpty(t, id.Session)
		require.Equal(t, 1, e.op.count("/userinfo"), "the example OP puts the profile in userinfo only")

		_, err = sso.Complete(t.Context(), inst, &sso.CompleteRequest{Flow: a.Flow, Query: query})
		require.Equal(t, providers.KindInvalidInput, providers.KindOf(err), "a replayed callback: the code is used: %v", err)

		out, err := sso.Logout(t.Context(), inst, &sso.LogoutRequest{Session: id.Session,
			PostLogoutRedirectURI: postLogoutURI, State: "bye"})
		require.NoError(t, err)
		requireLogoutAccepted(t, e, out.URL)
	})
}

// requireAuthorizationURL checks the authorization request's parameters.
func requireAuthorizationURL(t *testing.T, endpoint string, a *sso.Authorization) {
	t.Helper()
	u, err := url.Parse(a.URL)
	require.NoError(t, err)
	require.Equal(t, endpoint, u.Scheme+"://"+u.Host+u.Path)
	q := u.Query()
	require.Equal(t, "code", q.Get("response_type"))
	require.Equal(t, clientID, q.Get("client_id"))
	require.Equal(t, redirectURI, q.Get("redirect_uri"))
	require.Equal(t, "openid email profile", q.Get("scope"))
	require.Equal(t, a.State, q.Get("state"))
	require.Len(t, q.Get("nonce"), 43)
	require.Len(t, q.Get("code_challenge"), 43)
	require.Equal(t, "S256", q.Get("code_challenge_method"))
	require.NotContains(t, a.URL, a.Flow)
}

// requireLogoutAccepted follows the logout URL: the OP verifies the
// id_token_hint and redirects to the post-logout URI with the state.
func requireLogoutAccepted(t *testing.T, e *env, logoutURL string) {
	t.Helper()
	u, err := url.Parse(logoutURL)
	require.NoError(t, err)
	require.Equal(t, e.op.issuer+"/end_session", u.Scheme+"://"+u.Host+u.Path)
	require.NotEmpty(t, u.Query().Get("id_token_hint"))
	c := *e.browser
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(logoutURL)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	require.Equal(t, postLogoutURI+"?state=bye", resp.Header.Get("Location"))
}

// TestAccessTokenHash: the OP's ID tokens carry at_hash; one that does
// not match the access token of the same response is refused.
func TestAccessTokenHash(t *testing.T) {
	t.Parallel()
	e := setup(t, opOpts{})
	e.op.setHook(e.op.rewriteIDToken(t, func(c map[string]any) string {
		require.NotEmpty(t, c["at_hash"], "the OP sends at_hash")
		c["at_hash"] = "AAAAAAAAAAAAAAAAAAAAAA"
		return e.op.mint(t, c)
	}))
	_, err := e.signIn(t, e.instance(e.p))
	requireRefused(t, err, oidc.ReasonAccessTokenHash)
}

// TestMaxAge: with max_age the OP's auth_time must be recent enough when
// the sign-in completes.
func TestMaxAge(t *testing.T) {
	t.Parallel()
	e := setup(t, opOpts{})
	inst := e.instance(e.p)
	r := &sso.AuthorizeRequest{RedirectURI: redirectURI, MaxAge: 60}
	a, query := e.authorize(t, inst, r)
	require.Equal(t, "60", mustURL(t, a.URL).Query().Get("max_age"))
	id, err := sso.Complete(t.Context(), inst, &sso.CompleteRequest{Flow: a.Flow, Query: query})
	require.NoError(t, err)
	require.WithinDuration(t, time.Now(), id.AuthTime, time.Minute)

	a, query = e.authorize(t, inst, r)
	e.clock.Advance(time.Minute + oidc.ClockSkewDefault + time.Second)
	_, err = sso.Complete(t.Context(), inst, &sso.CompleteRequest{Flow: a.Flow, Query: query})
	requireRefused(t, err, oidc.ReasonAuthTime)
}

// TestSecretsStayHidden: the client secret, the code, the PKCE verifier
// and the tokens appear in no log record, error or result; the session is
// sealed, not the ID token in clear.
func TestSecretsStayHidden(t *testing.T) {
	t.Parallel()
	e := setup(t, opOpts{})
	var mu sync.Mutex
	var secrets []string
	e.op.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/oauth/token") {
			return false
		}
		_ = r.ParseForm()
		rec := newRecorder()
		e.op.h.ServeHTTP(rec, r)
		body := rec.json()
		mu.Lock()
		secrets = append(secrets, r.PostForm.Get("code"), r.PostForm.Get("code_verifier"))
		for _, k := range []string{"id_token", "access_token", "refresh_token"} {
			if s, ok := body[k].(string); ok {
				secrets = append(secrets, s)
			}
		}
		mu.Unlock()
		writeJSON(w, rec.Code, body)
		return true
	})
	inst := e.instance(e.p)
	id, err := e.signIn(t, inst)
	require.NoError(t, err)
	_, refused := e.signIn(t, e.instance(e.p, oidc.FieldClientSecret, "the-wrong-secret-0123456789"))
	require.Error(t, refused)
	out, err := sso.Logout(t.Context(), inst, &sso.LogoutRequest{Session: id.Session})
	require.NoError(t, err)

	result, err := json.Marshal(id)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.GreaterOrEqual(t, len(secrets), 5)
	for _, s := range append(secrets, clientSecret, "the-wrong-secret-0123456789") {
		require.NotEmpty(t, s)
		require.NotContains(t, e.logs.String(), s)
		require.NotContains(t, refused.Error(), s)
		require.NotContains(t, string(result), s)
	}
	require.Contains(t, e.logs.String(), "/oauth/token", "the token requests were logged, without their secrets")
	require.Contains(t, out.URL, "id_token_hint=", "the ID token leaves only in the logout redirect, as the spec has it")
}

// TestStateless: the sign-in started by one provider (in process) is
// completed by another (the plugin process): the flow carries the state,
// not the provider.
func TestStateless(t *testing.T) {
	t.Parallel()
	e := setup(t, opOpts{})
	a, query := e.authorize(t, e.instance(e.p), &sso.AuthorizeRequest{RedirectURI: redirectURI})
	id, err := sso.Complete(t.Context(), e.instance(plugin(t)), &sso.CompleteRequest{Flow: a.Flow, Query: query})
	require.NoError(t, err)
	requireUser(t, e.op.issuer, id)
}

// TestConcurrentSignIns: completions and verifications at once through
// one provider share its issuer cache safely (run with -race), while the
// OP rotates its key and the clock moves past KeyRefetchMin. The browser
// parts run first, in the test's goroutine.
func TestConcurrentSignIns(t *testing.T) {
	t.Parallel()
	e := setup(t, opOpts{})
	inst := e.instance(e.p)
	const n, nonce = 8, "n"
	completes := make([]*sso.CompleteRequest, n)
	tokens := make([]string, n)
	for i := range n {
		a, query := e.authorize(t, inst, &sso.AuthorizeRequest{RedirectURI: redirectURI})
		completes[i] = &sso.CompleteRequest{Flow: a.Flow, Query: query}
		tokens[i] = e.op.mint(t, e.op.claims(nonce))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		wg.Go(func() {
			if i == n/2 {
				e.op.storage.rotate(false)
				e.clock.Advance(oidc.KeyRefetchMinDefault)
			}
			_, err := sso.Complete(context.Background(), inst, completes[i])
			errs <- err
			_, err = sso.Verify(context.Background(), inst, &sso.VerifyRequest{IDToken: tokens[i], Nonce: nonce})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		// A token under the new key may meet a key set fetched just before
		// the rotation, within KeyRefetchMin: it is then refused as an
		// unknown key, and a later fetch admits it.
		if err != nil {
			requireRefused(t, err, oidc.ReasonUnknownKey)
		}
	}
	e.clock.Advance(oidc.KeyRefetchMinDefault)
	_, err := e.signIn(t, inst)
	require.NoError(t, err)
}
