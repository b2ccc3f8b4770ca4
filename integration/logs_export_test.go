package integration_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/admin"
	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/storage"
)

// The Manager is the admin's log exporter (§8 "Export Logs").
var _ admin.LogExporter = (*integration.Manager)(nil)

// countingStore counts the pages of log entries read.
type countingStore struct {
	storage.Store
	pages atomic.Int64
}

func (s *countingStore) LogList(ctx context.Context, p *storage.LogListParams) (*storage.Page[*storage.LogEntry], error) {
	s.pages.Add(1)
	return s.Store.LogList(ctx, p)
}

// streamWriter records what the export wrote and, at its first write and
// each flush, how many pages had been read by then.
type streamWriter struct {
	bytes.Buffer
	store         *countingStore
	pagesAtFirst  int64
	flushes       int
	pagesAtFlush  []int64
	bytesAtFlush  []int
	wroteAnything bool
}

func (w *streamWriter) Write(p []byte) (int, error) {
	if !w.wroteAnything {
		w.wroteAnything = true
		w.pagesAtFirst = w.store.pages.Load()
	}
	return w.Buffer.Write(p)
}

func (w *streamWriter) Flush() {
	w.flushes++
	w.pagesAtFlush = append(w.pagesAtFlush, w.store.pages.Load())
	w.bytesAtFlush = append(w.bytesAtFlush, w.Len())
}

// seedExport writes n entries to in, one a second back from the clock,
// every third an error with an endpoint, error and stack, the others
// sent emails.
func (e *env) seedExport(t testing.TB, in uuid.UUID, n int) {
	t.Helper()
	now := e.clock.Now()
	for start := 0; start < n; start += storage.LimitMax {
		ps := make([]*storage.LogInsertParams, 0, storage.LimitMax)
		for i := start; i < min(n, start+storage.LimitMax); i++ {
			at := now.Add(-time.Duration(i+1) * time.Second)
			if i%3 == 0 {
				ps = append(ps, logAt(e.org, in, at, storage.LogError, fmt.Sprintf("Connection timeout %d", i),
					`{"endpoint": "smtp.sendgrid.net:587", "error": "ETIMEDOUT after 30000ms", "stack": "goroutine 7 [running]:\nmain.send()", "duration_ms": 30000}`))
				continue
			}
			ps = append(ps, logAt(e.org, in, at, storage.LogInfo, fmt.Sprintf("Email sent successfully %d", i),
				fmt.Sprintf(`{"to": ["candidate%d@example.com", "hr@example.com"], "message_id": "<m%d@sendgrid.net>", "duration_ms": 1200}`, i, i)))
		}
		e.seedLog(t, ps...)
	}
}

// TestLogExport: Export Logs (§8) writes what the filter selects, newest
// first, as NDJSON or CSV, streamed page by page and flushed as it goes.
func TestLogExport(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, &envOpts{config: noLogMaintenance})
		cs := &countingStore{Store: e.store}
		mgr := e.newManager(t, cs, &envOpts{config: noLogMaintenance, noStart: true})
		in := e.create(t, &integration.CreateParams{Name: "=SMTP Email", Settings: probeSettings("export")})
		other := e.create(t, &integration.CreateParams{Settings: probeSettings("export-other")})
		e.flush(t)
		const n = 2500
		e.seedExport(t, in.ID, n)
		e.seedLog(t, logAt(e.org, other.ID, e.clock.Now().Add(-time.Second), storage.LogInfo, "other", ""))
		window := storage.TimeRange{Since: e.clock.Now().Add(-time.Hour), Until: e.clock.Now()} // not the health checks
		p := &storage.LogListParams{OrganizationID: e.org, IntegrationID: in.ID, Time: window, Limit: 7}

		t.Run("NDJSON", func(t *testing.T) {
			cs.pages.Store(0)
			w := &streamWriter{store: cs}
			require.NoError(t, mgr.LogExport(e.ctx, w, p, integration.LogFormatNDJSON))
			require.Equal(t, int64(1), w.pagesAtFirst, "the first page is written before the second is read")
			require.Equal(t, []int64{1, 2, 3}, w.pagesAtFlush, "a page of 1,000 read, written and flushed at a time")
			var got []map[string]any
			sc := bufio.NewScanner(&w.Buffer)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				var m map[string]any
				require.NoError(t, json.Unmarshal(sc.Bytes(), &m), "one object per line: %s", sc.Text())
				got = append(got, m)
			}
			require.Equal(t, n, len(got), "every entry, not the filter's page size")
			require.Equal(t, "Email sent successfully 2", got[2]["message"], "newest first")
			require.Equal(t, "error", got[n-1]["level"])
			require.Equal(t, in.ID.String(), got[0]["integration_id"])
			require.Equal(t, e.clock.Now().Add(-time.Second).UTC().Format("2006-01-02T15:04:05.000000Z07:00"), got[0]["time"])
			d := got[2]["details"].(map[string]any)
			require.Equal(t, "<m2@sendgrid.net>", d["message_id"])
			require.NotEmpty(t, got[0]["id"])
		})

		t.Run("CSV", func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, mgr.LogExport(e.ctx, &buf, p, integration.LogFormatCSV))
			rows, err := csv.NewReader(&buf).ReadAll()
			require.NoError(t, err)
			require.Equal(t, integration.LogExportColumns, rows[0])
			require.Equal(t, []string{"time", "level", "integration", "integration_id", "message", "host", "port", "error",
				"stack", "message_id", "recipient", "duration_ms", "details", "id"}, rows[0])
			require.Equal(t, n+1, len(rows))
			errRow, sentRow := rows[n], rows[3] // after the header
			require.Equal(t, []string{"error", "'=SMTP Email", in.ID.String(), "Connection timeout 2499", "smtp.sendgrid.net", "587",
				"ETIMEDOUT after 30000ms", "goroutine 7 [running]:\nmain.send()", "", "", "30000"}, errRow[1:12],
				"a name a spreadsheet would run is quoted")
			require.Equal(t, []string{"info", "Email sent successfully 2", "", "", "", "", "<m2@sendgrid.net>",
				"candidate2@example.com; hr@example.com", "1200"}, append(sentRow[1:2], sentRow[4:12]...))
			require.JSONEq(t, `{"to": ["candidate2@example.com", "hr@example.com"], "message_id": "<m2@sendgrid.net>", "duration_ms": 1200}`, sentRow[12])
			_, err = uuid.Parse(sentRow[13])
			require.NoError(t, err)
		})

		t.Run("the screen's filters", func(t *testing.T) {
			var buf bytes.Buffer
			f := *p
			f.Levels, f.Search = []storage.LogLevel{storage.LogError}, "TIMEOUT 24"
			require.NoError(t, mgr.LogExport(e.ctx, &buf, &f, integration.LogFormatNDJSON))
			lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
			want := 0
			for i := range n {
				if i%3 == 0 && strings.HasPrefix(fmt.Sprint(i), "24") {
					want++
				}
			}
			require.Equal(t, 39, want, "24, 4 of 240-249 and 34 of 2400-2499")
			require.Equal(t, want, len(lines))
		})

		t.Run("the organization's entries", func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, mgr.LogExport(e.ctx, &buf, &storage.LogListParams{OrganizationID: e.org, Time: window}, integration.LogFormatCSV))
			rows, err := csv.NewReader(&buf).ReadAll()
			require.NoError(t, err)
			require.Equal(t, 1+n+1, len(rows), "both integrations")
		})

		t.Run("refusals write nothing", func(t *testing.T) {
			var buf bytes.Buffer
			err := mgr.LogExport(e.ctx, &buf, p, "xml")
			require.ErrorContains(t, err, `log export format "xml" is not supported: use "csv" or "ndjson"`)
			err = mgr.LogExport(e.ctx, &buf, &storage.LogListParams{OrganizationID: uuid.New(), IntegrationID: in.ID}, integration.LogFormatCSV)
			require.ErrorIs(t, err, storage.ErrNotFound, "another organization's integration")
			require.Zero(t, buf.Len())
		})

		t.Run("a cancelled export ends", func(t *testing.T) {
			var full bytes.Buffer
			require.NoError(t, mgr.LogExport(e.ctx, &full, p, integration.LogFormatNDJSON))
			ctx, cancel := context.WithCancel(e.ctx)
			w := &cancelWriter{cancel: cancel}
			err := mgr.LogExport(ctx, w, p, integration.LogFormatNDJSON)
			require.ErrorIs(t, err, context.Canceled)
			require.Less(t, w.n, full.Len()/2, "stopped after the first page")
		})
	})
}

// cancelWriter cancels the export at its first write.
type cancelWriter struct {
	cancel context.CancelFunc
	n      int
}

func (w *cancelWriter) Write(p []byte) (int, error) {
	w.cancel()
	w.n += len(p)
	return len(p), nil
}

var _ io.Writer = (*cancelWriter)(nil)
