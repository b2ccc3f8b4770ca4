package postgres_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/storagetest"
)

// TestPublishNotifies checks that DeliveryPublish's one statement
// notifies the schema's listeners when it writes a row and only then: a
// publish without subscribers and one rolled back through WithTx send
// nothing. As in TestListenDeliveries, notifications arrive in commit
// order: the first to arrive must be the last publish's.
func TestPublishNotifies(t *testing.T) {
	t.Parallel()
	ring, err := newRing()
	require.NoError(t, err)
	schema, dsn := pgtest.Schema(t)
	s := newStore(t, dsn, ring)
	ctx := context.Background()
	org := uuid.New()
	_, err = s.WebhookCreate(ctx, &storage.WebhookCreateParams{OrganizationID: org, Name: "p", URL: "https://example.com/h",
		Secret: storagetest.NewSecret(), Events: []string{"job.created"}})
	require.NoError(t, err)
	raw, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = raw.Close(context.Background()) })
	_, err = raw.Exec(ctx, "LISTEN "+postgres.DeliveriesChannel)
	require.NoError(t, err)
	publish := func(st *postgres.Store, typ string) int {
		ds, err := st.DeliveryPublish(ctx, &storage.DeliveryPublishParams{OrganizationID: org,
			Events: []*storage.DeliveryPublishEvent{{Type: typ, Payload: json.RawMessage(`{}`)}}})
		require.NoError(t, err)
		return len(ds)
	}
	rolledBack, empty := acquire(t, s), acquire(t, s)
	tx, err := rolledBack.Begin(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, publish(s.WithTx(tx), "job.created"))
	require.NoError(t, tx.Rollback(ctx))
	tx, err = empty.Begin(ctx)
	require.NoError(t, err)
	require.Zero(t, publish(s.WithTx(tx), "job.deleted"), "no subscriber")
	require.NoError(t, tx.Commit(ctx))
	require.Equal(t, 1, publish(s, "job.created"))
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	n, err := raw.WaitForNotification(wctx)
	require.NoError(t, err)
	require.Equal(t, schema, n.Payload)
	require.NotEqual(t, rolledBack.Conn().PgConn().PID(), n.PID, "a rolled-back publish must not notify")
	require.NotEqual(t, empty.Conn().PgConn().PID(), n.PID, "a publish that wrote nothing must not notify")
}
