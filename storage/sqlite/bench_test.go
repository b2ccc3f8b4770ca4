package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/storagetest"
)

// BenchmarkStore reports the shared storage figures for SQLite.
func BenchmarkStore(b *testing.B) {
	storagetest.Benchmark(b, func(b *testing.B) storage.Store {
		return openStore(b, filepath.Join(b.TempDir(), "bench.db"), newRing(b))
	}, nil)
}
