package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/storagetest"
)

// BenchmarkStore reports the shared storage figures for SQLite.
func BenchmarkStore(b *testing.B) {
	storagetest.Benchmark(b, func(b *testing.B) storage.Store {
		return openStore(b, filepath.Join(b.TempDir(), "bench.db"), newRing(b))
	}, nil)
}

// benchWebhook opens a fresh file store with one subscription.
func benchWebhook(b *testing.B) (storage.Store, uuid.UUID, uuid.UUID) {
	b.Helper()
	s := openStore(b, filepath.Join(b.TempDir(), "bench.db"), newRing(b))
	org, wh := storagetest.BenchWebhook(b, s)
	return s, org, wh
}

var deliveryRows = storagetest.BenchRows
