package postgres_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/storagetest"
)

// TestOAuthRefreshAcrossPools runs refreshers on two Stores with separate
// pools on one schema, standing for two hosts.
func TestOAuthRefreshAcrossPools(t *testing.T) {
	t.Parallel()
	ring, err := newRing()
	require.NoError(t, err)
	_, dsn := pgtest.Schema(t)
	storagetest.ExerciseOAuthRefreshAcrossStores(t, newStore(t, dsn, ring), newStore(t, dsn, ring))
}
