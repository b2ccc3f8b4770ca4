package integration_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/storage"
)

// exportBench is a Manager with one integration holding entries, one a
// second back from the clock.
type exportBench struct {
	e   *env
	in  uuid.UUID
	end time.Time
}

// newExportBench seeds n entries on a store open opens.
func newExportBench(t testing.TB, open opener, n int) *exportBench {
	t.Helper()
	e := &env{ctx: context.Background(), clock: newClock(), org: uuid.New()}
	e.store = open(t, e.clock.Now)
	e.host = newHost(t)
	require.NoError(t, e.host.Register("probe", newProbe("probe")))
	m, err := integration.New(&integration.Config{Store: e.store, Providers: e.host, Clock: e.clock.Now,
		NoLogMaintenance: true, NoHealthCheckScheduler: true})
	require.NoError(t, err)
	e.mgr = m
	in, err := m.IntegrationCreate(e.ctx, &integration.CreateParams{OrganizationID: e.org, Type: "probe", Provider: "probe",
		Name: "SMTP Email", Settings: probeSettings("export-bench")})
	require.NoError(t, err)
	e.seedExport(t, in.ID, n)
	return &exportBench{e: e, in: in.ID, end: e.clock.Now()}
}

// params select the newest n entries.
func (x *exportBench) params(n int) *storage.LogListParams {
	return &storage.LogListParams{OrganizationID: x.e.org, IntegrationID: x.in,
		Time: storage.TimeRange{Since: x.end.Add(-time.Duration(n) * time.Second), Until: x.end}}
}

// heapWriter discards the export and, at every flush (a page of 1,000
// entries), collects garbage and keeps the largest live heap seen.
type heapWriter struct {
	n, flushes int
	peak       uint64
}

func (w *heapWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}

func (w *heapWriter) Flush() {
	w.flushes++
	w.peak = max(w.peak, liveHeap())
}

func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// exportGrowth exports p and returns how far the live heap grew over the
// one before it, at its largest.
func (x *exportBench) exportGrowth(t testing.TB, p *storage.LogListParams, format string) (growth uint64, written int) {
	t.Helper()
	base := liveHeap()
	w := &heapWriter{}
	require.NoError(t, x.e.mgr.LogExport(x.e.ctx, w, p, format))
	if w.peak < base {
		return 0, w.n
	}
	return w.peak - base, w.n
}

// TestLogExportMemoryFlat: the export of 30,000 entries (10,000 under the
// race detector) holds no more live heap than the export of a tenth of
// them (a page of 1,000 and the buffers): it streams; holding them would
// take some 30 (10) MiB. It runs alone (not parallel), so the heap is the
// export's. BenchmarkLogExport100k measures the same at 100,000.
func TestLogExportMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 30,000 entries")
	}
	for _, backend := range []struct {
		name string
		open opener
	}{{"SQLite", openSQLite}, {"PostgreSQL", openPostgres}} {
		t.Run(backend.name, func(t *testing.T) {
			n := 30_000
			if raceEnabled {
				n = 10_000
			}
			x := newExportBench(t, backend.open, n)
			for _, format := range []string{integration.LogFormatCSV, integration.LogFormatNDJSON} {
				small, smallBytes := x.exportGrowth(t, x.params(n/10), format)
				large, largeBytes := x.exportGrowth(t, x.params(n), format)
				t.Logf("%s: live heap grew %d KiB for %d entries (%d KiB written), %d KiB for %d (%d KiB written)",
					format, small>>10, n/10, smallBytes>>10, large>>10, n, largeBytes>>10)
				require.Greater(t, largeBytes, 9*smallBytes, "the large export has ten times the entries")
				require.Less(t, large, small+2<<20, "%s: the live heap does not grow with the entries", format)
				require.Less(t, large, uint64(largeBytes)/8, "%s: far less than the output is ever held", format)
			}
		})
	}
}

// BenchmarkLogExport100k exports 100,000 entries of one integration (a
// third of them errors with endpoint, error and stack; the others sent
// emails with recipients and message IDs) as CSV and NDJSON, on SQLite and
// PostgreSQL, and reports bytes and allocations per entry, entries per
// second, and the largest live-heap growth during one export (MiB): flat,
// since the export streams a page of 1,000 at a time. The 10k cases
// export the newest tenth of the same entries, for comparison.
func BenchmarkLogExport100k(b *testing.B) {
	for _, backend := range []struct {
		name string
		open opener
	}{{"SQLite", openSQLite}, {"PostgreSQL", openPostgres}} {
		b.Run(backend.name, func(b *testing.B) {
			x := newExportBench(b, backend.open, 100_000)
			for _, format := range []string{integration.LogFormatCSV, integration.LogFormatNDJSON} {
				for _, n := range []int{10_000, 100_000} {
					b.Run(format+"/"+map[int]string{10_000: "10k", 100_000: "100k"}[n], func(b *testing.B) {
						benchExport(b, x, format, n)
					})
				}
			}
		})
	}
}

func benchExport(b *testing.B, x *exportBench, format string, n int) {
	p := x.params(n)
	growth, _ := x.exportGrowth(b, p, format)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	iters := 0
	for b.Loop() {
		w := &countWriter{}
		if err := x.e.mgr.LogExport(x.e.ctx, w, p, format); err != nil {
			b.Fatal(err)
		}
		iters++
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	entries := float64(n * iters)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/entries, "B/entry")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/entries, "allocs/entry")
	b.ReportMetric(entries/elapsed.Seconds(), "entries/s")
	b.ReportMetric(float64(growth)/(1<<20), "peak-heap-MiB")
}

// countWriter discards what it is given.
type countWriter struct{ n int }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}
