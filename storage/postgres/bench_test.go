package postgres_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/storagetest"
)

// BenchmarkStore reports the shared storage figures for PostgreSQL.
func BenchmarkStore(b *testing.B) {
	storagetest.Benchmark(b, func(b *testing.B) storage.Store { return benchStore(b) }, &storagetest.BenchOpts{
		AfterLoad: func(b *testing.B, s storage.Store) {
			_, err := s.(*postgres.Store).Pool().Exec(context.Background(), "ANALYZE")
			require.NoError(b, err)
		},
	})
}

// benchStore returns a migrated store on a fresh schema.
func benchStore(b *testing.B) *postgres.Store {
	b.Helper()
	ring, err := newRing()
	require.NoError(b, err)
	_, dsn := pgtest.Schema(b)
	s, err := postgres.New(pgtest.PoolOn(b, dsn), &postgres.Config{Sealer: ring})
	require.NoError(b, err)
	require.NoError(b, s.Migrate(context.Background()))
	return s
}
