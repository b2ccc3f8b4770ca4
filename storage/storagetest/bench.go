package storagetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

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
		URL: "https://example.com/hook", Secret: NewSecret(), Events: []string{"job.created"}})
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
// they compare one for one: single-row and 100-row delivery inserts (rows/s),
// paging through 10,000 deliveries 50 at a time (pages/s), and claiming and
// finishing 100 queued deliveries, without and with a per-webhook limit
// (which takes the capped claim statement) and one finish each or one batch
// (rows/s and claim-ms). newStore
// returns a fresh, migrated, empty store; opts may be nil.
func Benchmark(b *testing.B, newStore func(b *testing.B) storage.Store, opts *BenchOpts) {
	if opts == nil {
		opts = &BenchOpts{}
	}
	b.Run("DeliveryInsert", func(b *testing.B) { benchInsert(b, newStore(b), 1) })
	b.Run("DeliveryInsertBatch100", func(b *testing.B) { benchInsert(b, newStore(b), 100) })
	b.Run("DeliveryList", func(b *testing.B) { benchList(b, newStore(b), opts.AfterLoad) })
	for _, perWebhook := range []int{0, 100} {
		for _, batch := range []bool{false, true} {
			name := fmt.Sprintf("DeliveryClaimFinish/PerWebhookLimit=%d/Batch=%v", perWebhook, batch)
			b.Run(name, func(b *testing.B) { benchClaimFinish(b, newStore(b), perWebhook, batch) })
		}
	}
	b.Run("DeliverySteady", func(b *testing.B) { benchSteady(b, newStore(b)) })
	b.Run("DeliveryPruneNothingDue", func(b *testing.B) { benchPruneIdle(b, newStore(b)) })
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

// benchClaimFinish claims 100 due rows and finishes them, one DeliveryFinish
// each or one DeliveryFinishBatch for all (as the dispatcher does), and
// reports rows/s and the milliseconds one claim of 100 takes.
func benchClaimFinish(b *testing.B, s storage.Store, perWebhook int, batch bool) {
	org, wh := BenchWebhook(b, s)
	rows := BenchRows(org, wh, 100)
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

// Shape of benchSteady, as the dispatcher's benchmark runs it: 4
// subscriptions capped at 16 leases each, claims of 16 rows, and 3 claims
// in flight (48 rows leased) when the next one is made.
const (
	steadyWebhooks = 4
	steadyCap      = 16
	steadyClaim    = 16
	steadyInFlight = 3
)

// benchSteady measures the queue as a busy dispatcher uses it: a backlog
// of several thousand rows over 4 subscriptions, rows of earlier claims
// still leased, each claim capped per subscription and each claim's rows
// finished in one batch a few claims later. It reports the microseconds one
// claimed row costs in the claim and in the batch finish.
func benchSteady(b *testing.B, s storage.Store) {
	ctx := context.Background()
	org := NewOrgID()
	var rows []*storage.DeliveryInsertParams
	for i := range steadyWebhooks {
		wh, err := s.WebhookCreate(ctx, &storage.WebhookCreateParams{OrganizationID: org, Name: fmt.Sprint("steady", i),
			URL: "https://example.com/hook", Secret: NewSecret(), Events: []string{"job.created"}})
		require.NoError(b, err)
		rows = append(rows, BenchRows(org, wh.ID, 250)...)
	}
	backlog := 0
	refill := func(need int) {
		for backlog < need+len(rows) {
			_, err := s.DeliveryInsert(ctx, rows)
			require.NoError(b, err)
			backlog += len(rows)
		}
	}
	refill(8 * len(rows))
	type claim struct {
		id   uuid.UUID
		rows []*storage.Delivery
	}
	var inFlight []claim
	var claimDur, finishDur time.Duration
	claimed, finished := 0, 0
	status := 200
	hdr := http.Header{"Content-Type": {"application/json"}, "X-Intime-Event": {"job.created"}}
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		refill(steadyClaim * steadyInFlight)
		b.StartTimer()
		c := claim{id: uuid.New()}
		t0 := time.Now()
		var err error
		c.rows, err = s.DeliveryClaim(ctx, &storage.DeliveryClaimParams{Limit: steadyClaim, LeaseFor: time.Minute,
			ClaimID: c.id, PerWebhookLimit: steadyCap})
		claimDur += time.Since(t0)
		require.NoError(b, err)
		claimed += len(c.rows)
		backlog -= len(c.rows)
		inFlight = append(inFlight, c)
		if len(inFlight) <= steadyInFlight {
			continue
		}
		done := inFlight[0]
		inFlight = inFlight[1:]
		ps := make([]*storage.DeliveryFinishParams, len(done.rows))
		for k, d := range done.rows {
			ps[k] = &storage.DeliveryFinishParams{OrganizationID: d.OrganizationID, ID: d.ID, ClaimID: done.id,
				Status: storage.DeliverySuccess, ResponseStatus: &status, DurationMS: 12, RequestHeaders: hdr, ResponseHeaders: hdr}
		}
		t0 = time.Now()
		errs, err := s.DeliveryFinishBatch(ctx, ps)
		finishDur += time.Since(t0)
		require.NoError(b, err)
		require.NoError(b, errors.Join(errs...))
		finished += len(ps)
	}
	b.ReportMetric(float64(claimDur.Nanoseconds())/1000/float64(max(claimed, 1)), "claim-us/row")
	b.ReportMetric(float64(finishDur.Nanoseconds())/1000/float64(max(finished, 1)), "finish-us/row")
	b.ReportMetric(0, "ns/op")
}

// benchPruneIdle measures the retention pass that finds nothing to delete,
// which is what almost every pass finds (it runs every ReapInterval): one
// DeliveryDeleteBefore over 100,000 finished rows, all newer than the
// cutoff.
func benchPruneIdle(b *testing.B, s storage.Store) {
	ctx := context.Background()
	org, wh := BenchWebhook(b, s)
	rows := BenchRows(org, wh, 500)
	for _, r := range rows {
		r.Status = storage.DeliverySuccess
	}
	for range 200 {
		_, err := s.DeliveryInsert(ctx, rows)
		require.NoError(b, err)
	}
	cutoff := time.Now().Add(-time.Hour)
	b.ResetTimer()
	for b.Loop() {
		n, err := s.DeliveryDeleteBefore(ctx, cutoff, 1000)
		require.NoError(b, err)
		require.Zero(b, n)
	}
}
