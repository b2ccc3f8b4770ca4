package webhook_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

// heapSampler is an io.Writer that discards what it is given and samples
// the heap in use at every write (the export writes in 64 KiB chunks).
type heapSampler struct{ peak uint64 }

func (h *heapSampler) Write(p []byte) (int, error) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h.peak = max(h.peak, ms.HeapInuse)
	return len(p), nil
}

// BenchmarkDeliveryExport exports a history of 100,000 deliveries in each
// format and backend, and reports allocations and bytes allocated per row,
// rows per second and the peak heap in use during the export, beside the
// peak of a 10,000-row export measured in the same run: the two peaks are
// about equal, because the export holds one page of a thousand rows at a
// time whatever the history's length.
func BenchmarkDeliveryExport(b *testing.B) {
	const big, small = 100_000, 10_000
	payload := `{"event":"job.created","timestamp":"2024-12-04T10:30:00Z","data":{"job_id":"JOB-2024-1234",` +
		`"title":"Senior Java Developer","status":"active","bill_rate":85.00}}`
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			st := be.open(b)
			d, err := webhook.New(st, nil)
			require.NoError(b, err)
			bigOrg, smallOrg := uuid.New(), uuid.New()
			seed := func(org uuid.UUID, n int) {
				w, err := d.SubscriptionCreate(context.Background(), &webhook.SubscriptionCreateParams{OrganizationID: org,
					Name: "bench", URL: "https://hooks.example.com/bench", Events: []string{webhook.EventJobCreated}})
				require.NoError(b, err)
				seedHistory(b, st, org, w.ID, n, payload)
			}
			seed(bigOrg, big)
			seed(smallOrg, small)
			for _, format := range []webhook.ExportFormat{webhook.ExportCSV, webhook.ExportNDJSON} {
				b.Run(string(format), func(b *testing.B) { benchExport(b, d, format, bigOrg, smallOrg, big, small) })
			}
		})
	}
}

func benchExport(b *testing.B, d *webhook.Dispatcher, format webhook.ExportFormat, bigOrg, smallOrg uuid.UUID, big, small int) {
	ctx := context.Background()
	export := func(org uuid.UUID, want int) uint64 {
		runtime.GC()
		h := &heapSampler{}
		n, err := d.DeliveryExport(ctx, h, format, &storage.DeliveryListParams{OrganizationID: org})
		require.NoError(b, err)
		require.Equal(b, want, n)
		return h.peak
	}
	smallPeak := export(smallOrg, small)
	var (
		before, after runtime.MemStats
		rows          int
		peak          uint64
		elapsed       time.Duration
	)
	runtime.ReadMemStats(&before)
	for b.Loop() {
		start := time.Now()
		peak = max(peak, export(bigOrg, big))
		elapsed += time.Since(start)
		rows += big
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(rows), "allocs/row")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(rows), "B/row")
	b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB-100k")
	b.ReportMetric(float64(smallPeak)/(1<<20), "peak-heap-MB-10k")
}
