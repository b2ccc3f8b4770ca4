package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/storagetest"
)

// queueNow is the claimers' clock in the queue tests: fixed, so leases
// never expire while a test runs.
var queueNow = time.Date(2031, time.May, 6, 7, 8, 9, 0, time.UTC)

// seedQueue creates webhooks in two organizations on s and n due rows
// spread over them.
func seedQueue(t *testing.T, s *postgres.Store, webhooks, n int) {
	t.Helper()
	ctx := context.Background()
	orgs := []uuid.UUID{uuid.New(), uuid.New()}
	var ps []*storage.DeliveryInsertParams
	for i := range webhooks {
		org := orgs[i%len(orgs)]
		wh, err := s.WebhookCreate(ctx, &storage.WebhookCreateParams{OrganizationID: org, Name: fmt.Sprintf("w%d", i),
			URL: "https://example.com/h", Secret: storagetest.NewSecret(), Events: []string{"job.created"}})
		require.NoError(t, err)
		for range n / webhooks {
			ps = append(ps, &storage.DeliveryInsertParams{OrganizationID: org, WebhookID: wh.ID, EventType: "job.created",
				Payload: json.RawMessage(`{"n":1}`)})
		}
	}
	_, err := s.DeliveryInsert(ctx, ps)
	require.NoError(t, err)
}

// TestDeliveryClaimConcurrent has 8 claimers, each on its own pool, drain
// 2,000 due rows of one schema at once: every row must be leased exactly
// once. With a per-webhook limit the claimers also finish what they claim,
// so that the webhooks' caps free up.
func TestDeliveryClaimConcurrent(t *testing.T) {
	t.Parallel()
	for _, perWebhook := range []int{0, 20} {
		t.Run(fmt.Sprintf("PerWebhookLimit=%d", perWebhook), func(t *testing.T) {
			t.Parallel()
			const total, claimers = 2000, 8
			ring, err := newRing()
			require.NoError(t, err)
			_, dsn := pgtest.Schema(t)
			seedQueue(t, newStore(t, dsn, ring), 4, total)
			stores := make([]*postgres.Store, claimers)
			for i := range stores {
				stores[i], err = postgres.New(pgtest.PoolOn(t, dsn), &postgres.Config{Sealer: ring})
				require.NoError(t, err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var claimed atomic.Int64
			got := make([][]uuid.UUID, claimers)
			errs := make([]error, claimers)
			var wg sync.WaitGroup
			for i, s := range stores {
				wg.Go(func() { got[i], errs[i] = drain(ctx, s, perWebhook, &claimed, total) })
			}
			wg.Wait()
			seen := map[uuid.UUID]int{}
			for i := range claimers {
				require.NoError(t, errs[i], "claimer %d", i)
				for _, id := range got[i] {
					seen[id]++
				}
			}
			require.Len(t, seen, total, "every row claimed")
			for id, n := range seen {
				require.Equal(t, 1, n, "row %s claimed %d times", id, n)
			}
		})
	}
}

// drain claims until a claim comes back empty (no cap) or until total rows
// were claimed by all claimers together (with a cap, a claim may come back
// empty while other claimers hold a webhook's leases; it then pauses as a
// worker would before polling again). With a cap it finishes each row it
// claims.
func drain(ctx context.Context, s *postgres.Store, perWebhook int, claimed *atomic.Int64, total int) ([]uuid.UUID, error) {
	var ids []uuid.UUID
	for claimed.Load() < int64(total) {
		claimID := uuid.New()
		ds, err := s.DeliveryClaim(ctx, &storage.DeliveryClaimParams{Now: queueNow, Limit: 25, LeaseFor: time.Minute,
			ClaimID: claimID, PerWebhookLimit: perWebhook})
		if err != nil {
			return ids, err
		}
		if len(ds) == 0 && perWebhook == 0 {
			return ids, nil
		}
		if len(ds) == 0 {
			time.Sleep(time.Millisecond) // a worker's poll interval, shortened
		}
		claimed.Add(int64(len(ds)))
		for _, d := range ds {
			ids = append(ids, d.ID)
			if perWebhook == 0 {
				continue
			}
			if _, err := s.DeliveryFinish(ctx, &storage.DeliveryFinishParams{OrganizationID: d.OrganizationID, ID: d.ID,
				ClaimID: claimID, Status: storage.DeliverySuccess, DeliveredAt: queueNow}); err != nil {
				return ids, err
			}
		}
	}
	return ids, nil
}

// listener runs ListenDeliveries on s until the test ends and returns its
// wake-ups, after the first one (listening has started).
func listener(t *testing.T, s *postgres.Store) <-chan struct{} {
	t.Helper()
	wakes := make(chan struct{}, 16)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- s.ListenDeliveries(ctx, func() {
			select {
			case wakes <- struct{}{}:
			default:
			}
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err, "ListenDeliveries returns nil when its context ends")
		case <-time.After(10 * time.Second):
			t.Error("ListenDeliveries did not return after its context ended")
		}
	})
	requireWake(t, wakes, "listening started")
	return wakes
}

func requireWake(t *testing.T, wakes <-chan struct{}, msg string) {
	t.Helper()
	select {
	case <-wakes:
	case <-time.After(10 * time.Second):
		t.Fatalf("no wake-up: %s", msg)
	}
}

// insertOn inserts one delivery through WithTx on conn, a connection of
// s's pool, and commits or rolls back; it returns the connection's backend
// PID.
func insertOn(t *testing.T, s *postgres.Store, conn *pgxpool.Conn, org, webhook uuid.UUID, commit bool) uint32 {
	t.Helper()
	ctx := context.Background()
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	_, err = s.WithTx(tx).DeliveryInsert(ctx, []*storage.DeliveryInsertParams{{OrganizationID: org, WebhookID: webhook,
		EventType: "job.created", Payload: json.RawMessage(`{"n":1}`)}})
	require.NoError(t, err)
	if commit {
		require.NoError(t, tx.Commit(ctx))
	} else {
		require.NoError(t, tx.Rollback(ctx))
	}
	return conn.Conn().PgConn().PID()
}

// acquire takes a connection of s's pool until the test ends.
func acquire(t *testing.T, s *postgres.Store) *pgxpool.Conn {
	t.Helper()
	conn, err := s.Pool().Acquire(context.Background())
	require.NoError(t, err)
	t.Cleanup(conn.Release)
	return conn
}

// TestListenDeliveries checks that an insert committed through another pool
// wakes the listener, and that a rolled-back WithTx insert sends nothing.
// The negative half needs no sleep: PostgreSQL delivers notifications in
// commit order, so a raw listener that sees the committed insert's
// notification first has seen everything the rollback could have sent.
func TestListenDeliveries(t *testing.T) {
	t.Parallel()
	ring, err := newRing()
	require.NoError(t, err)
	schema, dsn := pgtest.Schema(t)
	writer := newStore(t, dsn, ring)
	listening, err := postgres.New(pgtest.PoolOn(t, dsn), &postgres.Config{Sealer: ring})
	require.NoError(t, err)
	ctx := context.Background()
	org := uuid.New()
	wh, err := writer.WebhookCreate(ctx, &storage.WebhookCreateParams{OrganizationID: org, Name: "l", URL: "https://example.com/h",
		Secret: storagetest.NewSecret(), Events: []string{"job.created"}})
	require.NoError(t, err)

	raw, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = raw.Close(context.Background()) })
	_, err = raw.Exec(ctx, "LISTEN "+postgres.DeliveriesChannel)
	require.NoError(t, err)
	wakes := listener(t, listening)

	rolledBack := insertOn(t, writer, acquire(t, writer), org, wh.ID, false)
	committed := insertOn(t, writer, acquire(t, writer), org, wh.ID, true)
	require.NotEqual(t, rolledBack, committed)
	for {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		n, err := raw.WaitForNotification(wctx)
		cancel()
		require.NoError(t, err)
		require.NotEqual(t, rolledBack, n.PID, "a rolled-back insert must not notify")
		if n.PID == committed {
			require.Equal(t, schema, n.Payload, "the payload names the schema")
			break
		}
	}
	requireWake(t, wakes, "after a committed insert")
}

// TestListenDeliveriesReconnects kills the listening connection: the
// listener reconnects, says so with a wake-up, and hears the next insert.
func TestListenDeliveriesReconnects(t *testing.T) {
	t.Parallel()
	ring, err := newRing()
	require.NoError(t, err)
	_, dsn := pgtest.Schema(t)
	writer := newStore(t, dsn, ring)
	app := "intime_listen_" + uuid.NewString()[:8]
	listening, err := postgres.New(pgtest.PoolOn(t, dsn+"&application_name="+app), &postgres.Config{Sealer: ring})
	require.NoError(t, err)
	ctx := context.Background()
	org := uuid.New()
	wh, err := writer.WebhookCreate(ctx, &storage.WebhookCreateParams{OrganizationID: org, Name: "r", URL: "https://example.com/h",
		Secret: storagetest.NewSecret(), Events: []string{"job.created"}})
	require.NoError(t, err)
	wakes := listener(t, listening)

	var killed int
	require.NoError(t, writer.Pool().QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1`, app).Scan(&killed))
	require.Equal(t, 1, killed, "the listener holds one connection")
	requireWake(t, wakes, "listening resumed")
	insertOn(t, writer, acquire(t, writer), org, wh.ID, true)
	requireWake(t, wakes, "after a committed insert")
}

// TestLeaseCountsMatchLeases has 4 claimers on their own pools claim with a
// per-webhook cap, and finish (in batches and one by one), release or
// abandon what they claim, all at once, until the rows or the caps (held
// by abandoned rows) run out. Afterwards the counts the capped
// claim reads (webhook_delivery_leases) must equal the leases the rows
// hold, claim by claim and webhook by webhook; the reaper must return
// exactly the abandoned rows and leave no count behind.
func TestLeaseCountsMatchLeases(t *testing.T) {
	t.Parallel()
	const total, claimers = 1200, 4
	ring, err := newRing()
	require.NoError(t, err)
	_, dsn := pgtest.Schema(t)
	seed := newStore(t, dsn, ring)
	seedQueue(t, seed, 4, total)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var abandoned atomic.Int64
	var wg sync.WaitGroup
	for c := range claimers {
		s, err := postgres.New(pgtest.PoolOn(t, dsn), &postgres.Config{Sealer: ring})
		require.NoError(t, err)
		wg.Go(func() {
			for k := 0; ; k++ {
				claimID := uuid.New()
				ds, err := s.DeliveryClaim(ctx, &storage.DeliveryClaimParams{Now: queueNow, Limit: 20, LeaseFor: time.Minute,
					ClaimID: claimID, PerWebhookLimit: 30})
				if !assert.NoError(t, err) || len(ds) == 0 {
					return
				}
				var batch []*storage.DeliveryFinishParams
				var release []uuid.UUID
				for i, d := range ds {
					p := &storage.DeliveryFinishParams{OrganizationID: d.OrganizationID, ID: d.ID, ClaimID: claimID,
						Status: storage.DeliverySuccess, DeliveredAt: queueNow}
					switch (c + k + i) % 7 {
					case 0: // abandoned: the worker died
						abandoned.Add(1)
					case 1:
						release = append(release, d.ID)
					case 2:
						_, err := s.DeliveryFinish(ctx, p)
						assert.NoError(t, err)
					default:
						batch = append(batch, p)
					}
				}
				errs, err := s.DeliveryFinishBatch(ctx, batch)
				assert.NoError(t, err)
				for _, err := range errs {
					assert.NoError(t, err)
				}
				n, err := s.DeliveryRelease(ctx, claimID, release)
				assert.NoError(t, err)
				assert.Equal(t, len(release), n)
			}
		})
	}
	wg.Wait()
	require.False(t, t.Failed())

	pool := seed.Pool()
	counts := func(sql string) map[[2]uuid.UUID]int {
		rows, err := pool.Query(ctx, sql, queueNow)
		require.NoError(t, err)
		out := map[[2]uuid.UUID]int{}
		for rows.Next() {
			var claim, webhook uuid.UUID
			var n int
			require.NoError(t, rows.Scan(&claim, &webhook, &n))
			out[[2]uuid.UUID{claim, webhook}] = n
		}
		require.NoError(t, rows.Err())
		return out
	}
	leases := counts(`SELECT claim_id, webhook_id, count(*)::int FROM webhook_deliveries
		WHERE status = 'pending' AND locked_until > $1 GROUP BY claim_id, webhook_id`)
	counted := counts(`SELECT claim_id, webhook_id, leased FROM webhook_delivery_leases WHERE leased > 0 AND locked_until > $1`)
	require.Equal(t, leases, counted)
	sum := 0
	for _, n := range leases {
		sum += n
	}
	require.EqualValues(t, abandoned.Load(), sum, "the abandoned rows hold the only leases")

	n, err := seed.DeliveryReapExpired(ctx, queueNow.Add(2*time.Minute))
	require.NoError(t, err)
	require.EqualValues(t, abandoned.Load(), n)
	var left int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM webhook_delivery_leases`).Scan(&left))
	require.Zero(t, left, "no count outlives the reaper")
	var pending int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'`).Scan(&pending))
	ds, err := seed.DeliveryClaim(ctx, &storage.DeliveryClaimParams{Now: queueNow.Add(2 * time.Minute), Limit: storage.LimitMax,
		LeaseFor: time.Minute, ClaimID: uuid.New(), PerWebhookLimit: storage.LimitMax})
	require.NoError(t, err)
	require.Equal(t, pending, len(ds), "the reaped rows, and those the caps held back, are due")
}

// lockScene is a store on a fresh schema with a second pool for holding
// locks, and one organization's webhook with n queued rows. The store's
// connections carry the schema's name as their application_name, so that
// waitForLock sees only this scene's statements, not those of tests running
// beside it on the same database.
type lockScene struct {
	s    *postgres.Store
	pool *pgxpool.Pool
	org  uuid.UUID
	wh   *storage.Webhook
	app  string
}

func newLockScene(t *testing.T, n int) *lockScene {
	t.Helper()
	ring, err := newRing()
	require.NoError(t, err)
	schema, dsn := pgtest.Schema(t)
	sc := &lockScene{s: newStore(t, dsn+"&application_name="+schema, ring), pool: pgtest.PoolOn(t, dsn), org: uuid.New(),
		app: schema}
	sc.wh, err = sc.s.WebhookCreate(context.Background(), &storage.WebhookCreateParams{OrganizationID: sc.org,
		Name: "scene", URL: "https://example.com/h", Secret: storagetest.NewSecret(), Events: []string{"job.created"}})
	require.NoError(t, err)
	for range n {
		_, err = sc.s.DeliveryInsert(context.Background(), []*storage.DeliveryInsertParams{{OrganizationID: sc.org,
			WebhookID: sc.wh.ID, EventType: "job.created", Payload: json.RawMessage(`{}`)}})
		require.NoError(t, err)
	}
	return sc
}

// waitForLock waits until a statement starting with prefix waits on a lock.
func (sc *lockScene) waitForLock(t *testing.T, prefix, why string) {
	t.Helper()
	require.Eventually(t, func() bool {
		var waiting int
		require.NoError(t, sc.pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE $1 AND application_name = $2`, prefix+"%", sc.app).Scan(&waiting))
		return waiting == 1
	}, 10*time.Second, 5*time.Millisecond, why)
}

// TestReapOneSnapshot: a claim committed while the reaper runs (here made
// with a clock 8 minutes behind, so its lease has already ended by the
// reaper's) keeps its lease count until a later pass reaps its rows with
// it. The reaper's two statements used to read two snapshots: the second
// deleted the new count, its rows stayed leased for good and a late
// finish under that claim still succeeded.
func TestReapOneSnapshot(t *testing.T) {
	t.Parallel()
	sc := newLockScene(t, 2)
	s, pool, org, ctx := sc.s, sc.pool, sc.org, context.Background()
	first, err := s.DeliveryClaim(ctx, &storage.DeliveryClaimParams{Now: queueNow, Limit: 1, LeaseFor: time.Minute,
		ClaimID: uuid.New()})
	require.NoError(t, err)
	require.Len(t, first, 1)

	// Hold the first row so that the reaper stops inside its transaction.
	blocker, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = blocker.Rollback(ctx) }() // on failure, lets the reaper and the pool go
	_, err = blocker.Exec(ctx, `SELECT 1 FROM webhook_deliveries WHERE id = $1 FOR UPDATE`, first[0].ID)
	require.NoError(t, err)
	reaped := make(chan error, 1)
	go func() {
		_, err := s.DeliveryReapExpired(ctx, queueNow.Add(10*time.Minute))
		reaped <- err
	}()
	sc.waitForLock(t, "UPDATE webhook_deliveries d SET claim_id = NULL", "the reaper waits for the row")

	late := uuid.New()
	second, err := s.DeliveryClaim(ctx, &storage.DeliveryClaimParams{Now: queueNow.Add(2 * time.Minute), Limit: 1,
		LeaseFor: time.Minute, ClaimID: late})
	require.NoError(t, err)
	require.Len(t, second, 1)
	require.NoError(t, blocker.Rollback(ctx))
	require.NoError(t, <-reaped)

	n, err := s.DeliveryReapExpired(ctx, queueNow.Add(10*time.Minute))
	require.NoError(t, err)
	require.Equal(t, 1, n, "the next pass reaps the late claim's row")
	_, err = s.DeliveryFinish(ctx, &storage.DeliveryFinishParams{OrganizationID: org, ID: second[0].ID, ClaimID: late,
		Status: storage.DeliverySuccess})
	require.ErrorIs(t, err, storage.ErrConflict, "a reaped claim cannot finish")
}

// TestDeleteWebhookBesideDeadLetter: deleting a subscription while the
// finisher commits a dead letter for it succeeds and takes the entry with
// it. The delete used to clear the entries and then delete the webhook;
// the entry committed between the two failed it on a foreign key.
func TestDeleteWebhookBesideDeadLetter(t *testing.T) {
	t.Parallel()
	sc := newLockScene(t, 1)
	s, pool, org, w, ctx := sc.s, sc.pool, sc.org, sc.wh, context.Background()
	claim := uuid.New()
	rows, err := s.DeliveryClaim(ctx, &storage.DeliveryClaimParams{Now: queueNow, Limit: 1, LeaseFor: time.Minute,
		ClaimID: claim})
	require.NoError(t, err)
	require.Len(t, rows, 1)

	tx, err := pool.Begin(ctx) // the finisher's transaction, not yet committed
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = s.WithTx(tx).DeliveryFinish(ctx, &storage.DeliveryFinishParams{OrganizationID: org, ID: rows[0].ID,
		ClaimID: claim, Status: storage.DeliveryDLQ, ErrorMessage: "boom", DLQReason: "boom (after 4 attempts)"})
	require.NoError(t, err)
	deleted := make(chan error, 1)
	go func() { deleted <- s.WebhookDelete(ctx, org, w.ID) }()
	sc.waitForLock(t, "DELETE FROM webhooks", "the delete waits for the dead letter's transaction")
	require.NoError(t, tx.Commit(ctx))
	require.NoError(t, <-deleted)
	var left int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM webhook_dlq`).Scan(&left))
	require.Zero(t, left, "the dead letter went with its webhook")
}

// TestReapRetriesSerializationFailure: a finish (here a plain update)
// that commits a change to a row the reaper is waiting to clear makes the
// reaper's REPEATABLE READ transaction fail with SQLSTATE 40001. That is
// an expected race under load: the store runs the pass again on a new
// snapshot, and the caller gets the rows reaped, not the error (which the
// dispatcher used to log at ERROR every time).
func TestReapRetriesSerializationFailure(t *testing.T) {
	t.Parallel()
	sc := newLockScene(t, 1)
	s, pool, ctx := sc.s, sc.pool, context.Background()
	rows, err := s.DeliveryClaim(ctx, &storage.DeliveryClaimParams{Now: queueNow, Limit: 1, LeaseFor: time.Minute,
		ClaimID: uuid.New()})
	require.NoError(t, err)
	require.Len(t, rows, 1)

	writer, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = writer.Rollback(ctx) }()
	_, err = writer.Exec(ctx, `UPDATE webhook_deliveries SET response_body = 'touched' WHERE id = $1`, rows[0].ID)
	require.NoError(t, err)
	type result struct {
		n   int
		err error
	}
	reaped := make(chan result, 1)
	go func() {
		n, err := s.DeliveryReapExpired(ctx, queueNow.Add(10*time.Minute))
		reaped <- result{n, err}
	}()
	sc.waitForLock(t, "UPDATE webhook_deliveries d SET claim_id = NULL", "the reaper waits for the row")
	require.NoError(t, writer.Commit(ctx)) // the reaper's snapshot no longer holds the row's latest version
	got := <-reaped
	require.NoError(t, got.err, "a serialization failure is retried, not returned")
	require.Equal(t, 1, got.n, "the retry reaps the row")
}
