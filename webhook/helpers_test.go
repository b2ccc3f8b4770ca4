package webhook_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/sqlite"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// backend opens a fresh, migrated store for one test.
type backend struct {
	name string
	open func(t testing.TB) storage.Store
}

var backends = []backend{
	{"sqlite", func(t testing.TB) storage.Store { return openSQLite(t, filepath.Join(t.TempDir(), "intime.db")) }},
	{"postgres", func(t testing.TB) storage.Store { _, dsn := pgtest.Schema(t); return openPostgres(t, dsn) }},
}

// eachBackend runs fn as a parallel subtest per backend.
func eachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fn(t, b)
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

func openSQLite(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, &sqlite.Config{Sealer: newRing(t)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func openPostgres(t testing.TB, dsn string) *postgres.Store {
	t.Helper()
	s, err := postgres.New(pgtest.PoolOn(t, dsn), &postgres.Config{Sealer: newRing(t)})
	require.NoError(t, err)
	require.NoError(t, s.Migrate(context.Background()))
	return s
}

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2024, 12, 4, 10, 30, 0, 0, time.UTC)} }

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

// bundle is what setup returns.
type bundle struct {
	d     *webhook.Dispatcher
	store storage.Store
	rcv   *webhooktest.Receiver
	org   uuid.UUID
	ctx   context.Context
}

// setup opens a store and a receiver and makes a Dispatcher that trusts and
// may reach the receiver. cfg may be nil.
func setup(t *testing.T, b backend, cfg *webhook.Config) *bundle {
	t.Helper()
	st := b.open(t)
	rcv := webhooktest.NewReceiver(t)
	c := webhook.Config{}
	if cfg != nil {
		c = *cfg
	}
	c.TLSConfig, c.AllowAddrs = rcv.TLSConfig(), rcv.AllowAddrs()
	d, err := webhook.New(st, &c)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Stop(context.Background())) })
	return &bundle{d: d, store: st, rcv: rcv, org: uuid.New(), ctx: context.Background()}
}

// subscribe creates an active subscription to the receiver.
func (b *bundle) subscribe(t testing.TB, name string, events ...string) *webhook.Subscription {
	t.Helper()
	if len(events) == 0 {
		events = []string{webhook.EventJobCreated}
	}
	s, err := b.d.SubscriptionCreate(b.ctx, &webhook.SubscriptionCreateParams{OrganizationID: b.org, Name: name,
		URL: b.rcv.URL + "/hooks/" + name, Events: events})
	require.NoError(t, err)
	return s
}

func newOrg() uuid.UUID { return uuid.New() }

// newKey returns an encoded sealing key and a keyring holding it.
func newKey(t testing.TB) (string, *secret.Keyring) {
	t.Helper()
	k, err := secret.GenerateKey("test")
	require.NoError(t, err)
	ring, err := secret.NewKeyring(k)
	require.NoError(t, err)
	return k.Encode(), ring
}

func parseRing(encoded string) (*secret.Keyring, error) {
	k, err := secret.ParseKey("test", encoded)
	if err != nil {
		return nil, err
	}
	return secret.NewKeyring(k)
}

func openSQLiteRing(t testing.TB, path string, ring *secret.Keyring) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, &sqlite.Config{Sealer: ring})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func openPostgresRing(t testing.TB, dsn string, ring *secret.Keyring) *postgres.Store {
	t.Helper()
	s, err := postgres.New(pgtest.PoolOn(t, dsn), &postgres.Config{Sealer: ring})
	require.NoError(t, err)
	require.NoError(t, s.Migrate(context.Background()))
	return s
}

func pgtestSchema(t testing.TB) (string, string) { return pgtest.Schema(t) }
