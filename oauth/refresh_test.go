package oauth_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
)

// expire moves the clock past the token's expiry (the example provider's
// access tokens live five minutes).
func (e *env) expire(t *testing.T) {
	t.Helper()
	tok := e.stored(t)
	e.clock.Advance(tok.ExpiresAt.Sub(e.clock.Now()) + time.Second)
}

// TestRefreshRotates is ADMIN-INT-008: an expired token is refreshed without
// user action; the rotated refresh token is stored and the next refresh
// spends it (the provider would refuse the old one).
func TestRefreshRotates(t *testing.T) {
	t.Parallel()
	e := setup(t)
	first := e.connect(t)
	ts := e.conn.TokenSource(e.org, e.in.ID)

	got, err := ts.Token(e.ctx)
	require.NoError(t, err)
	require.Equal(t, first.AccessToken, got.AccessToken, "a fresh token is used as is")
	require.Zero(t, e.as.refreshes.Load())

	var prev = first
	for i := range 2 {
		e.expire(t)
		got, err = ts.Token(e.ctx)
		require.NoError(t, err)
		now := e.stored(t)
		require.NotEqual(t, prev.AccessToken, got.AccessToken)
		require.Equal(t, now.AccessToken, got.AccessToken)
		require.NotEqual(t, prev.RefreshToken, now.RefreshToken, "refresh token rotated and persisted")
		require.Equal(t, prev.Version+1, now.Version)
		require.Empty(t, got.RefreshToken, "callers never see the refresh token")
		require.Equal(t, int64(i+1), e.as.refreshes.Load())
		prev = now
	}
	requireNoSecrets(t, e.logs.String(), first, prev)
	requireNoSecrets(t, rawDB(t, e.dbPath), first, prev)
}

// TestReusedRefreshTokenNeedsReconnect puts an already rotated refresh
// token back (a stale writer): the provider answers invalid_grant, and the
// connection ends in the reconnect state.
func TestReusedRefreshTokenNeedsReconnect(t *testing.T) {
	t.Parallel()
	e := setup(t)
	old := e.connect(t)
	ts := e.conn.TokenSource(e.org, e.in.ID)
	e.expire(t)
	_, err := ts.Token(e.ctx)
	require.NoError(t, err)
	cur := e.stored(t)
	_, err = e.store.OAuthTokenUpdate(e.ctx, &storage.OAuthTokenUpdateParams{
		OrganizationID: e.org, ID: cur.ID, ExpectVersion: cur.Version,
		AccessToken: old.AccessToken, RefreshToken: old.RefreshToken, ExpiresAt: old.ExpiresAt,
	})
	require.NoError(t, err)

	// another host, whose cache does not hold the new token
	other := e.newConnector(t, e.store)
	_, err = other.TokenSource(e.org, e.in.ID).Token(e.ctx)
	var re *oauth.ReconnectError
	require.ErrorAs(t, err, &re)
	require.Equal(t, "Please reconnect your Custom OAuth 2.0 account", err.Error())
	require.True(t, oauth.NeedsReconnect(err))
	require.False(t, retry.IsRetryable(err))
	in := e.integration(t)
	require.Equal(t, storage.IntegrationError, in.Status)
	require.Equal(t, "Please reconnect your Custom OAuth 2.0 account", in.ErrorMessage)
	require.Empty(t, e.stored(t).RefreshToken, "the dead refresh token is not tried again")

	n := e.as.refreshes.Load()
	_, err = other.TokenSource(e.org, e.in.ID).Token(e.ctx)
	require.True(t, oauth.NeedsReconnect(err))
	require.Equal(t, n, e.as.refreshes.Load(), "no request with a known-dead connection")
	requireNoSecrets(t, e.logs.String(), old, cur)
}

// TestConcurrentRefreshOneRequest: 100 goroutines on an expired connection
// cause exactly one token request.
func TestConcurrentRefreshOneRequest(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.connect(t)
	e.expire(t)
	tokens := hammer(t, 100, func(i int) *oauth.TokenSource { return e.conn.TokenSource(e.org, e.in.ID) })
	require.Equal(t, int64(1), e.as.refreshes.Load())
	require.Len(t, tokens, 1, "everyone got the same new token")
	require.Equal(t, e.stored(t).AccessToken, tokens[0])
}

// TestConcurrentRefreshAcrossPools: two Stores with separate PostgreSQL
// pools (two hosts), 50 goroutines each, one token request.
func TestConcurrentRefreshAcrossPools(t *testing.T) {
	t.Parallel()
	ring := newRing(t)
	_, dsn := pgtest.Schema(t)
	open := func() *postgres.Store {
		s, err := postgres.New(pgtest.PoolOn(t, dsn), &postgres.Config{Sealer: ring})
		require.NoError(t, err)
		require.NoError(t, s.Migrate(t.Context()))
		return s
	}
	a, b := open(), open()
	e := setupOn(t, a)
	e.connect(t)
	hostB := e.newConnector(t, b)
	e.expire(t)
	tokens := hammer(t, 100, func(i int) *oauth.TokenSource {
		if i%2 == 0 {
			return e.conn.TokenSource(e.org, e.in.ID)
		}
		return hostB.TokenSource(e.org, e.in.ID)
	})
	require.Equal(t, int64(1), e.as.refreshes.Load())
	require.Len(t, tokens, 1)
	raw := dumpTokens(t, a)
	requireNoSecrets(t, raw, e.stored(t))
}

func dumpTokens(t *testing.T, s *postgres.Store) string {
	t.Helper()
	var out string
	err := s.Pool().QueryRow(t.Context(), `SELECT string_agg(t::text, E'\n') FROM oauth_tokens t`).Scan(&out)
	require.NoError(t, err)
	require.NotEmpty(t, out)
	return out
}

// hammer asks n goroutines for a token at once and returns the distinct
// access tokens they got.
func hammer(t *testing.T, n int, source func(i int) *oauth.TokenSource) []string {
	t.Helper()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		seen  = map[string]bool{}
		start = make(chan struct{})
	)
	for i := range n {
		ts := source(i)
		wg.Go(func() {
			<-start
			tok, err := ts.Token(t.Context())
			require.NoError(t, err)
			mu.Lock()
			seen[tok.AccessToken] = true
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	return out
}

// TestTransientFailuresRetried: 503 and 429 from the token endpoint are
// retried with backoff and do not mark the connection broken.
func TestTransientFailuresRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			e.connect(t)
			e.expire(t)
			e.as.failRefreshes(status, 2)
			_, err := e.conn.TokenSource(e.org, e.in.ID).Token(e.ctx)
			require.NoError(t, err)
			require.Equal(t, int64(3), e.as.refreshes.Load(), "two failures, then success")
			require.Equal(t, storage.IntegrationActive, e.integration(t).Status)
		})
	}
	t.Run("GivesUpTransient", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		before := e.connect(t)
		e.expire(t)
		e.as.failRefreshes(http.StatusBadGateway, 100)
		_, err := e.conn.TokenSource(e.org, e.in.ID).Token(e.ctx)
		require.Error(t, err)
		require.True(t, retry.IsRetryable(err), "still transient: %v", err)
		require.False(t, oauth.NeedsReconnect(err))
		require.Equal(t, int64(retry.DefaultMaxRetries+1), e.as.refreshes.Load())
		require.Equal(t, storage.IntegrationActive, e.integration(t).Status)
		require.Equal(t, before.RefreshToken, e.stored(t).RefreshToken)
	})
}

// TestTransportRefreshesOn401: the provider revokes the access token; the
// client refreshes once and retries once.
func TestTransportRefreshesOn401(t *testing.T) {
	t.Parallel()
	e := setup(t)
	tok := e.connect(t)
	api := resourceServer(t, e)
	client := e.conn.Client(e.org, e.in.ID)
	resp, err := client.Post(api.URL, "text/plain", strings.NewReader("replayable body"))
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "the API accepts the token")

	revoke(t, e, tok.AccessToken)
	resp, err = client.Post(api.URL, "text/plain", strings.NewReader("replayable body"))
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, int64(1), e.as.refreshes.Load(), "one refresh")
	require.NotEqual(t, tok.AccessToken, e.stored(t).AccessToken)
}

// resourceServer is a provider API: it checks the bearer token at the
// provider's userinfo endpoint and answers 401 for a refused token, as RFC
// 6750 says (the example provider's userinfo itself answers 403), and
// requires the request body to arrive intact.
func resourceServer(t *testing.T, e *env) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, e.as.srv.URL+"/userinfo", nil)
		req.Header.Set("Authorization", r.Header.Get("Authorization"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		_ = resp.Body.Close()
		switch {
		case resp.StatusCode != http.StatusOK:
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			w.WriteHeader(http.StatusUnauthorized)
		case string(body) != "replayable body":
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func revoke(t *testing.T, e *env, token string) {
	t.Helper()
	form := "token=" + token + "&token_type_hint=access_token"
	req, err := http.NewRequest(http.MethodPost, e.as.srv.URL+"/revoke", strings.NewReader(form))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, clientSecret)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// TestProactiveRefresh: tokens nearing expiry are claimed and refreshed
// with no caller asking, once per lease.
func TestProactiveRefresh(t *testing.T) {
	t.Parallel()
	e := setup(t)
	before := e.connect(t)
	n, err := e.conn.RefreshExpiring(e.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n, "a five-minute token is within the ten-minute window")
	after := e.stored(t)
	require.Equal(t, before.Version+1, after.Version)
	require.NotEqual(t, before.RefreshToken, after.RefreshToken)

	n, err = e.conn.RefreshExpiring(e.ctx)
	require.NoError(t, err)
	require.Zero(t, n, "leased")
	e.clock.Advance(oauth.RefreshLeaseDefault)
	n, err = e.conn.RefreshExpiring(e.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, int64(2), e.as.refreshes.Load())
}
