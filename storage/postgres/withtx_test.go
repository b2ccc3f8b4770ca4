package postgres_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/storagetest"
)

// TestWithTx checks that a Store bound to the caller's transaction commits
// and rolls back with it, batch inserts included (they use a savepoint).
func TestWithTx(t *testing.T) {
	t.Parallel()
	ring, err := newRing()
	require.NoError(t, err)
	_, dsn := pgtest.Schema(t)
	s := newStore(t, dsn, ring)
	ctx := context.Background()
	org := uuid.New()
	wh, err := s.WebhookCreate(ctx, &storage.WebhookCreateParams{OrganizationID: org, Name: "tx", URL: "https://example.com/h",
		Secret: storagetest.NewSecret(), Events: []string{"job.created"}})
	require.NoError(t, err)
	insert := func(commit bool) uuid.UUID {
		tx, err := s.Pool().Begin(ctx)
		require.NoError(t, err)
		ds, err := s.WithTx(tx).DeliveryInsert(ctx, []*storage.DeliveryInsertParams{{OrganizationID: org, WebhookID: wh.ID,
			EventType: "job.created", Payload: json.RawMessage(`{"n":1}`)}})
		require.NoError(t, err)
		if commit {
			require.NoError(t, tx.Commit(ctx))
		} else {
			require.NoError(t, tx.Rollback(ctx))
		}
		return ds[0].ID
	}
	rolledBack := insert(false)
	_, err = s.DeliveryGet(ctx, org, rolledBack)
	require.ErrorIs(t, err, storage.ErrNotFound, "a rolled-back transaction leaves no delivery")
	committed := insert(true)
	_, err = s.DeliveryGet(ctx, org, committed)
	require.NoError(t, err, "a committed transaction keeps its delivery")
}
