package oauth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
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

	"github.com/cenkalti/backoff/v4"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	exstorage "github.com/zitadel/oidc/v3/example/server/storage"
	zop "github.com/zitadel/oidc/v3/pkg/op"

	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/sqlite"
)

const (
	clientID     = "intime-test-client"
	clientSecret = "client-secret-9f8e7d"
)

// clock is an injectable clock that tests move by hand.
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

// authServer is zitadel/oidc's example OpenID Provider on an httptest
// server: authorization code with PKCE, refresh tokens with rotation. It
// counts token requests and can answer refreshes with injected failures.
type authServer struct {
	srv        *httptest.Server
	refreshes  atomic.Int64
	exchanges  atomic.Int64
	failStatus atomic.Int64 // status for the next failFor refresh requests
	failFor    atomic.Int64
}

func newAuthServer(t *testing.T, redirectURI string, accessTTL time.Duration) *authServer {
	as := &authServer{}
	var op http.Handler
	as.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if as.intercept(w, r) {
			return
		}
		op.ServeHTTP(w, r)
	}))
	t.Cleanup(as.srv.Close)
	clients := map[string]*exstorage.Client{clientID: exstorage.WebClient(clientID, clientSecret, redirectURI)}
	var st exampleop.Storage = exstorage.NewStorageWithClients(exstorage.NewUserStore(as.srv.URL), clients)
	if accessTTL > 0 {
		st = lifetime{Storage: st.(*exstorage.Storage), ttl: accessTTL}
	}
	op = exampleop.SetupServer(as.srv.URL, st, nil, false)
	return as
}

// lifetime configures the example provider's access token lifetime (five
// minutes in its storage): the token responses declare ttl, as a server
// configured with short-lived tokens does.
type lifetime struct {
	*exstorage.Storage
	ttl time.Duration
}

func (l lifetime) CreateAccessToken(ctx context.Context, r zop.TokenRequest) (string, time.Time, error) {
	id, _, err := l.Storage.CreateAccessToken(ctx, r)
	return id, time.Now().Add(l.ttl), err
}

func (l lifetime) CreateAccessAndRefreshTokens(ctx context.Context, r zop.TokenRequest, current string) (string, string, time.Time, error) {
	id, refresh, _, err := l.Storage.CreateAccessAndRefreshTokens(ctx, r, current)
	return id, refresh, time.Now().Add(l.ttl), err
}

// intercept counts token requests and injects failures for refreshes.
func (as *authServer) intercept(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path != "/oauth/token" {
		return false
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	switch form.Get("grant_type") {
	case "authorization_code":
		as.exchanges.Add(1)
	case "refresh_token":
		as.refreshes.Add(1)
		if as.failFor.Add(-1) >= 0 {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(int(as.failStatus.Load()))
			_, _ = w.Write([]byte(`{"error":"temporarily_unavailable"}`))
			return true
		}
	}
	return false
}

func (as *authServer) failRefreshes(status, n int) {
	as.failStatus.Store(int64(status))
	as.failFor.Store(int64(n))
}

// env is one test's world: a store, an authorization server, the host's
// handler and a Connector.
type env struct {
	ctx     context.Context
	store   oauth.Store
	clock   *clock
	as      *authServer
	host    *httptest.Server
	conn    *oauth.Connector
	org     uuid.UUID
	user    uuid.UUID
	in      *storage.Integration
	logs    *syncBuffer
	dbPath  string
	baseURL string
	opts    envOpts
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newRing(t *testing.T) *secret.Keyring {
	t.Helper()
	k, err := secret.GenerateKey("test")
	require.NoError(t, err)
	ring, err := secret.NewKeyring(k)
	require.NoError(t, err)
	return ring
}

func openSQLite(t *testing.T, clock func() time.Time) (oauth.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "intime.db")
	s, err := sqlite.Open(t.Context(), path, &sqlite.Config{Sealer: newRing(t), Clock: clock})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s, path
}

// openPostgres opens a Store on a schema of its own.
func openPostgres(t *testing.T, clock func() time.Time) oauth.Store {
	t.Helper()
	_, dsn := pgtest.Schema(t)
	s, err := postgres.New(pgtest.PoolOn(t, dsn), &postgres.Config{Sealer: newRing(t), Clock: clock})
	require.NoError(t, err)
	require.NoError(t, s.Migrate(t.Context()))
	return s
}

// backend opens a store on a clock.
type backend struct {
	name string
	open func(t *testing.T, clock func() time.Time) oauth.Store
}

// backends are the stores the tests of stored state run on.
var backends = []backend{
	{"SQLite", func(t *testing.T, clock func() time.Time) oauth.Store { s, _ := openSQLite(t, clock); return s }},
	{"PostgreSQL", openPostgres},
}

// onBackends runs test in parallel subtests on SQLite and on PostgreSQL,
// each in an env of its own built with o.
func onBackends(t *testing.T, o envOpts, test func(t *testing.T, e *env)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			o := o
			o.backend = &b
			test(t, setupWith(t, o))
		})
	}
}

// envOpts vary a test's world; the zero value is the default one.
type envOpts struct {
	// backend stores the env's data; nil means SQLite.
	backend *backend
	// store is a store opened already (its clock is its own); it takes
	// precedence over backend.
	store oauth.Store
	// accessTTL is the authorization server's access token lifetime; 0
	// means the example provider's five minutes.
	accessTTL time.Duration
	// settings edits the integration's settings; issuer is the
	// authorization server's URL.
	settings func(s *oauth.Settings, issuer string)
	// config edits the Connector's configuration.
	config func(*oauth.Config)
}

// setup builds an env on SQLite.
func setup(t *testing.T) *env { return setupWith(t, envOpts{}) }

// setupOn builds an env on the given store.
func setupOn(t *testing.T, s oauth.Store) *env { return setupWith(t, envOpts{store: s}) }

// setupWith builds an env. The store shares the env's clock, so that the
// rows' timestamps and the Connector agree.
func setupWith(t *testing.T, o envOpts) *env {
	t.Helper()
	e := &env{ctx: t.Context(), clock: &clock{t: time.Now().UTC().Truncate(time.Second)}, org: uuid.New(), user: uuid.New(), logs: &syncBuffer{}, opts: o}
	switch {
	case o.store != nil:
		e.store = o.store
	case o.backend != nil:
		e.store = o.backend.open(t, e.clock.Now)
	default:
		e.store, e.dbPath = openSQLite(t, e.clock.Now)
	}
	var h http.Handler
	e.host = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(e.host.Close)
	e.baseURL = e.host.URL
	e.as = newAuthServer(t, oauth.RedirectURI(e.baseURL, oauth.ProviderCustom), o.accessTTL)
	e.conn = e.newConnector(t, e.store)
	h = e.conn.Handler(&oauth.HandlerOpts{Authenticate: func(*http.Request) (uuid.UUID, *uuid.UUID, error) {
		return e.org, &e.user, nil
	}})
	settings := oauth.Settings{
		Provider: oauth.ProviderCustom, ClientID: clientID, ClientSecret: clientSecret,
		Scopes: []string{"openid", "profile"}, IssuerURL: e.as.srv.URL,
	}
	if o.settings != nil {
		o.settings(&settings, e.as.srv.URL)
	}
	cfg, err := json.Marshal(&settings)
	require.NoError(t, err)
	e.in, err = e.store.IntegrationCreate(e.ctx, &storage.IntegrationCreateParams{
		OrganizationID: e.org, Type: "calendar", Provider: oauth.ProviderCustom, Name: "Test OP", Config: cfg,
	})
	require.NoError(t, err)
	return e
}

// newConnector returns a Connector on s sharing the env's clock, base URL
// and log buffer: another host.
func (e *env) newConnector(t *testing.T, s oauth.Store) *oauth.Connector {
	t.Helper()
	cfg := &oauth.Config{
		BaseURL:    e.baseURL,
		Clock:      e.clock.Now,
		Logger:     slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		RetryTimer: func() backoff.Timer { return &instantTimer{} },
	}
	if e.opts.config != nil {
		e.opts.config(cfg)
	}
	c, err := oauth.New(s, cfg)
	require.NoError(t, err)
	return c
}

// instantTimer fires at once: retries without sleeping.
type instantTimer struct{ c chan time.Time }

func (f *instantTimer) Start(time.Duration) {
	f.c = make(chan time.Time, 1)
	f.c <- time.Now()
}
func (f *instantTimer) Stop()               {}
func (f *instantTimer) C() <-chan time.Time { return f.c }

// browser is a user agent with cookies.
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar}
}

// login follows the start URL to the provider's login form and submits it;
// it stops before the redirect to the host's callback, whose URL it returns.
func (e *env) login(t *testing.T, startURL string) *url.URL {
	t.Helper()
	b := browser(t)
	var callback *url.URL
	b.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), e.baseURL+"/oauth/callback/") {
			callback = req.URL
			return http.ErrUseLastResponse
		}
		return nil
	}
	resp, err := b.Get(startURL)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "login page")
	id := resp.Request.URL.Query().Get("authRequestID")
	require.NotEmpty(t, id, "the provider showed its login form")
	resp, err = b.PostForm(e.as.srv.URL+"/login/username", url.Values{
		"id": {id}, "username": {"test-user2"}, "password": {"verysecure"},
	})
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.NotNil(t, callback, "the provider redirected to the callback")
	return callback
}

// get requests a URL without following redirects.
func get(t *testing.T, u string) (int, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// connect runs the whole flow as a browser would and returns the token.
func (e *env) connect(t *testing.T) *storage.OAuthToken {
	t.Helper()
	cb := e.login(t, e.host.URL+"/oauth/start/"+e.in.ID.String())
	status, body := get(t, cb.String())
	require.Equal(t, http.StatusOK, status, body)
	tok, err := e.store.OAuthTokenGetByIntegration(e.ctx, e.org, e.in.ID)
	require.NoError(t, err)
	return tok
}

func (e *env) integration(t *testing.T) *storage.Integration {
	t.Helper()
	in, err := e.store.IntegrationGet(e.ctx, e.org, e.in.ID)
	require.NoError(t, err)
	return in
}

func (e *env) stored(t *testing.T) *storage.OAuthToken {
	t.Helper()
	tok, err := e.store.OAuthTokenGetByIntegration(e.ctx, e.org, e.in.ID)
	require.NoError(t, err)
	return tok
}
