package oidc_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/oidc"
	"github.com/intimeos/integrations/providers/sso"
)

// redirectURI is the host's callback; the browser stops before requesting
// it and hands its query to Complete, as the host's handler would.
const redirectURI = "http://localhost:8080/sso/callback"

// postLogoutURI is registered with the OP for RP-initiated logout.
const postLogoutURI = "http://localhost:8080/signed-out"

// clock is an injectable clock that tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one test's world: an OP, a provider in process on a clock, the
// integration's settings and a browser.
type env struct {
	op       *idp
	clock    *clock
	p        *oidc.Provider
	settings providers.Settings
	browser  *http.Client
	logs     *syncBuffer
}

// setup builds an env around an http OP on a loopback address, configured
// as a Custom OpenID Connect integration.
func setup(t testing.TB, o opOpts) *env {
	t.Helper()
	if o.redirectURIs == nil {
		o.redirectURIs = []string{redirectURI, postLogoutURI}
	}
	e := &env{op: newIDP(t, o), clock: newClock(), logs: &syncBuffer{}}
	var hc *http.Client
	if o.tls != nil {
		hc = o.tls.client(t, e.op.srv.Listener.Addr().String())
		e.browser = o.tls.client(t, e.op.srv.Listener.Addr().String())
	} else {
		e.browser = browser(t)
	}
	e.p = oidc.New(&oidc.Config{HTTPClient: hc, Now: e.clock.Now, Logger: debugLogger(e.logs)})
	t.Cleanup(func() { _ = e.p.Close() })
	e.settings = providers.Settings{oidc.FieldPreset: oidc.PresetCustom, oidc.FieldIssuerURL: e.op.issuer,
		oidc.FieldClientID: clientID, oidc.FieldClientSecret: clientSecret}
	return e
}

// instance is the provider p with the env's settings edited by kv.
func (e *env) instance(p providers.Provider, kv ...string) *providers.Instance {
	return providers.NewInstance(oidc.DisplayName, p, with(e.settings, kv...), nil)
}

// signIn runs a whole sign-in through c as the browser would and returns
// the verified identity, or Complete's error.
func (e *env) signIn(t *testing.T, c providers.Caller) (*sso.Identity, error) {
	t.Helper()
	a, cb := e.authorize(t, c, &sso.AuthorizeRequest{RedirectURI: redirectURI})
	return sso.Complete(t.Context(), c, &sso.CompleteRequest{Flow: a.Flow, Query: cb})
}

// authorize starts a sign-in through c, logs in at the OP and returns the
// authorization and the callback's raw query.
func (e *env) authorize(t *testing.T, c providers.Caller, r *sso.AuthorizeRequest) (*sso.Authorization, string) {
	t.Helper()
	a, err := sso.Authorize(t.Context(), c, r)
	require.NoError(t, err)
	return a, login(t, e.browser, a.URL, r.RedirectURI).RawQuery
}

// requireUser checks the identity of the example's test-user2.
func requireUser(t *testing.T, issuer string, id *sso.Identity) {
	t.Helper()
	require.Equal(t, issuer, id.Issuer)
	require.Equal(t, userSubject, id.Subject)
	require.Equal(t, userEmail, id.Email)
	require.True(t, id.EmailVerified)
	require.Equal(t, "Test User2", id.Name)
	require.Equal(t, "Test", id.GivenName)
	require.Equal(t, "User2", id.FamilyName)
	require.Equal(t, userName, id.PreferredUsername)
	require.Equal(t, userGroups, id.Groups)
	require.WithinDuration(t, time.Now(), id.IssuedAt, time.Minute)
	require.True(t, id.ExpiresAt.After(id.IssuedAt))
}

// bothWays runs test in parallel subtests on the provider in process and
// as a plugin, each in an env of its own.
func bothWays(t *testing.T, test func(t *testing.T, e *env, p providers.Provider)) {
	t.Helper()
	t.Run("in process", func(t *testing.T) {
		t.Parallel()
		e := setup(t, opOpts{})
		test(t, e, e.p)
	})
	t.Run("plugin", func(t *testing.T) {
		t.Parallel()
		test(t, setup(t, opOpts{}), plugin(t))
	})
}
