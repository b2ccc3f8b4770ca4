package oauth_test

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/storage"
)

// TestConnect is ADMIN-INT-007: Connect, authorize at a real authorization
// server (PKCE S256), return: tokens stored sealed, integration active.
func TestConnect(t *testing.T) {
	t.Parallel()
	e := setup(t)

	a, err := e.conn.Start(e.ctx, &oauth.StartParams{OrganizationID: e.org, IntegrationID: e.in.ID, UserID: &e.user})
	require.NoError(t, err)
	u, err := url.Parse(a.URL)
	require.NoError(t, err)
	q := u.Query()
	require.True(t, strings.HasPrefix(a.URL, e.as.srv.URL+"/auth?"), "authorization endpoint from discovery: %s", a.URL)
	require.Equal(t, "S256", q.Get("code_challenge_method"))
	require.Len(t, q.Get("code_challenge"), 43)
	require.GreaterOrEqual(t, len(q.Get("state")), 43)
	require.Equal(t, "openid profile offline_access", q.Get("scope"))
	require.Equal(t, e.baseURL+"/oauth/callback/custom", q.Get("redirect_uri"))
	require.Equal(t, e.clock.Now().Add(oauth.StateTTLDefault), a.ExpiresAt)

	tok := e.connect(t)
	require.NotEmpty(t, tok.AccessToken)
	require.NotEmpty(t, tok.RefreshToken, "offline access gave a refresh token")
	require.Equal(t, &e.user, tok.UserID)
	require.NotNil(t, tok.ExpiresAt)
	require.Equal(t, int64(1), e.as.exchanges.Load())
	in := e.integration(t)
	require.Equal(t, storage.IntegrationActive, in.Status)
	require.Empty(t, in.ErrorMessage)

	raw := rawDB(t, e.dbPath)
	require.NotContains(t, raw, tok.AccessToken, "access token sealed at rest")
	require.NotContains(t, raw, tok.RefreshToken, "refresh token sealed at rest")
	require.NotContains(t, raw, clientSecret, "client secret sealed at rest")
	requireNoSecrets(t, e.logs.String(), tok)
}

func rawDB(t *testing.T, path string) string {
	t.Helper()
	var b strings.Builder
	for _, p := range []string{path, path + "-wal"} {
		data, err := os.ReadFile(p)
		if err == nil {
			b.Write(data)
		}
	}
	require.Greater(t, b.Len(), 0)
	return b.String()
}

func requireNoSecrets(t *testing.T, text string, toks ...*storage.OAuthToken) {
	t.Helper()
	require.NotContains(t, text, clientSecret)
	for _, tok := range toks {
		require.NotContains(t, text, tok.AccessToken)
		if tok.RefreshToken != "" {
			require.NotContains(t, text, tok.RefreshToken)
		}
	}
}

// requireUnchanged checks that a failed callback stored nothing.
func requireUnchanged(t *testing.T, e *env) {
	t.Helper()
	_, err := e.store.OAuthTokenGetByIntegration(e.ctx, e.org, e.in.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	require.Equal(t, storage.IntegrationInactive, e.integration(t).Status)
}

func (e *env) startURL() string { return e.host.URL + "/oauth/start/" + e.in.ID.String() }

func TestCallbackRefusals(t *testing.T) {
	t.Parallel()
	t.Run("TamperedStateRefused", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		cb := e.login(t, e.startURL())
		q := cb.Query()
		good := q.Get("state")
		q.Set("state", good[:len(good)-2]+"xx")
		tampered := *cb
		tampered.RawQuery = q.Encode()
		status, body := get(t, tampered.String())
		require.Equal(t, http.StatusBadRequest, status)
		require.Contains(t, body, "invalid or has expired")
		requireUnchanged(t, e)
		require.Zero(t, e.as.exchanges.Load(), "no code exchange for a bad state")

		status, _ = get(t, cb.String())
		require.Equal(t, http.StatusOK, status, "the genuine state still works once")
		status, _ = get(t, cb.String())
		require.Equal(t, http.StatusBadRequest, status, "and only once")
	})
	t.Run("StateOfAnotherProviderRefused", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		cb := e.login(t, e.startURL())
		other := e.baseURL + "/oauth/callback/google?" + cb.RawQuery
		status, _ := get(t, other)
		require.Equal(t, http.StatusBadRequest, status)
		requireUnchanged(t, e)
	})
	t.Run("ExpiredStateRefused", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		cb := e.login(t, e.startURL())
		e.clock.Advance(oauth.StateTTLDefault + time.Second)
		_, err := e.conn.Callback(e.ctx, callbackParams(cb))
		require.ErrorIs(t, err, oauth.ErrStateExpired)
		requireUnchanged(t, e)
	})
	t.Run("DeniedConsent", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		a, err := e.conn.Start(e.ctx, &oauth.StartParams{OrganizationID: e.org, IntegrationID: e.in.ID})
		require.NoError(t, err)
		u, _ := url.Parse(a.URL)
		_, err = e.conn.Callback(e.ctx, &oauth.CallbackParams{Provider: "custom", State: u.Query().Get("state"),
			Error: "access_denied", ErrorDescription: "user declined"})
		var de *oauth.DeniedError
		require.ErrorAs(t, err, &de)
		require.Equal(t, "access_denied", de.Code)
		requireUnchanged(t, e)
	})
	t.Run("FailedExchange", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		cb := e.login(t, e.startURL())
		q := cb.Query()
		q.Set("code", "not-the-code")
		cb.RawQuery = q.Encode()
		status, body := get(t, cb.String())
		require.Equal(t, http.StatusBadGateway, status, body)
		require.Contains(t, body, "Could not connect your Custom OAuth 2.0 account")
		requireUnchanged(t, e)
	})
}

func callbackParams(cb *url.URL) *oauth.CallbackParams {
	q := cb.Query()
	return &oauth.CallbackParams{Provider: strings.TrimPrefix(cb.Path, "/oauth/callback/"), State: q.Get("state"), Code: q.Get("code")}
}

// TestReconnectReplacesTokens starts the flow again on a connected (and
// broken) integration: its tokens are replaced and it is active again.
func TestReconnectReplacesTokens(t *testing.T) {
	t.Parallel()
	e := setup(t)
	first := e.connect(t)
	msg := "Please reconnect your Custom OAuth 2.0 account"
	st := storage.IntegrationError
	_, err := e.store.IntegrationUpdate(e.ctx, &storage.IntegrationUpdateParams{OrganizationID: e.org, ID: e.in.ID, Status: &st, ErrorMessage: &msg})
	require.NoError(t, err)

	second := e.connect(t)
	require.NotEqual(t, first.ID, second.ID)
	require.NotEqual(t, first.AccessToken, second.AccessToken)
	require.NotEqual(t, first.RefreshToken, second.RefreshToken)
	_, err = e.store.OAuthTokenGet(e.ctx, e.org, first.ID)
	require.ErrorIs(t, err, storage.ErrNotFound, "the old token set is gone")
	in := e.integration(t)
	require.Equal(t, storage.IntegrationActive, in.Status)
	require.Empty(t, in.ErrorMessage)

	got, err := e.conn.TokenSource(e.org, e.in.ID).Token(e.ctx)
	require.NoError(t, err)
	require.Equal(t, second.AccessToken, got.AccessToken)
}
