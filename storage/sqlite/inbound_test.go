package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/intimeos/integrations/storage/storagetest"
)

func TestInboundAtRest(t *testing.T) {
	t.Parallel()
	storagetest.ExerciseInboundAtRest(t, func(t *testing.T) storagetest.Database {
		return database(filepath.Join(t.TempDir(), "intime.db"))
	})
}
