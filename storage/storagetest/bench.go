package storagetest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

// benchPayload is a typical small event body.
var benchPayload = json.RawMessage(`{"event":"job.created","data":{"id":"job_123","title":"Forklift operator","site":"Leeds"}}`)

// BenchWebhook creates an organization with one subscription on s, for
// benchmarks, and returns their IDs.
func BenchWebhook(b *testing.B, s storage.Store) (org, webhook uuid.UUID) {
	b.Helper()
	org = NewOrgID()
	wh, err := s.WebhookCreate(context.Background(), &storage.WebhookCreateParams{OrganizationID: org, Name: "bench",
		URL: "https://example.com/hook", Secret: "whsec", Events: []string{"job.created"}})
	require.NoError(b, err)
	return org, wh.ID
}

// BenchRows returns n delivery rows for webhook, with a typical payload.
func BenchRows(org, webhook uuid.UUID, n int) []*storage.DeliveryInsertParams {
	ps := make([]*storage.DeliveryInsertParams, n)
	for i := range ps {
		ps[i] = &storage.DeliveryInsertParams{OrganizationID: org, WebhookID: webhook, EventType: "job.created", Payload: benchPayload}
	}
	return ps
}

// Benchmark measures a backend with the figures every backend reports, so
// they compare one for one: single-row and 100-row delivery inserts (rows/s)
// and paging through 10,000 deliveries 50 at a time (pages/s). newStore
// returns a fresh, migrated, empty store; opts may be nil.
func Benchmark(b *testing.B, newStore func(b *testing.B) storage.Store, opts *BenchOpts) {
	if opts == nil {
		opts = &BenchOpts{}
	}
	b.Run("DeliveryInsert", func(b *testing.B) { benchInsert(b, newStore(b), 1) })
	b.Run("DeliveryInsertBatch100", func(b *testing.B) { benchInsert(b, newStore(b), 100) })
	b.Run("DeliveryList", func(b *testing.B) { benchList(b, newStore(b), opts.AfterLoad) })
}

// BenchOpts adapts [Benchmark] to a backend.
type BenchOpts struct {
	// AfterLoad, if set, runs after a benchmark loads its rows and before
	// it is timed: PostgreSQL runs ANALYZE there, as autovacuum would soon
	// after a bulk load in production, so the planner is not measured
	// blind on a table it has no statistics for.
	AfterLoad func(b *testing.B, s storage.Store)
}

func benchInsert(b *testing.B, s storage.Store, batch int) {
	org, wh := BenchWebhook(b, s)
	ctx := context.Background()
	ps := BenchRows(org, wh, batch)
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.DeliveryInsert(ctx, ps); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func benchList(b *testing.B, s storage.Store, afterLoad func(*testing.B, storage.Store)) {
	org, wh := BenchWebhook(b, s)
	ctx := context.Background()
	ps := BenchRows(org, wh, 500)
	for range 10_000 / len(ps) {
		_, err := s.DeliveryInsert(ctx, ps)
		require.NoError(b, err)
	}
	if afterLoad != nil {
		afterLoad(b, s)
	}
	cursor := ""
	b.ResetTimer()
	for b.Loop() {
		page, err := s.DeliveryList(ctx, &storage.DeliveryListParams{OrganizationID: org, Limit: 50, Cursor: cursor})
		if err != nil {
			b.Fatal(err)
		}
		if len(page.Items) != 50 {
			b.Fatalf("page of %d rows", len(page.Items))
		}
		cursor = page.Next
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
