package storagetest

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

// ExerciseKeyCheck checks that a store refuses to open with a wrong key
// under a key ID the database knows ([storage.KeyMismatchError]), before it
// seals anything with it: on a database it wrote, through a rotation (a new
// ID is recorded; hosts that do not hold it yet still open), on a database
// written before check values existed, and when several stores with
// different keys under one ID open a new database at once (the first
// decides; the others are refused). newDatabase returns a new, empty
// database each time.
func ExerciseKeyCheck(t *testing.T, newDatabase func(t *testing.T) Database) {
	t.Helper()
	t.Run("WrongKeyRefused", func(t *testing.T) {
		t.Parallel()
		db := newDatabase(t)
		k1, k2 := mustKey(t, "k1"), mustKey(t, "k2")
		ids := writeSecrets(t, mustOpen(t, db, mustRing(t, k1)))
		requireMismatch(t, db, "k1", mustRing(t, mustKey(t, "k1")))

		rotated := mustOpen(t, db, mustRing(t, k1, k2)) // records k2
		readSecrets(t, rotated, ids)
		requireMismatch(t, db, "k2", mustRing(t, k1, mustKey(t, "k2")))
		requireMismatch(t, db, "k1", mustRing(t, mustKey(t, "k1"), k2))
		mustOpen(t, db, mustRing(t, k1)) // a host the rotation has not reached
		mustOpen(t, db, mustRing(t, k2)) // a host that retired k1
	})
	t.Run("DatabaseWithoutCheckValues", func(t *testing.T) {
		t.Parallel()
		db := newDatabase(t)
		k1 := mustKey(t, "k1")
		ids := writeSecrets(t, mustOpen(t, db, mustRing(t, k1)))
		db.Exec(t, `DELETE FROM intime_key_checks`) // as written before migration 0007
		requireMismatch(t, db, "k1", mustRing(t, mustKey(t, "k1")))
		readSecrets(t, mustOpen(t, db, mustRing(t, k1)), ids)
		requireMismatch(t, db, "k1", mustRing(t, mustKey(t, "k1")))
	})
	t.Run("ConcurrentOpensFirstDecides", func(t *testing.T) {
		t.Parallel()
		db := newDatabase(t)
		rings := []storage.Sealer{mustRing(t, mustKey(t, "k1")), mustRing(t, mustKey(t, "k1"))}
		const each = 3
		errs := make([][]error, len(rings))
		var wg sync.WaitGroup
		for r := range rings {
			errs[r] = make([]error, each)
			for i := range each {
				wg.Go(func() { _, errs[r][i] = db.Open(t, rings[r]) })
			}
		}
		wg.Wait()
		winners := 0
		for r := range rings {
			if errs[r][0] == nil {
				winners++
			}
			for i := range each {
				if errs[r][0] == nil {
					require.NoError(t, errs[r][i], "ring %d, store %d: a store with the winning key", r, i)
					continue
				}
				var km *storage.KeyMismatchError
				require.ErrorAs(t, errs[r][i], &km, "ring %d, store %d: a store with the losing key", r, i)
			}
		}
		require.Equal(t, 1, winners, "one key seals the database")
	})
}

// requireMismatch checks that db refuses a store sealing with sealer, in
// the words of the error, naming keyID.
func requireMismatch(t *testing.T, db Database, keyID string, sealer storage.Sealer) {
	t.Helper()
	_, err := db.Open(t, sealer)
	var km *storage.KeyMismatchError
	require.ErrorAs(t, err, &km)
	require.Equal(t, keyID, km.KeyID)
	require.EqualError(t, err, "storage: key "+keyID+" does not match the key that sealed this database")
}
