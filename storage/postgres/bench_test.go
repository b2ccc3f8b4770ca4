package postgres_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/storagetest"
)

// The benchmarks match those of storage/sqlite, so the two backends can be
// compared figure for figure.

// benchPayload is a typical small event body.
var benchPayload = json.RawMessage(`{"event":"job.created","data":{"id":"job_123","title":"Forklift operator","site":"Leeds"}}`)

// benchWebhook returns a migrated store on a fresh schema with one
// subscription.
func benchWebhook(b *testing.B) (storage.Store, uuid.UUID, uuid.UUID) {
	b.Helper()
	ring, err := newRing()
	require.NoError(b, err)
	_, dsn := pgtest.Schema(b)
	s, err := postgres.New(pgtest.PoolOn(b, dsn), &postgres.Config{Sealer: ring})
	require.NoError(b, err)
	ctx := context.Background()
	require.NoError(b, s.Migrate(ctx))
	org := storagetest.NewOrgID()
	wh, err := s.WebhookCreate(ctx, &storage.WebhookCreateParams{OrganizationID: org, Name: "bench",
		URL: "https://example.com/hook", Secret: "whsec", Events: []string{"job.created"}})
	require.NoError(b, err)
	return s, org, wh.ID
}

func deliveryRows(org, webhook uuid.UUID, n int) []*storage.DeliveryInsertParams {
	ps := make([]*storage.DeliveryInsertParams, n)
	for i := range ps {
		ps[i] = &storage.DeliveryInsertParams{OrganizationID: org, WebhookID: webhook, EventType: "job.created", Payload: benchPayload}
	}
	return ps
}

// BenchmarkDeliveryInsert inserts one delivery per call (one transaction
// each) and reports rows/s.
func BenchmarkDeliveryInsert(b *testing.B) {
	s, org, wh := benchWebhook(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.DeliveryInsert(ctx, deliveryRows(org, wh, 1)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkDeliveryInsertBatch100 inserts 100 deliveries per call (one
// transaction) and reports rows/s.
func BenchmarkDeliveryInsertBatch100(b *testing.B) {
	s, org, wh := benchWebhook(b)
	ctx := context.Background()
	ps := deliveryRows(org, wh, 100)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.DeliveryInsert(ctx, ps); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(100*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkDeliveryList pages through 10,000 deliveries 50 at a time,
// following the cursors and starting over at the end, and reports pages/s.
func BenchmarkDeliveryList(b *testing.B) {
	s, org, wh := benchWebhook(b)
	ctx := context.Background()
	ps := deliveryRows(org, wh, 500)
	for range 10_000 / len(ps) {
		_, err := s.DeliveryInsert(ctx, ps)
		require.NoError(b, err)
	}
	cursor := ""
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
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
