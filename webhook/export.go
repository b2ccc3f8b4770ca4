package webhook

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// ExportFormat is the file format of [Dispatcher.DeliveryExport].
type ExportFormat string

// The export formats.
const (
	// ExportCSV is comma-separated values with a header row
	// ([ExportColumns]), RFC 4180.
	ExportCSV ExportFormat = "csv"
	// ExportNDJSON is one JSON object per line ([ExportRow]).
	ExportNDJSON ExportFormat = "ndjson"
)

// ContentType returns the format's media type, for an HTTP response.
func (f ExportFormat) ContentType() string {
	if f == ExportCSV {
		return "text/csv; charset=utf-8"
	}
	return "application/x-ndjson"
}

// ExportColumns are the CSV header, in order; they are ExportRow's JSON
// names.
var ExportColumns = []string{"id", "createdAt", "deliveredAt", "webhookId", "eventId", "eventType", "status",
	"attempt", "responseStatus", "durationMs", "nextRetryAt", "error", "responseTruncated", "responseBody", "payload"}

// ExportRow is one delivery attempt as exported: the history's columns
// (§12: time, event, status, response, duration) and the details of
// ADMIN-INT-005, except the request headers (signatures).
type ExportRow struct {
	ID                uuid.UUID       `json:"id"`
	CreatedAt         time.Time       `json:"createdAt"`
	DeliveredAt       *time.Time      `json:"deliveredAt"`
	WebhookID         uuid.UUID       `json:"webhookId"`
	EventID           uuid.UUID       `json:"eventId"`
	EventType         string          `json:"eventType"`
	Status            string          `json:"status"`
	Attempt           int             `json:"attempt"`
	ResponseStatus    *int            `json:"responseStatus"`
	DurationMS        *int            `json:"durationMs"`
	NextRetryAt       *time.Time      `json:"nextRetryAt"`
	Error             string          `json:"error"`
	ResponseTruncated bool            `json:"responseTruncated"`
	ResponseBody      string          `json:"responseBody"`
	Payload           json.RawMessage `json:"payload"`
}

// exportBuffer is the size of the writer's buffer: rows reach the
// caller's writer in chunks of this size.
const exportBuffer = 64 << 10

// DeliveryExport writes the delivery history that filter selects (the
// history's filters: subscription, event, event type, statuses, creation
// time; Limit and Cursor are ignored) to w as CSV or NDJSON, newest first,
// and returns how many rows it wrote ("Export Logs", §12). It pages
// through the store a thousand rows at a time and writes each page before
// reading the next, so its memory does not grow with the history
// (BenchmarkDeliveryExport reports allocations per row); ctx ends it
// between pages. In CSV, a text cell that a spreadsheet would read as a
// formula (starting with =, +, -, @, a tab or a carriage return) is
// prefixed with an apostrophe.
func (d *Dispatcher) DeliveryExport(ctx context.Context, w io.Writer, format ExportFormat, filter *storage.DeliveryListParams) (int, error) {
	if err := checkCtx(ctx, "DeliveryExport"); err != nil {
		return 0, err
	}
	if isNil(w) || filter == nil {
		return 0, nilArg("DeliveryExport", "writer or filter")
	}
	bw := bufio.NewWriterSize(w, exportBuffer)
	var enc rowWriter
	switch format {
	case ExportCSV:
		enc = newCSVRows(bw)
	case ExportNDJSON:
		enc = newJSONRows(bw)
	default:
		return 0, fmt.Errorf("webhook: export format %q is not %q or %q", format, ExportCSV, ExportNDJSON)
	}
	p := *filter
	p.Limit, p.Cursor = storage.LimitMax, ""
	n := 0
	for {
		page, err := d.store.DeliveryList(ctx, &p)
		if err != nil {
			return n, err
		}
		for _, row := range page.Items {
			if err := enc.write(row); err != nil {
				return n, fmt.Errorf("webhook: export: %w", err)
			}
			n++
		}
		if err := enc.flush(); err != nil {
			return n, fmt.Errorf("webhook: export: %w", err)
		}
		if page.Next == "" {
			return n, nil
		}
		p.Cursor = page.Next
	}
}

// rowWriter encodes rows in one format.
type rowWriter interface {
	write(d *storage.Delivery) error
	// flush writes what is buffered through to the caller's writer.
	flush() error
}

// exportRow converts a delivery for export.
func exportRow(d *storage.Delivery) ExportRow {
	return ExportRow{ID: d.ID, CreatedAt: d.CreatedAt, DeliveredAt: d.DeliveredAt, WebhookID: d.WebhookID,
		EventID: d.EventID, EventType: d.EventType, Status: string(d.Status), Attempt: d.AttemptNumber,
		ResponseStatus: d.ResponseStatus, DurationMS: d.DurationMS, NextRetryAt: d.NextRetryAt, Error: d.ErrorMessage,
		ResponseTruncated: d.ResponseTruncated, ResponseBody: d.ResponseBody, Payload: d.Payload}
}

// jsonRows writes NDJSON.
type jsonRows struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

func newJSONRows(bw *bufio.Writer) *jsonRows {
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &jsonRows{bw: bw, enc: enc}
}

func (j *jsonRows) write(d *storage.Delivery) error {
	r := exportRow(d)
	if len(r.Payload) == 0 {
		r.Payload = json.RawMessage("null")
	}
	return j.enc.Encode(&r) // Encode ends each value with a newline
}

func (j *jsonRows) flush() error { return j.bw.Flush() }

// csvRows writes CSV, reusing one record.
type csvRows struct {
	bw     *bufio.Writer
	w      *csv.Writer
	rec    []string
	header bool
}

func newCSVRows(bw *bufio.Writer) *csvRows {
	return &csvRows{bw: bw, w: csv.NewWriter(bw), rec: make([]string, len(ExportColumns))}
}

func (c *csvRows) write(d *storage.Delivery) error {
	if !c.header {
		c.header = true
		if err := c.w.Write(ExportColumns); err != nil {
			return err
		}
	}
	r := c.rec
	r[0], r[1], r[2] = d.ID.String(), stamp(&d.CreatedAt), stamp(d.DeliveredAt)
	r[3], r[4], r[5] = d.WebhookID.String(), d.EventID.String(), cell(d.EventType)
	r[6], r[7], r[8] = string(d.Status), strconv.Itoa(d.AttemptNumber), intCell(d.ResponseStatus)
	r[9], r[10], r[11] = intCell(d.DurationMS), stamp(d.NextRetryAt), cell(d.ErrorMessage)
	r[12], r[13], r[14] = strconv.FormatBool(d.ResponseTruncated), cell(d.ResponseBody), cell(string(d.Payload))
	return c.w.Write(r)
}

func (c *csvRows) flush() error {
	if !c.header {
		c.header = true
		if err := c.w.Write(ExportColumns); err != nil {
			return err
		}
	}
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return err
	}
	return c.bw.Flush()
}

// stamp formats an optional time as RFC 3339 in UTC; nil is empty.
func stamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func intCell(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

// cell defuses text a spreadsheet would evaluate as a formula (CSV
// injection): such a cell starts with an apostrophe.
func cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
