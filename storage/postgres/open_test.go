package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
)

// closedDSN names a server that is not there: nothing listens on port 1.
const closedDSN = "postgres://postgres@127.0.0.1:1/intime?sslmode=disable&connect_timeout=5"

// TestConnectionErrorsArePrefixed: a server that cannot be reached is a
// "postgres:" error like every other of the package, from Open and from
// Migrate on a pool of the caller's.
func TestConnectionErrorsArePrefixed(t *testing.T) {
	t.Parallel()
	ring, err := newRing()
	require.NoError(t, err)
	ctx := context.Background()
	_, err = postgres.Open(ctx, closedDSN, &postgres.Config{Sealer: ring})
	require.Error(t, err)
	require.True(t, strings.HasPrefix(err.Error(), "postgres: connect: "), err.Error())

	pool, err := pgxpool.New(ctx, closedDSN)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	s, err := postgres.New(pool, &postgres.Config{Sealer: ring})
	require.NoError(t, err)
	err = s.Migrate(ctx)
	require.Error(t, err)
	require.True(t, strings.HasPrefix(err.Error(), "postgres: "), err.Error())
}

// TestOpenChecksKeyAndCloseClosesPool: Open migrates and checks the key;
// Close closes the pool Open made and leaves a pool given to New open.
func TestOpenChecksKeyAndCloseClosesPool(t *testing.T) {
	t.Parallel()
	_, dsn := pgtest.Schema(t)
	ctx := context.Background()
	ring, err := newRing()
	require.NoError(t, err)
	s, err := postgres.Open(ctx, dsn, &postgres.Config{Sealer: ring})
	require.NoError(t, err)
	_, err = s.WebhookList(ctx, &storage.WebhookListParams{OrganizationID: [16]byte{1}})
	require.NoError(t, err, "Open migrated")
	require.NoError(t, s.Close())
	require.Error(t, s.Pool().Ping(ctx), "the pool Open made is closed")

	other, err := newRing() // another key under the same ID
	require.NoError(t, err)
	_, err = postgres.Open(ctx, dsn, &postgres.Config{Sealer: other})
	var km *storage.KeyMismatchError
	require.ErrorAs(t, err, &km)
	require.Equal(t, "test", km.KeyID)

	pool := pgtest.PoolOn(t, dsn)
	byNew, err := postgres.New(pool, &postgres.Config{Sealer: ring})
	require.NoError(t, err)
	require.NoError(t, byNew.Close())
	require.NoError(t, pool.Ping(ctx), "the caller's pool stays open")
}
