package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// BenchmarkDeliveryClaimFinish claims 100 due rows and finishes them, one
// DeliveryFinish each or one DeliveryFinishBatch for all (as the
// dispatcher does), and reports rows/s (and the milliseconds one claim of
// 100 takes), without and with a per-webhook limit (which takes the capped
// claim statement). The sqlite and postgres packages run the same one.
func BenchmarkDeliveryClaimFinish(b *testing.B) {
	for _, perWebhook := range []int{0, 100} {
		for _, batch := range []bool{false, true} {
			b.Run(fmt.Sprintf("PerWebhookLimit=%d/Batch=%v", perWebhook, batch), func(b *testing.B) {
				s, org, wh := benchWebhook(b)
				benchClaimFinish(b, s, deliveryRows(org, wh, 100), perWebhook, batch)
			})
		}
	}
}

func benchClaimFinish(b *testing.B, s storage.Store, rows []*storage.DeliveryInsertParams, perWebhook int, batch bool) {
	ctx := context.Background()
	status := 200
	hdr := http.Header{"Content-Type": {"application/json"}, "X-Intime-Event": {"job.created"}}
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
		ps := make([]*storage.DeliveryFinishParams, len(ds))
		for k, d := range ds {
			ps[k] = &storage.DeliveryFinishParams{OrganizationID: d.OrganizationID, ID: d.ID, ClaimID: claimID,
				Status: storage.DeliverySuccess, ResponseStatus: &status, DurationMS: 12, RequestHeaders: hdr, ResponseHeaders: hdr}
		}
		if batch {
			errs, err := s.DeliveryFinishBatch(ctx, ps)
			if err == nil {
				err = errors.Join(errs...)
			}
			if err != nil {
				b.Fatal(err)
			}
			continue
		}
		for _, p := range ps {
			if _, err := s.DeliveryFinish(ctx, p); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(rows)*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(claimDur.Microseconds())/1000/float64(b.N), "claim-ms")
}
