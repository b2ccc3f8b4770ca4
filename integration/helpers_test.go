package integration_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/sqlite"
)

// clock is an injectable clock that tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2031, time.May, 6, 10, 0, 0, 0, time.UTC)}
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

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func newRing(t testing.TB) *secret.Keyring {
	t.Helper()
	k, err := secret.GenerateKey("test")
	require.NoError(t, err)
	ring, err := secret.NewKeyring(k)
	require.NoError(t, err)
	return ring
}

// opener opens a fresh, migrated store for a test.
type opener func(t testing.TB, clock func() time.Time) storage.Store

func openSQLite(t testing.TB, clock func() time.Time) storage.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "intime.db"),
		&sqlite.Config{Sealer: newRing(t), Clock: clock})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

func openPostgres(t testing.TB, clock func() time.Time) storage.Store {
	t.Helper()
	_, dsn := pgtest.Schema(t)
	return postgresOn(t, dsn, clock, newRing(t))
}

// postgresOn opens a store on its own pool on dsn: another host.
func postgresOn(t testing.TB, dsn string, clock func() time.Time, ring *secret.Keyring) *postgres.Store {
	t.Helper()
	s, err := postgres.New(pgtest.PoolOn(t, dsn), &postgres.Config{Sealer: ring, Clock: clock})
	require.NoError(t, err)
	require.NoError(t, s.Migrate(context.Background()))
	return s
}

// backends runs fn on SQLite and on PostgreSQL, in parallel subtests.
func backends(t *testing.T, fn func(t *testing.T, open opener)) {
	t.Helper()
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		fn(t, openSQLite)
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		t.Parallel()
		pgtest.DSN(t)
		fn(t, openPostgres)
	})
}

// env is one test's world.
type env struct {
	ctx   context.Context
	clock *clock
	store storage.Store
	host  *providers.Host
	mgr   *integration.Manager
	org   uuid.UUID
	// started reports whether mgr runs its background work; stopped, it
	// writes each record at once.
	started bool
	conn    *oauth.Connector
	// waits are the retry waits the Manager asked for, in order.
	waitMu sync.Mutex
	waits  []time.Duration
}

// timers returns a retry timer that fires at once after moving the
// clock by the wait: retries without sleeping, as the clock sees them.
func (e *env) timers() backoff.Timer { return &clockTimer{e: e} }

type clockTimer struct {
	e *env
	c chan time.Time
}

func (f *clockTimer) Start(d time.Duration) {
	f.e.waitMu.Lock()
	f.e.waits = append(f.e.waits, d)
	f.e.waitMu.Unlock()
	f.e.clock.Advance(d)
	f.c = make(chan time.Time, 1)
	f.c <- f.e.clock.Now()
}
func (f *clockTimer) Stop()               {}
func (f *clockTimer) C() <-chan time.Time { return f.c }

func (e *env) retryWaits() []time.Duration {
	e.waitMu.Lock()
	defer e.waitMu.Unlock()
	return append([]time.Duration(nil), e.waits...)
}

// envOpts adjust a test's world.
type envOpts struct {
	// providers are registered in process, by name.
	providers map[string]providers.Provider
	// plugins are loaded from the test binary re-executed (TestMain
	// serves pluginProviders), by name.
	plugins []string
	// config edits the Manager's configuration.
	config func(*integration.Config)
	// noStart leaves the Manager stopped.
	noStart bool
	// oauthBaseURL, when set, gives the Manager an oauth.Connector with
	// this base URL (env.conn).
	oauthBaseURL string
}

var hostConfig = &providers.Config{PingInterval: 100 * time.Millisecond, RestartMin: 10 * time.Millisecond,
	RestartMax: 100 * time.Millisecond}

func newHost(t testing.TB) *providers.Host {
	t.Helper()
	h, err := providers.NewHost(hostConfig)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, h.Close()) })
	return h
}

// setup builds a world on the store open returns, with the probe
// registered unless opts name other providers.
func setup(t *testing.T, open opener, opts *envOpts) *env {
	t.Helper()
	if opts == nil {
		opts = &envOpts{}
	}
	e := &env{ctx: t.Context(), clock: newClock(), org: uuid.New()}
	e.store = open(t, e.clock.Now)
	e.host = newHost(t)
	ps := opts.providers
	if ps == nil && opts.plugins == nil {
		ps = map[string]providers.Provider{"probe": newProbe("probe")}
	}
	for name, p := range ps {
		require.NoError(t, e.host.Register(name, p))
	}
	for _, name := range opts.plugins {
		_, err := e.host.LoadSelf(t.Context(), name, nil)
		require.NoError(t, err)
	}
	if opts.oauthBaseURL != "" {
		var err error
		e.conn, err = oauth.New(e.store, &oauth.Config{BaseURL: opts.oauthBaseURL, Settings: integration.StoredOAuthSettings,
			RetryTimer: func() backoff.Timer { return &clockTimer{e: e} }})
		require.NoError(t, err)
	}
	e.mgr = e.newManager(t, e.store, opts)
	e.started = !opts.noStart
	return e
}

// newManager returns a Manager on store sharing the env's clock and host,
// stopped when the test ends: another host process shares the store.
func (e *env) newManager(t testing.TB, store storage.Store, opts *envOpts) *integration.Manager {
	t.Helper()
	cfg := &integration.Config{Store: store, Providers: e.host, Clock: e.clock.Now, RetryTimer: e.timers,
		HealthCheckPoll: 10 * time.Millisecond, RecordInterval: 10 * time.Millisecond}
	cfg.OAuth = e.conn
	if opts != nil && opts.config != nil {
		opts.config(cfg)
	}
	m, err := integration.New(cfg)
	require.NoError(t, err)
	if opts == nil || !opts.noStart {
		require.NoError(t, m.Start(context.Background()))
	}
	t.Cleanup(func() { require.NoError(t, m.Stop(context.Background())) })
	return m
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
