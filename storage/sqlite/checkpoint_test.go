package sqlite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/sqlite"
	"github.com/intimeos/integrations/storage/storagetest"
)

// TestBackgroundCheckpoint: a Store made by Open copies the write-ahead log
// into the database file in the background. Two megabytes of deliveries
// stay below the 1,000 pages at which a commit would checkpoint by itself,
// so without the background checkpoint they would stay in the log and the
// database file would stay small.
func TestBackgroundCheckpoint(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "intime.db")
	s, err := sqlite.Open(ctx, path, &sqlite.Config{Sealer: newRing(t)})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	org := uuid.New()
	w, err := s.WebhookCreate(ctx, &storage.WebhookCreateParams{OrganizationID: org, Name: "c", URL: "https://example.com/h",
		Secret: storagetest.NewSecret(), Events: []string{"job.created"}})
	require.NoError(t, err)
	before := fileSize(t, path)
	payload := json.RawMessage(fmt.Sprintf(`{"pad":%q}`, strings.Repeat("x", 64<<10)))
	for range 32 {
		_, err := s.DeliveryInsert(ctx, []*storage.DeliveryInsertParams{{OrganizationID: org, WebhookID: w.ID,
			EventType: "job.created", Payload: payload}})
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool { return fileSize(t, path) >= before+2<<20 }, 10*time.Second, 20*time.Millisecond,
		"the deliveries reached the database file")
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	return fi.Size()
}
