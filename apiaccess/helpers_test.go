package apiaccess_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/intimeos/integrations/apiaccess"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/sqlite"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// database is one test database that several stores, each on its own
// pool (as separate host processes would be), can open.
type database struct {
	name string
	// open opens another store on the same database, with clock.
	open func(t testing.TB, clock func() time.Time) storage.Store
}

// backends make a fresh database per call.
var backends = []struct {
	name string
	new  func(t testing.TB) *database
}{
	{"sqlite", func(t testing.TB) *database {
		path := filepath.Join(t.TempDir(), "intime.db")
		ring := newRing(t)
		return &database{name: "sqlite", open: func(t testing.TB, clock func() time.Time) storage.Store {
			return openSQLite(t, path, ring, clock)
		}}
	}},
	{"postgres", func(t testing.TB) *database {
		_, dsn := pgtest.Schema(t)
		ring := newRing(t)
		return &database{name: "postgres", open: func(t testing.TB, clock func() time.Time) storage.Store {
			return openPostgres(t, dsn, ring, clock)
		}}
	}},
}

// eachBackend runs fn as a parallel subtest per backend.
func eachBackend(t *testing.T, fn func(t *testing.T, db *database)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fn(t, b.new(t))
		})
	}
}

func newRing(t testing.TB) *secret.Keyring {
	t.Helper()
	k, err := secret.GenerateKey("test")
	require.NoError(t, err)
	ring, err := secret.NewKeyring(k)
	require.NoError(t, err)
	return ring
}

// openSQLite and openPostgres are the only places that know the stores'
// constructors.
func openSQLite(t testing.TB, path string, ring *secret.Keyring, clock func() time.Time) storage.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, &sqlite.Config{Sealer: ring, Clock: clock})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func openPostgres(t testing.TB, dsn string, ring *secret.Keyring, clock func() time.Time) storage.Store {
	t.Helper()
	s, err := postgres.New(pgtest.PoolOn(t, dsn), &postgres.Config{Sealer: ring, Clock: clock})
	require.NoError(t, err)
	require.NoError(t, s.Migrate(context.Background()))
	return s
}

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

// newClock starts at 10:30:15 so that minute and hour windows are under way.
func newClock() *clock { return &clock{now: time.Date(2024, 12, 4, 10, 30, 15, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// host is one Service on its own store, as one host process.
type host struct {
	svc     *apiaccess.Service
	store   storage.Store
	handler http.Handler
}

// bundle is what setup returns.
type bundle struct {
	ctx   context.Context
	db    *database
	clock *clock
	org   uuid.UUID
	hosts []*host
}

func (b *bundle) svc() *apiaccess.Service { return b.hosts[0].svc }

// setup opens n hosts on one fresh database, all on one clock. cfg may be
// nil; Clock is set to the bundle's clock.
func setup(t *testing.T, db *database, n int, cfg *apiaccess.Config) *bundle {
	t.Helper()
	b := &bundle{ctx: context.Background(), db: db, clock: newClock(), org: uuid.New()}
	for range n {
		b.addHost(t, cfg)
	}
	return b
}

func (b *bundle) addHost(t *testing.T, cfg *apiaccess.Config) *host {
	t.Helper()
	c := apiaccess.Config{}
	if cfg != nil {
		c = *cfg
	}
	c.Clock = b.clock.Now
	st := b.db.open(t, b.clock.Now)
	svc, err := apiaccess.New(st, &c)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, svc.Stop(context.Background())) })
	h := &host{svc: svc, store: st, handler: svc.Middleware(testMux())}
	b.hosts = append(b.hosts, h)
	return h
}

// testMux is a host API: it answers with the caller's organization, and
// /api/fail/{code} with that status.
func testMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/jobs/{id}", func(w http.ResponseWriter, r *http.Request) {
		p, _ := apiaccess.PrincipalFrom(r.Context())
		_ = json.NewEncoder(w).Encode(map[string]string{"org": p.OrganizationID.String(), "job": r.PathValue("id")})
	})
	mux.HandleFunc("GET /api/candidates/search", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("POST /api/fail/{code}", func(w http.ResponseWriter, r *http.Request) {
		code := 500
		_ = json.Unmarshal([]byte(r.PathValue("code")), &code)
		w.WriteHeader(code)
	})
	mux.Handle("GET /api/admin/", apiaccess.RequireScopes("admin")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	return mux
}

// mustToken creates a token in org; edit may change the params.
func (b *bundle) mustToken(t *testing.T, org uuid.UUID, edit func(*apiaccess.TokenCreateParams)) *apiaccess.CreatedToken {
	t.Helper()
	p := &apiaccess.TokenCreateParams{OrganizationID: org, Name: "CI", Scopes: []string{"jobs:read"}}
	if edit != nil {
		edit(p)
	}
	tok, err := b.svc().TokenCreate(b.ctx, p)
	require.NoError(t, err)
	return tok
}

// do sends one request through h's middleware.
func (h *host) do(method, path, token string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.handler.ServeHTTP(w, r)
	return w
}

// errorBody is the middleware's JSON error.
type errorBody struct {
	Error      string `json:"error"`
	Message    string `json:"message"`
	Detail     string `json:"detail"`
	Limit      string `json:"limit"`
	RetryAfter int    `json:"retry_after"`
}

func decodeError(t *testing.T, w *httptest.ResponseRecorder) errorBody {
	t.Helper()
	require.Equal(t, "application/json", w.Header().Get("Content-Type"))
	var e errorBody
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &e), w.Body.String())
	return e
}

func decodeBody(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
}

func newOrg() uuid.UUID { return uuid.New() }
