package google_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	exstorage "github.com/zitadel/oidc/v3/example/server/storage"

	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/calendar"
	"github.com/intimeos/integrations/providers/google"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/sqlite"
)

const (
	clientID     = "intime-calendar-client"
	clientSecret = "client-secret-5c4b3a"
)

// TestOAuthPluginTokens is the must-show: the Google provider runs
// out of process; the host takes its token from a real oauth.Connector
// connected to a real OAuth 2.0 server (zitadel/oidc's example OP, the
// authorization code flow with PKCE and rotated refresh tokens); the token
// is refreshed mid-test when the injected clock passes its expiry; an
// access token the authorization server revoked makes the calendar API
// answer 401, and the host refreshes exactly once and retries exactly once;
// and the plugin process never receives a refresh token or the client
// secret, only the access token of each call. It runs on SQLite and
// PostgreSQL.
func TestOAuthPluginTokens(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			testOAuthPluginTokens(t, b.open)
		})
	}
}

func testOAuthPluginTokens(t *testing.T, open func(*testing.T, func() time.Time) oauth.Store) {
	w := newOAuthWorld(t, open)
	w.connect(t)
	f := newFakeGoogle(t)
	f.accept = w.as.validAccess
	p, recorded := recordedPlugin(t)
	host := &tokenHost{p: p, src: w.conn.TokenSource(w.org, w.in.ID),
		settings: providers.Settings{google.FieldCalendarID: "primary", google.FieldBaseURL: f.URL}}
	ctx := t.Context()
	refreshTokens := []string{w.stored(t).RefreshToken}
	tokA := w.stored(t).AccessToken

	// 1. Create with the token of the connection.
	rec, err := calendar.EventCreate(ctx, host, interview())
	require.NoError(t, err)
	require.Equal(t, "Bearer "+tokA, f.Last().Auth)

	// 2. The clock passes the token's expiry: the host refreshes before
	// the call, the plugin gets the new token.
	w.clock.Advance(10 * time.Minute)
	_, err = calendar.EventUpdate(ctx, host, &calendar.EventChange{EventID: rec.EventID, Location: new("Room 9")})
	require.NoError(t, err)
	require.Equal(t, int64(1), w.as.refreshes.Load(), "one refresh on expiry")
	tokB := w.stored(t).AccessToken
	refreshTokens = append(refreshTokens, w.stored(t).RefreshToken)
	require.NotEqual(t, tokA, tokB)
	require.Equal(t, "Bearer "+tokB, f.Last().Auth)

	// 3. The authorization server revokes the access token, which the host
	// still holds as valid: the calendar API answers 401, the host
	// refreshes once and retries once.
	w.as.revoke(t, tokB)
	before := len(f.Requests())
	_, err = calendar.EventCancel(ctx, host, &calendar.EventCancellation{EventID: rec.EventID})
	require.NoError(t, err)
	require.Equal(t, int64(2), w.as.refreshes.Load(), "exactly one refresh after the 401")
	tokC := w.stored(t).AccessToken
	refreshTokens = append(refreshTokens, w.stored(t).RefreshToken)
	deletes := f.Requests()[before:]
	require.Len(t, deletes, 2, "the call and exactly one retry")
	require.Equal(t, "Bearer "+tokB, deletes[0].Auth)
	require.Equal(t, "Bearer "+tokC, deletes[1].Auth)
	require.Equal(t, "cancelled", f.Event("primary", rec.EventID).Status)

	// 4. A token the API refuses whatever the refresh: one refresh, one
	// retry, then the provider's auth failure.
	f.accept = func(string) bool { return false }
	_, err = calendar.FreeBusyQuery(ctx, host, &calendar.FreeBusyRequest{Start: start, End: end, Calendars: []string{"primary"}})
	require.Equal(t, providers.KindAuth, providers.KindOf(err))
	require.Equal(t, int64(3), w.as.refreshes.Load())
	refreshTokens = append(refreshTokens, w.stored(t).RefreshToken)
	tokD := w.stored(t).AccessToken

	// What the plugin process received: the access token of each call,
	// nothing of the connection's secrets.
	got := readReceived(t, recorded)
	var ops, tokens []string
	for _, r := range got {
		require.Equal(t, "Do", r.Method)
		ops = append(ops, r.Op)
		tokens = append(tokens, r.Settings[providers.SettingAccessToken])
		// The integration's settings, the optional fields' defaults the
		// plugin fills in itself, and the access token: nothing else.
		require.ElementsMatch(t, []string{google.FieldCalendarID, google.FieldBaseURL, google.FieldTimeZone,
			google.FieldSendUpdates, providers.SettingAccessToken}, slices.Collect(maps.Keys(r.Settings)))
		for _, v := range r.Settings {
			require.NotContains(t, v, clientSecret)
			for _, rt := range refreshTokens {
				require.NotEmpty(t, rt)
				require.NotContains(t, v, rt, "a refresh token crossed to the plugin")
			}
		}
	}
	require.Equal(t, []string{calendar.OpEventCreate, calendar.OpEventUpdate, calendar.OpEventCancel, calendar.OpEventCancel,
		calendar.OpFreeBusy, calendar.OpFreeBusy}, ops)
	require.Equal(t, []string{tokA, tokB, tokB, tokC, tokC, tokD}, tokens)
	require.Equal(t, int64(6), host.calls.Load())
}

// tokenHost is the host side of an OAuth-backed provider call, reduced to
// what this test needs (the integration Manager's call path does the same
// with quota, retry policy and recording): it adds the connection's access
// token to a copy of the settings for each call and, when the provider
// answers with an auth failure, asks the token source for a token other
// than the rejected one (one refresh) and calls once more. The refresh
// token stays here.
type tokenHost struct {
	p        providers.Provider
	src      *oauth.TokenSource
	settings providers.Settings
	calls    atomic.Int64
}

var _ providers.Caller = (*tokenHost)(nil)

func (h *tokenHost) Call(ctx context.Context, op *providers.Operation) (*providers.Result, error) {
	tok, err := h.src.Token(ctx)
	if err != nil {
		return nil, providers.AuthFailed(err)
	}
	res, err := h.do(ctx, tok.AccessToken, op)
	if providers.KindOf(err) != providers.KindAuth {
		return res, err
	}
	fresh, rerr := h.src.TokenRejected(ctx, tok)
	if rerr != nil {
		return nil, err
	}
	return h.do(ctx, fresh.AccessToken, op)
}

func (h *tokenHost) do(ctx context.Context, access string, op *providers.Operation) (*providers.Result, error) {
	h.calls.Add(1)
	s := maps.Clone(h.settings)
	s[providers.SettingAccessToken] = access
	return h.p.Do(ctx, s, op)
}

// oauthWorld is an organization's OAuth connection: a store, the
// authorization server, the host's connect handler and a Connector on an
// injected clock.
type oauthWorld struct {
	clock *clock
	store oauth.Store
	as    *authServer
	host  *httptest.Server
	conn  *oauth.Connector
	org   uuid.UUID
	in    *storage.Integration
}

func newOAuthWorld(t *testing.T, open func(*testing.T, func() time.Time) oauth.Store) *oauthWorld {
	t.Helper()
	w := &oauthWorld{clock: &clock{t: time.Now().UTC().Truncate(time.Second)}, org: uuid.New()}
	w.store = open(t, w.clock.Now)
	var h http.Handler
	w.host = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { h.ServeHTTP(rw, r) }))
	t.Cleanup(w.host.Close)
	w.as = newAuthServer(t, oauth.RedirectURI(w.host.URL, oauth.ProviderCustom))
	var err error
	w.conn, err = oauth.New(w.store, &oauth.Config{BaseURL: w.host.URL, Clock: w.clock.Now})
	require.NoError(t, err)
	h = w.conn.Handler(&oauth.HandlerOpts{Authenticate: func(*http.Request) (uuid.UUID, *uuid.UUID, error) {
		return w.org, nil, nil
	}})
	cfg, err := json.Marshal(&oauth.Settings{Provider: oauth.ProviderCustom, ClientID: clientID,
		ClientSecret: clientSecret, Scopes: []string{"openid", "profile"}, IssuerURL: w.as.srv.URL})
	require.NoError(t, err)
	w.in, err = w.store.IntegrationCreate(t.Context(), &storage.IntegrationCreateParams{OrganizationID: w.org,
		Type: google.IntegrationType, Provider: oauth.ProviderCustom, Name: "Interview calendar", Config: cfg})
	require.NoError(t, err)
	return w
}

// connect runs the connect flow as a browser does: start, log in at the
// authorization server, follow the redirect to the host's callback.
func (w *oauthWorld) connect(t *testing.T) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	var callback string
	b := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), w.host.URL+"/oauth/callback/") {
			callback = req.URL.String()
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := b.Get(w.host.URL + "/oauth/start/" + w.in.ID.String())
	require.NoError(t, err)
	_ = resp.Body.Close()
	id := resp.Request.URL.Query().Get("authRequestID")
	require.NotEmpty(t, id, "the authorization server showed its login form")
	resp, err = b.PostForm(w.as.srv.URL+"/login/username", url.Values{
		"id": {id}, "username": {"test-user2"}, "password": {"verysecure"}})
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.NotEmpty(t, callback, "redirected to the callback")
	resp, err = http.Get(callback)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	require.NotEmpty(t, w.stored(t).RefreshToken, "the connection has a refresh token")
}

// stored reads the connection's tokens as the host holds them.
func (w *oauthWorld) stored(t *testing.T) *storage.OAuthToken {
	t.Helper()
	tok, err := w.store.OAuthTokenGetByIntegration(context.Background(), w.org, w.in.ID)
	require.NoError(t, err)
	return tok
}

// authServer is zitadel/oidc's example OpenID Provider on an httptest
// server, counting refresh requests.
type authServer struct {
	srv       *httptest.Server
	refreshes atomic.Int64
}

func newAuthServer(t *testing.T, redirectURI string) *authServer {
	as := &authServer{}
	var op http.Handler
	as.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if form, _ := url.ParseQuery(string(body)); form.Get("grant_type") == "refresh_token" {
				as.refreshes.Add(1)
			}
		}
		op.ServeHTTP(w, r)
	}))
	t.Cleanup(as.srv.Close)
	clients := map[string]*exstorage.Client{clientID: exstorage.WebClient(clientID, clientSecret, redirectURI)}
	st := exstorage.NewStorageWithClients(exstorage.NewUserStore(as.srv.URL), clients)
	op = exampleop.SetupServer(as.srv.URL, st, slog.New(slog.DiscardHandler), false)
	return as
}

// validAccess reports whether the authorization server accepts token at
// its userinfo endpoint: how the fake calendar API checks tokens.
func (as *authServer) validAccess(token string) bool {
	req, err := http.NewRequest(http.MethodGet, as.srv.URL+"/userinfo", nil)
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// revoke revokes an access token at the authorization server (RFC 7009).
func (as *authServer) revoke(t *testing.T, token string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, as.srv.URL+"/revoke",
		strings.NewReader(url.Values{"token": {token}, "token_type_hint": {"access_token"}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, clientSecret)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.False(t, as.validAccess(token), "revoked")
}

// clock is an injectable clock that the test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

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

// backends are the stores the connection is kept in.
var backends = []struct {
	name string
	open func(*testing.T, func() time.Time) oauth.Store
}{
	{"SQLite", func(t *testing.T, now func() time.Time) oauth.Store {
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "intime.db"),
			&sqlite.Config{Sealer: newRing(t), Clock: now})
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, s.Close()) })
		return s
	}},
	{"PostgreSQL", func(t *testing.T, now func() time.Time) oauth.Store {
		_, dsn := pgtest.Schema(t)
		s, err := postgres.New(pgtest.PoolOn(t, dsn), &postgres.Config{Sealer: newRing(t), Clock: now})
		require.NoError(t, err)
		require.NoError(t, s.Migrate(t.Context()))
		return s
	}},
}

func newRing(t *testing.T) *secret.Keyring {
	t.Helper()
	k, err := secret.GenerateKey("test")
	require.NoError(t, err)
	ring, err := secret.NewKeyring(k)
	require.NoError(t, err)
	return ring
}
