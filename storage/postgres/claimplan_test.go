package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/storagetest"
)

// batchRecorder records the statements of the batches sent on a pool.
type batchRecorder struct {
	mu      sync.Mutex
	batches [][]pgx.TraceBatchQueryData
	cur     []pgx.TraceBatchQueryData
}

func (r *batchRecorder) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return ctx
}
func (r *batchRecorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (r *batchRecorder) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	r.mu.Lock()
	r.cur = nil
	r.mu.Unlock()
	return ctx
}
func (r *batchRecorder) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	r.mu.Lock()
	r.cur = append(r.cur, d)
	r.mu.Unlock()
}
func (r *batchRecorder) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {
	r.mu.Lock()
	r.batches = append(r.batches, r.cur)
	r.mu.Unlock()
}

// last returns the last batch recorded.
func (r *batchRecorder) last() []pgx.TraceBatchQueryData {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.batches[len(r.batches)-1]
}

// TestClaimPlanPinned: on a queue without statistics (loaded faster than
// autovacuum analyzes it), the planner may read every due row of each
// webhook through a bitmap scan and sort them, for every claim (at a
// backlog of 100,000 a delivery cost 294 µs of PostgreSQL CPU instead of
// 81). DeliveryClaim and DeliveryPump pin the claim's plan in the same
// transaction; replayed with EXPLAIN, the claim they sent reads the due
// index in order, without a bitmap scan. (A plan chosen for these very
// parameters may well be the good one without the pin: the bad one came
// from the generic plan of a statement run many times, which EXPLAIN
// cannot show before PostgreSQL 16.)
func TestClaimPlanPinned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, dsn := pgtest.Schema(t)
	cfg, err := pgxpool.ParseConfig(dsn)
	require.NoError(t, err)
	rec := &batchRecorder{}
	cfg.ConnConfig.Tracer = rec
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	ring, err := newRing()
	require.NoError(t, err)
	s, err := postgres.New(pool, &postgres.Config{Sealer: ring})
	require.NoError(t, err)
	require.NoError(t, s.Migrate(ctx))
	org := uuid.New()
	for i := range 4 {
		_, err := s.WebhookCreate(ctx, &storage.WebhookCreateParams{OrganizationID: org, Name: fmt.Sprint("w", i), URL: "https://example.com/h",
			Secret: storagetest.NewSecret(), Events: []string{"job.created"}})
		require.NoError(t, err)
	}
	for range 20 {
		p := &storage.DeliveryPublishParams{OrganizationID: org}
		for range 250 {
			p.Events = append(p.Events, &storage.DeliveryPublishEvent{Type: "job.created", Payload: json.RawMessage(`{}`)})
		}
		_, err := s.DeliveryPublish(ctx, p)
		require.NoError(t, err)
	}
	claimer := uuid.New()
	for _, claim := range []func(p *storage.DeliveryClaimParams){
		func(p *storage.DeliveryClaimParams) {
			_, err := s.DeliveryClaim(ctx, p)
			require.NoError(t, err)
		},
		func(p *storage.DeliveryClaimParams) {
			_, _, err := s.DeliveryPump(ctx, &storage.DeliveryPumpParams{Claim: p})
			require.NoError(t, err)
		},
	} {
		for _, perWebhook := range []int{0, 16} {
			claim(&storage.DeliveryClaimParams{Now: time.Now(), Limit: 32, LeaseFor: time.Minute,
				ClaimID: storage.NewClaimID(claimer), PerWebhookLimit: perWebhook, Claimer: claimer})
			sent := rec.last()
			require.GreaterOrEqual(t, len(sent), 2)
			require.Contains(t, sent[0].SQL, "enable_bitmapscan", "the plan is pinned first")
			plan := explainBatch(t, pool, sent)
			require.Contains(t, plan, "Index Scan using idx_webhook_deliveries_webhook_due", "the due rows in index order")
			require.NotContains(t, plan, "Bitmap Heap Scan on webhook_deliveries", "no bitmap scan of every due row")
		}
	}
}

// explainBatch sends a recorded batch again, in one transaction that is
// rolled back, with its last statement explained, and returns the plan.
func explainBatch(t *testing.T, pool *pgxpool.Pool, sent []pgx.TraceBatchQueryData) string {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	for _, q := range sent[:len(sent)-1] {
		_, err := tx.Exec(ctx, q.SQL, q.Args...)
		require.NoError(t, err)
	}
	last := sent[len(sent)-1]
	var plan []string
	rows, err := tx.Query(ctx, "EXPLAIN "+last.SQL, last.Args...)
	require.NoError(t, err)
	for rows.Next() {
		var line string
		require.NoError(t, rows.Scan(&line))
		plan = append(plan, line)
	}
	require.NoError(t, rows.Err())
	return strings.Join(plan, "\n")
}
