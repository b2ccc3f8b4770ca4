package google_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	exstorage "github.com/zitadel/oidc/v3/example/server/storage"

	"github.com/intimeos/integrations/integration"
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

// TestOAuthPluginTokens is the must-show, through the host's real
// call path: the Google provider runs out of process, installed in the
// providers.Host of an integration.Manager whose oauth.Connector keeps the
// organization's connection in the Manager's store, connected to a real
// OAuth 2.0 server (zitadel/oidc's example OP, the authorization code flow
// with PKCE and rotated refresh tokens). The calendar integration is
// created through the Manager and called with the calendar package's typed
// helpers through integration.Caller. The token is refreshed mid-test when
// the injected clock passes its expiry; an access token the authorization
// server revoked makes the calendar API answer 401, and the Manager
// refreshes exactly once and retries exactly once; and the plugin process
// never receives a refresh token or the client secret, only the
// integration's settings and the access token of each call. It runs on
// SQLite and PostgreSQL.
func TestOAuthPluginTokens(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			testOAuthPluginTokens(t, b.open)
		})
	}
}

func testOAuthPluginTokens(t *testing.T, open func(*testing.T, func() time.Time) storage.Store) {
	w := newOAuthWorld(t, open)
	f := newFakeGoogle(t)
	f.accept = w.as.validAccess
	form := w.form(f.URL)
	ctx := t.Context()

	// 0. The admin adds the integration: validated by the plugin, saved,
	// and checked at once; it has no connection yet, so the check fails
	// without a call to the plugin. Connected, it is checked again.
	in, err := w.mgr.IntegrationCreate(ctx, &integration.CreateParams{OrganizationID: w.org,
		Type: integration.TypeCalendar, Provider: google.Name, Name: "Interview calendar", Settings: form})
	require.NoError(t, err)
	require.Equal(t, storage.IntegrationError, in.Status, "not connected yet")
	w.in = in.ID
	w.connect(t)
	refreshTokens := []string{w.stored(t).RefreshToken}
	tokA := w.stored(t).AccessToken
	checked, err := w.mgr.HealthCheckAll(ctx, w.org)
	require.NoError(t, err)
	require.Len(t, checked, 1)
	require.Equal(t, storage.IntegrationActive, checked[0].Status, checked[0].ErrorMessage)
	require.Equal(t, "Bearer "+tokA, f.Last().Auth, "the check authenticated with the connection's token")
	cal := integration.Caller(w.mgr, w.org, integration.TypeCalendar)

	// 1. Create with the token of the connection.
	rec, err := calendar.EventCreate(ctx, cal, interview())
	require.NoError(t, err)
	require.Equal(t, "Bearer "+tokA, f.Last().Auth)
	require.Zero(t, w.as.refreshes.Load())

	// 2. The clock passes the token's expiry: the host refreshes before
	// the call, the plugin gets the new token.
	w.clock.Advance(10 * time.Minute)
	_, err = calendar.EventUpdate(ctx, cal, &calendar.EventChange{EventID: rec.EventID, Location: new("Room 9")})
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
	_, err = calendar.EventCancel(ctx, cal, &calendar.EventCancellation{EventID: rec.EventID})
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
	// retry, then the provider's auth failure, which the Manager's retry
	// policy does not retry.
	f.accept = func(string) bool { return false }
	before = len(f.Requests())
	_, err = calendar.FreeBusyQuery(ctx, cal, &calendar.FreeBusyRequest{Start: start, End: end, Calendars: []string{"primary"}})
	require.Equal(t, providers.KindAuth, providers.KindOf(err))
	var ce *integration.CallError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, 1, ce.Attempts, "no retry by the Manager's policy on an auth failure")
	require.Equal(t, int64(3), w.as.refreshes.Load())
	require.Len(t, f.Requests()[before:], 2, "the call and exactly one retry")
	refreshTokens = append(refreshTokens, w.stored(t).RefreshToken)
	tokD := w.stored(t).AccessToken

	// What the plugin process received.
	got := readReceived(t, w.recorded)
	var calls, tokens []string
	for _, r := range got {
		calls = append(calls, r.Method+" "+r.Op)
		tokens = append(tokens, r.Settings[providers.SettingAccessToken])
		requireOnlyIntegrationSettings(t, form, r, refreshTokens)
	}
	require.Equal(t, []string{"Validate ", "Check ", "Do " + calendar.OpEventCreate, "Do " + calendar.OpEventUpdate,
		"Do " + calendar.OpEventCancel, "Do " + calendar.OpEventCancel, "Do " + calendar.OpFreeBusy,
		"Do " + calendar.OpFreeBusy}, calls)
	require.Equal(t, []string{"", tokA, tokA, tokB, tokB, tokC, tokC, tokD}, tokens)
}

// requireOnlyIntegrationSettings asserts that a call the plugin received
// carried the integration's settings (the form less the OAuth client
// secret), the optional fields' defaults and, with a check or an
// operation, the access token and its type: nothing else, and no refresh
// token anywhere.
func requireOnlyIntegrationSettings(t *testing.T, form providers.Settings, r received, refreshTokens []string) {
	t.Helper()
	info, err := google.New(nil).Info(t.Context())
	require.NoError(t, err)
	want := maps.Clone(form)
	delete(want, oauth.FieldClientSecret)
	for _, fd := range info.Fields {
		if _, ok := want[fd.Name]; !ok && fd.Default != "" {
			want[fd.Name] = fd.Default
		}
	}
	switch r.Method {
	case "Validate":
	case "Check", "Do":
		tok := r.Settings[providers.SettingAccessToken]
		require.NotEmpty(t, tok, "%s %s had a token", r.Method, r.Op)
		want[providers.SettingAccessToken] = tok
		want[providers.SettingTokenType] = "Bearer"
	default:
		require.Fail(t, "the plugin ran only what the host asked for", "%s", r.Method)
	}
	require.Equal(t, want, r.Settings, "%s %s", r.Method, r.Op)
	for k, v := range r.Settings {
		require.NotContains(t, v, clientSecret, "the client secret crossed to the plugin under %s", k)
		for _, rt := range refreshTokens {
			require.NotEmpty(t, rt)
			require.NotContains(t, v, rt, "a refresh token crossed to the plugin under %s", k)
		}
	}
}

// oauthWorld is an organization's calendar integration as a host runs it:
// a store, the authorization server, the host's connect handler, a
// Connector and an integration.Manager on an injected clock, and the
// recording Google plugin installed in the Manager's providers.Host.
type oauthWorld struct {
	clock    *clock
	store    storage.Store
	as       *authServer
	host     *httptest.Server
	conn     *oauth.Connector
	mgr      *integration.Manager
	recorded string
	org      uuid.UUID
	in       uuid.UUID
}

func newOAuthWorld(t *testing.T, open func(*testing.T, func() time.Time) storage.Store) *oauthWorld {
	t.Helper()
	w := &oauthWorld{clock: &clock{t: time.Now().UTC().Truncate(time.Second)}, org: uuid.New()}
	w.store = open(t, w.clock.Now)
	var h http.Handler
	w.host = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { h.ServeHTTP(rw, r) }))
	t.Cleanup(w.host.Close)
	w.as = newAuthServer(t, oauth.RedirectURI(w.host.URL, oauth.ProviderCustom))
	var err error
	w.conn, err = oauth.New(w.store, &oauth.Config{BaseURL: w.host.URL, Clock: w.clock.Now,
		Settings: integration.StoredOAuthSettings})
	require.NoError(t, err)
	h = w.conn.Handler(&oauth.HandlerOpts{Authenticate: func(*http.Request) (uuid.UUID, *uuid.UUID, error) {
		return w.org, nil, nil
	}})
	ph, err := providers.NewHost(nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, ph.Close()) })
	w.recorded = recordedPlugin(t, ph)
	// No health-check scheduler: the checks are the test's own, so that
	// the plugin's calls come in a known order.
	w.mgr, err = integration.New(&integration.Config{Store: w.store, Providers: ph, OAuth: w.conn, Clock: w.clock.Now,
		NoHealthCheckScheduler: true})
	require.NoError(t, err)
	require.NoError(t, w.mgr.Start(t.Context()))
	t.Cleanup(func() { require.NoError(t, w.mgr.Stop(context.Background())) })
	return w
}

// form is the admin's form of the calendar integration: the provider's
// fields (the optional ones left out) and the OAuth form's.
func (w *oauthWorld) form(api string) providers.Settings {
	return providers.Settings{google.FieldCalendarID: "primary", google.FieldBaseURL: api,
		oauth.FieldProvider: oauth.ProviderCustom, oauth.FieldClientID: clientID, oauth.FieldClientSecret: clientSecret,
		oauth.FieldScopes: "openid,profile", oauth.FieldIssuerURL: w.as.srv.URL}
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
	resp, err := b.Get(w.host.URL + "/oauth/start/" + w.in.String())
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
	tok, err := w.store.OAuthTokenGetByIntegration(context.Background(), w.org, w.in)
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
	open func(*testing.T, func() time.Time) storage.Store
}{
	{"SQLite", func(t *testing.T, now func() time.Time) storage.Store {
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "intime.db"),
			&sqlite.Config{Sealer: newRing(t), Clock: now})
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, s.Close()) })
		return s
	}},
	{"PostgreSQL", func(t *testing.T, now func() time.Time) storage.Store {
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
