package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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
	n := nextNotification(t, raw, schema)
	require.NotEqual(t, rolledBack.Conn().PgConn().PID(), n.PID, "a rolled-back publish must not notify")
	require.NotEqual(t, empty.Conn().PgConn().PID(), n.PID, "a publish that wrote nothing must not notify")
}

// TestPublishLeased checks DeliveryPublishLeased: the first rows in order
// are written leased under the claim, within the limit and each webhook's
// cap counted from the held rows; the others are claimable; a leased row
// is recorded under the lease's claim ID; and a publish whose rows are all
// leased wakes nobody.
func TestPublishLeased(t *testing.T) {
	t.Parallel()
	ring, err := newRing()
	require.NoError(t, err)
	schema, dsn := pgtest.Schema(t)
	s := newStore(t, dsn, ring)
	ctx := context.Background()
	org := uuid.New()
	var hooks []uuid.UUID // oldest first
	for i := range 3 {
		w, err := s.WebhookCreate(ctx, &storage.WebhookCreateParams{OrganizationID: org, Name: fmt.Sprint("p", i),
			URL: "https://example.com/h", Secret: storagetest.NewSecret(), Events: []string{"job.created"}})
		require.NoError(t, err)
		hooks = append(hooks, w.ID)
	}
	events := func(n int) *storage.DeliveryPublishParams {
		p := &storage.DeliveryPublishParams{OrganizationID: org}
		for range n {
			p.Events = append(p.Events, &storage.DeliveryPublishEvent{Type: "job.created", Payload: json.RawMessage(`{}`)})
		}
		return p
	}
	claimer := uuid.New()
	lease := &storage.DeliveryPublishLease{ClaimID: storage.NewClaimID(claimer), Until: time.Now().Add(time.Minute),
		Limit: 4, PerWebhookLimit: 2, Held: map[uuid.UUID]int{hooks[0]: 1}}
	rows, leased, err := s.DeliveryPublishLeased(ctx, events(3), lease)
	require.NoError(t, err)
	require.Len(t, rows, 9)
	// Newest webhook first, event by event: hooks 2, 1 and 0 (which holds
	// one row already, so one more fits its cap of 2), then hook 2 again;
	// the limit of 4 ends it.
	require.Equal(t, rows[:4], leased)
	require.Equal(t, []uuid.UUID{hooks[2], hooks[1], hooks[0], hooks[2]},
		[]uuid.UUID{leased[0].WebhookID, leased[1].WebhookID, leased[2].WebhookID, leased[3].WebhookID})
	claimed, err := s.DeliveryClaim(ctx, &storage.DeliveryClaimParams{Now: time.Now(), Limit: 100, LeaseFor: time.Minute,
		ClaimID: uuid.New()})
	require.NoError(t, err)
	require.ElementsMatch(t, ids(rows[4:]), ids(claimed), "the unleased rows, and only they, are claimable")
	errs, err := s.DeliveryFinishBatch(ctx, []*storage.DeliveryFinishParams{{OrganizationID: org, ID: leased[0].ID,
		ClaimID: lease.ClaimID, Status: storage.DeliverySuccess, DeliveredAt: time.Now()}})
	require.NoError(t, err)
	require.NoError(t, errs[0], "a leased row is recorded under the lease's claim")

	// The limit and the caps hold across the chunks of one publish.
	many := events(501)
	_, leased, err = s.DeliveryPublishLeased(ctx, many, &storage.DeliveryPublishLease{ClaimID: storage.NewClaimID(claimer),
		Until: time.Now().Add(time.Minute), Limit: 2000, PerWebhookLimit: 500})
	require.NoError(t, err)
	require.Equal(t, 1500, len(leased), "500 per webhook, all in the first chunk")
	_, leased, err = s.DeliveryPublishLeased(ctx, many, &storage.DeliveryPublishLease{ClaimID: storage.NewClaimID(claimer),
		Until: time.Now().Add(time.Minute), Limit: 1501})
	require.NoError(t, err)
	require.Equal(t, 1501, len(leased), "1,500 in the first chunk, one in the second")

	// A publish whose rows are all leased sends no notification.
	raw, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = raw.Close(context.Background()) })
	_, err = raw.Exec(ctx, "LISTEN "+postgres.DeliveriesChannel)
	require.NoError(t, err)
	all := acquire(t, s)
	tx, err := all.Begin(ctx)
	require.NoError(t, err)
	_, leased, err = s.WithTx(tx).DeliveryPublishLeased(ctx, events(1), &storage.DeliveryPublishLease{
		ClaimID: storage.NewClaimID(claimer), Until: time.Now().Add(time.Minute), Limit: 3})
	require.NoError(t, err)
	require.Len(t, leased, 3)
	require.NoError(t, tx.Commit(ctx))
	_, err = s.DeliveryPublish(ctx, events(1))
	require.NoError(t, err)
	n := nextNotification(t, raw, schema)
	require.NotEqual(t, all.Conn().PgConn().PID(), n.PID, "a publish that leased every row must not notify")

	_, _, err = s.DeliveryPublishLeased(ctx, events(1), &storage.DeliveryPublishLease{ClaimID: uuid.New()})
	require.ErrorIs(t, err, storage.ErrInvalid)
}

// ids are the rows' IDs.
func ids(rows []*storage.Delivery) []uuid.UUID {
	out := make([]uuid.UUID, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

// nextNotification waits for the next notification from schema, passing
// over those of other tests' schemas in the same database.
func nextNotification(t *testing.T, raw *pgx.Conn, schema string) *pgconn.Notification {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		n, err := raw.WaitForNotification(ctx)
		require.NoError(t, err)
		if n.Payload == schema {
			return n
		}
	}
}
