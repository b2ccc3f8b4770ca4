package apiaccess_test

import (
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/apiaccess"
)

// discard is a ResponseWriter that keeps nothing but the status.
type discard struct {
	h      http.Header
	status int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(code int)        { d.status = code }

// BenchmarkMiddlewareOverhead measures the middleware's cost per request
// against the bare handler, on SQLite, with usage recording on and the
// background loop writing it every second. Each iteration serves one request
// bare and one through the middleware; the figures are the medians and 99th
// percentiles of each, and the difference of the medians.
func BenchmarkMiddlewareOverhead(b *testing.B) {
	st := openSQLite(b, filepath.Join(b.TempDir(), "bench.db"), newRing(b), nil)
	svc, err := apiaccess.New(st, &apiaccess.Config{PerMinute: apiaccess.LimitMax, PerHour: apiaccess.LimitMax,
		OrgPerHour: apiaccess.LimitMax})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := svc.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = svc.Stop(ctx) }()
	tok, err := svc.TokenCreate(ctx, &apiaccess.TokenCreateParams{OrganizationID: uuid.New(), Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	mux := testMux()
	wrapped := svc.Middleware(mux)
	bareReq, _ := http.NewRequest(http.MethodGet, "/api/candidates/search", nil)
	req, _ := http.NewRequest(http.MethodGet, "/api/candidates/search", nil)
	req.Header.Set("Authorization", "Bearer "+tok.Secret)
	w := &discard{h: http.Header{}}
	serve := func(h http.Handler, r *http.Request) time.Duration {
		clear(w.h)
		w.status = 0
		start := time.Now()
		h.ServeHTTP(w, r)
		d := time.Since(start)
		if w.status != 0 && w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
		return d
	}
	for range 1000 { // warm up: token cached, budgets leased
		serve(wrapped, req)
	}
	bare := make([]time.Duration, 0, b.N)
	mid := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		bare = append(bare, serve(mux, bareReq))
		mid = append(mid, serve(wrapped, req))
	}
	b.StopTimer()
	q := func(ds []time.Duration, p float64) float64 {
		slices.Sort(ds)
		return float64(ds[int(p*float64(len(ds)-1))].Nanoseconds()) / 1000
	}
	bareMed, midMed := q(bare, 0.5), q(mid, 0.5)
	b.ReportMetric(bareMed, "bare-median-µs")
	b.ReportMetric(midMed, "middleware-median-µs")
	b.ReportMetric(q(mid, 0.99), "middleware-p99-µs")
	b.ReportMetric(midMed-bareMed, "overhead-median-µs")
}
