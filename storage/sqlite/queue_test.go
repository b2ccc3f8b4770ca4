package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// BenchmarkDeliveryClaimFinish claims 100 due rows and finishes each one,
// and reports rows/s (and the milliseconds one claim of 100 takes), without and with a per-webhook limit (which takes the
// capped claim statement). It matches the benchmark of storage/postgres.
func BenchmarkDeliveryClaimFinish(b *testing.B) {
	for _, perWebhook := range []int{0, 100} {
		b.Run(fmt.Sprintf("PerWebhookLimit=%d", perWebhook), func(b *testing.B) {
			s, org, wh := benchWebhook(b)
			benchClaimFinish(b, s, deliveryRows(org, wh, 100), perWebhook)
		})
	}
}

func benchClaimFinish(b *testing.B, s storage.Store, rows []*storage.DeliveryInsertParams, perWebhook int) {
	ctx := context.Background()
	status := 200
	var claimDur time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if _, err := s.DeliveryInsert(ctx, rows); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		claimID := uuid.New()
		t0 := time.Now()
		ds, err := s.DeliveryClaim(ctx, &storage.DeliveryClaimParams{Limit: len(rows), LeaseFor: time.Minute, ClaimID: claimID,
			PerWebhookLimit: perWebhook})
		claimDur += time.Since(t0)
		if err != nil || len(ds) != len(rows) {
			b.Fatalf("claimed %d rows: %v", len(ds), err)
		}
		for _, d := range ds {
			if _, err := s.DeliveryFinish(ctx, &storage.DeliveryFinishParams{OrganizationID: d.OrganizationID, ID: d.ID,
				ClaimID: claimID, Status: storage.DeliverySuccess, ResponseStatus: &status, DurationMS: 12}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(rows)*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(claimDur.Microseconds())/1000/float64(b.N), "claim-ms")
}
