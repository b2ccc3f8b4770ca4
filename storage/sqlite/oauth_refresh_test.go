package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/intimeos/integrations/storage/storagetest"
)

// TestOAuthRefreshAcrossHandles runs refreshers on two Stores opened on one
// file, standing for two processes sharing it.
func TestOAuthRefreshAcrossHandles(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "intime.db")
	ring := newRing(t)
	storagetest.ExerciseOAuthRefreshAcrossStores(t, openStore(t, path, ring), openStore(t, path, ring))
}
