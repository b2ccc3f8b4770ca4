package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/sqlite"
)

// TestOpenErrorNamesPathAndCause: a file SQLite cannot open is reported
// with its path and the operating system's reason, not SQLite's bare
// "unable to open database file (14)".
func TestOpenErrorNamesPathAndCause(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	missing := filepath.Join(dir, "no-such-dir", "intime.db")
	_, err := sqlite.Open(ctx, missing, &sqlite.Config{Sealer: newRing(t)})
	require.ErrorIs(t, err, fs.ErrNotExist)
	require.EqualError(t, err, "sqlite: open "+missing+": directory "+filepath.Dir(missing)+": no such file or directory")

	_, err = sqlite.Open(ctx, dir, &sqlite.Config{Sealer: newRing(t)})
	require.ErrorContains(t, err, "sqlite: open "+dir+": ")
	require.ErrorContains(t, err, "is a directory")
	require.NotContains(t, err.Error(), "(14)")
}

// TestCloseClosesWhatOpenOpened: Close releases the pools Open made, and
// leaves the caller's pool of New open.
func TestCloseClosesWhatOpenOpened(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ring := newRing(t)
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "intime.db"), &sqlite.Config{Sealer: ring})
	require.NoError(t, err)
	_, err = s.WebhookList(ctx, &storage.WebhookListParams{OrganizationID: [16]byte{1}})
	require.NoError(t, err, "a statement prepared before Close")
	require.NoError(t, s.Close())
	require.ErrorContains(t, s.DB().PingContext(ctx), "database is closed")
	_, err = s.WebhookList(ctx, &storage.WebhookListParams{OrganizationID: [16]byte{1}})
	require.Error(t, err, "the read pool is closed too")

	db, err := sql.Open(sqlite.DriverName, sqlite.DSN(filepath.Join(t.TempDir(), "intime.db")))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	byNew, err := sqlite.New(db, &sqlite.Config{Sealer: ring})
	require.NoError(t, err)
	require.NoError(t, byNew.Migrate(ctx))
	require.NoError(t, byNew.Close())
	require.NoError(t, db.PingContext(ctx), "the caller's pool stays open")
	_, err = byNew.WebhookList(ctx, &storage.WebhookListParams{OrganizationID: [16]byte{1}})
	require.NoError(t, err, "and the store still works on it")
}

// TestNewDoesNotMigrate: New leaves the schema to Migrate, which also
// checks the key.
func TestNewDoesNotMigrate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "intime.db")
	db, err := sql.Open(sqlite.DriverName, sqlite.DSN(path))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	s, err := sqlite.New(db, &sqlite.Config{Sealer: newRing(t)})
	require.NoError(t, err)
	var tables int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table'`).Scan(&tables))
	require.Zero(t, tables)
	require.NoError(t, s.Migrate(ctx))

	other, err := secret.GenerateKey("test")
	require.NoError(t, err)
	ring, err := secret.NewKeyring(other)
	require.NoError(t, err)
	wrong, err := sqlite.New(db, &sqlite.Config{Sealer: ring})
	require.NoError(t, err)
	var km *storage.KeyMismatchError
	require.True(t, errors.As(wrong.Migrate(ctx), &km), "Migrate checks the key")
}
