package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/sqlite"
	"github.com/intimeos/integrations/storage/storagetest"
)

func newRing(t testing.TB) *secret.Keyring {
	t.Helper()
	k, err := secret.GenerateKey("test")
	require.NoError(t, err)
	ring, err := secret.NewKeyring(k)
	require.NoError(t, err)
	return ring
}

// openStore opens a migrated Store on the file at path, closed when the test
// ends.
func openStore(t testing.TB, path string, sealer storage.Sealer) *sqlite.Store {
	t.Helper()
	s, err := tryOpen(t, path, sealer)
	require.NoError(t, err)
	return s
}

// tryOpen is openStore that returns the error of opening.
func tryOpen(t testing.TB, path string, sealer storage.Sealer) (*sqlite.Store, error) {
	s, err := sqlite.Open(context.Background(), path, &sqlite.Config{Sealer: sealer})
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s, nil
}

// database is the file at path for the suites that open several stores on
// one database.
func database(path string) storagetest.Database {
	return storagetest.Database{
		Open: func(t *testing.T, sealer storage.Sealer) (storage.Store, error) { return tryOpen(t, path, sealer) },
		Exec: func(t *testing.T, query string) {
			db, err := sql.Open(sqlite.DriverName, sqlite.DSN(path))
			require.NoError(t, err)
			defer db.Close()
			_, err = db.ExecContext(context.Background(), query)
			require.NoError(t, err)
		},
		Raw: func(t *testing.T) string { return rawFiles(t, path) },
	}
}

func TestContract(t *testing.T) {
	t.Parallel()
	storagetest.Exercise(t, func(t *testing.T) storage.Store {
		return openStore(t, filepath.Join(t.TempDir(), "intime.db"), newRing(t))
	})
}

func TestSecretsAtRest(t *testing.T) {
	t.Parallel()
	storagetest.ExerciseSecretsAtRest(t, func(t *testing.T) storagetest.Database {
		return database(filepath.Join(t.TempDir(), "intime.db"))
	})
}

func TestKeyCheck(t *testing.T) {
	t.Parallel()
	storagetest.ExerciseKeyCheck(t, func(t *testing.T) storagetest.Database {
		return database(filepath.Join(t.TempDir(), "intime.db"))
	})
}

// rawFiles returns the bytes of the database file and of its write-ahead
// log, which holds recent commits until a checkpoint copies them over.
func rawFiles(t *testing.T, path string) string {
	t.Helper()
	var raw []byte
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			continue
		}
		require.NoError(t, err)
		raw = append(raw, b...)
	}
	return string(raw)
}

// TestMigrateConcurrent opens four Stores on one new file at once; every
// Open migrates, each migration is applied once and the schema is complete.
func TestMigrateConcurrent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "intime.db")
	ring := newRing(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			s, err := sqlite.Open(context.Background(), path, &sqlite.Config{Sealer: ring})
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "store %d", i)
	}
	s := openStore(t, path, ring)
	var applied, tables int
	ctx := context.Background()
	require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT count(*) FROM intime_schema_migrations`).Scan(&applied))
	require.NoError(t, s.DB().QueryRowContext(ctx,
		`SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).Scan(&tables))
	require.Equal(t, migrationFiles(t), applied, "each migration is applied once")
	require.Equal(t, 27, tables, "10 tables, the key checks, the Manager's 2 (0008), apiaccess's 7 (0009), the log summaries (0011), inbound's 2 (0012), alerts' 2 (0013), the manual queue (0014) and the migrations table")
}

// TestNewOnCallersDB runs a Store on a *sql.DB the caller opened and
// configured, and checks the pragmas of the DSN took effect.
func TestNewOnCallersDB(t *testing.T) {
	t.Parallel()
	db, err := sql.Open(sqlite.DriverName, sqlite.DSN(filepath.Join(t.TempDir(), "intime.db")))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	s, err := sqlite.New(db, &sqlite.Config{Sealer: newRing(t)})
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, s.Migrate(ctx))
	require.NoError(t, s.Migrate(ctx), "migrating twice is a no-op")
	require.Equal(t, 1, db.Stats().MaxOpenConnections, "New makes the caller's pool a single writer")

	var mode string
	var fk int
	require.NoError(t, db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode))
	require.NoError(t, db.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk))
	require.Equal(t, "wal", mode)
	require.Equal(t, 1, fk, "Migrate restores foreign key enforcement")
	var schema string
	require.NoError(t, db.QueryRowContext(ctx, `SELECT group_concat(sql, ';') FROM sqlite_schema`).Scan(&schema))
	require.NotContains(t, schema, "_new", "rebuilt tables keep their names, and references follow them")
	require.Contains(t, schema, "REFERENCES integrations(id) ON DELETE CASCADE")

	org := storagetest.NewOrgID()
	it, err := s.IntegrationCreate(ctx, &storage.IntegrationCreateParams{OrganizationID: org, Type: "email",
		Provider: "sendgrid", Name: "Mail", Config: []byte(`{"apiKey":"k"}`)})
	require.NoError(t, err)
	got, err := s.IntegrationGet(ctx, org, it.ID)
	require.NoError(t, err)
	require.JSONEq(t, `{"apiKey":"k"}`, string(got.Config))

	var stored, created string
	require.NoError(t, db.QueryRowContext(ctx, `SELECT config, created_at FROM integrations WHERE id = ?`, it.ID).Scan(&stored, &created))
	require.Contains(t, stored, `{"sealed":`)
	require.Len(t, created, len(sqlite.TimeLayout))
}

func TestNewRequiresSealer(t *testing.T) {
	t.Parallel()
	db, err := sql.Open(sqlite.DriverName, sqlite.DSN(filepath.Join(t.TempDir(), "intime.db")))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	_, err = sqlite.New(db, &sqlite.Config{})
	require.ErrorContains(t, err, "Sealer is required")
	_, err = sqlite.New(db, nil)
	require.ErrorContains(t, err, "Sealer is required")
	_, err = sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "x.db"), &sqlite.Config{})
	require.ErrorContains(t, err, "Sealer is required")
}

// TestWithTx checks that a Store bound to the caller's transaction commits
// and rolls back with it, batch inserts included (they use a savepoint).
func TestWithTx(t *testing.T) {
	t.Parallel()
	s := openStore(t, filepath.Join(t.TempDir(), "intime.db"), newRing(t))
	ctx := context.Background()
	org := storagetest.NewOrgID()
	wh, err := s.WebhookCreate(ctx, &storage.WebhookCreateParams{OrganizationID: org, Name: "tx", URL: "https://example.com/h",
		Secret: storagetest.NewSecret(), Events: []string{"job.created"}})
	require.NoError(t, err)
	insert := func(commit bool) uuid.UUID {
		tx, err := s.DB().BeginTx(ctx, nil)
		require.NoError(t, err)
		in := s.WithTx(tx)
		ds, err := in.DeliveryInsert(ctx, []*storage.DeliveryInsertParams{{OrganizationID: org, WebhookID: wh.ID,
			EventType: "job.created", Payload: json.RawMessage(`{"n":1}`)}})
		require.NoError(t, err)
		_, err = in.DeliveryGet(ctx, org, ds[0].ID)
		require.NoError(t, err, "the transaction reads its own writes")
		_, err = in.WebhookCreate(ctx, &storage.WebhookCreateParams{OrganizationID: org, Name: "tx", URL: "https://x/h", Secret: storagetest.NewSecret()})
		require.ErrorIs(t, err, storage.ErrConflict, "a failed statement leaves the transaction usable")
		if commit {
			require.NoError(t, tx.Commit())
		} else {
			require.NoError(t, tx.Rollback())
		}
		return ds[0].ID
	}
	rolledBack := insert(false)
	_, err = s.DeliveryGet(ctx, org, rolledBack)
	require.ErrorIs(t, err, storage.ErrNotFound, "a rolled-back transaction leaves no delivery")
	committed := insert(true)
	_, err = s.DeliveryGet(ctx, org, committed)
	require.NoError(t, err, "a committed transaction keeps its delivery")
}

// migrationFiles counts the embedded migration files.
func migrationFiles(t *testing.T) int {
	names, err := filepath.Glob("migrations/*.sql")
	require.NoError(t, err)
	require.NotEmpty(t, names)
	return len(names)
}
