package integration

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// Log export formats ([Manager.LogExport]).
const (
	LogFormatCSV    = "csv"
	LogFormatNDJSON = "ndjson"
)

// LogExportColumns is the header row of a CSV log export, in order.
var LogExportColumns = []string{"time", "level", "integration", "integration_id", "message", "host", "port", "error",
	"stack", "message_id", "recipient", "duration_ms", "details", "id"}

// logTimeLayout writes an entry's time in UTC with microseconds, a fixed
// width that sorts as text.
const logTimeLayout = "2006-01-02T15:04:05.000000Z07:00"

// exportBuffer is the buffer between the NDJSON encoder and the writer
// (csv.Writer has its own).
const exportBuffer = 32 << 10

// LogExport writes the entries p selects, newest first, as format:
//
//   - "csv": a header row ([LogExportColumns]) and one row per entry: the
//     time (RFC 3339 in UTC, microseconds), the level, the integration's
//     name and ID, the message, the details the logs screen names (host
//     and port of the endpoint, error, stack trace, message ID,
//     recipients joined by "; ", duration in milliseconds; empty when the
//     entry has none), every detail as a JSON object, and the entry's ID.
//     A text cell that a spreadsheet would run as a formula (starting with
//     =, +, -, @, a tab or a carriage return) is prefixed with ', as
//     OWASP advises.
//   - "ndjson": one JSON object per line: id, time, level, integration_id,
//     message and details (the stored object, as it is).
//
// It streams (§8 "Export Logs"): it reads a page of storage.LimitMax
// entries at a time by keyset, starting at p.Cursor (p.Limit is ignored),
// writes it and flushes it, to an http.Flusher too, so a month of entries
// never sits in memory; entries written during the export are in it only
// if older than the page being read. An unknown format, or another
// organization's integration, is an error before anything is written; a
// store error midway ends the output short and is returned.
// *Manager implements the admin package's LogExporter with it.
func (m *Manager) LogExport(ctx context.Context, w io.Writer, p *storage.LogListParams, format string) error {
	if p == nil {
		return fmt.Errorf("integration: LogExport needs the filter")
	}
	var enc logEncoder
	switch format {
	case LogFormatCSV:
		enc = newCSVEncoder(m, w)
	case LogFormatNDJSON:
		enc = newNDJSONEncoder(w)
	default:
		return fmt.Errorf("integration: log export format %q is not supported: use %q or %q", format, LogFormatCSV, LogFormatNDJSON)
	}
	if err := m.ownIntegration(ctx, p.OrganizationID, p.IntegrationID); err != nil {
		return err
	}
	q := *p
	q.Limit = storage.LimitMax
	if err := enc.header(); err != nil {
		return err
	}
	for {
		page, err := m.store.LogList(ctx, &q)
		if err != nil {
			return fmt.Errorf("integration: export logs: %w", err)
		}
		for _, e := range page.Items {
			if err := enc.entry(ctx, e); err != nil {
				return err
			}
		}
		if err := enc.flush(); err != nil {
			return err
		}
		flushHTTP(w)
		if page.Next == "" {
			return nil
		}
		q.Cursor = page.Next
	}
}

// flushHTTP sends what was written on to the client, when w is an HTTP
// response.
func flushHTTP(w io.Writer) {
	switch f := w.(type) {
	case http.Flusher:
		f.Flush()
	case interface{ Flush() error }:
		_ = f.Flush()
	}
}

// logEncoder writes entries in one export format.
type logEncoder interface {
	header() error
	entry(ctx context.Context, e *storage.LogEntry) error
	flush() error
}

// ndjsonEncoder writes one JSON object per line.
type ndjsonEncoder struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

func newNDJSONEncoder(w io.Writer) *ndjsonEncoder {
	bw := bufio.NewWriterSize(w, exportBuffer)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &ndjsonEncoder{bw: bw, enc: enc}
}

// ndjsonEntry is an entry's line.
type ndjsonEntry struct {
	ID            uuid.UUID        `json:"id"`
	Time          string           `json:"time"`
	Level         storage.LogLevel `json:"level"`
	IntegrationID uuid.UUID        `json:"integration_id"`
	Message       string           `json:"message"`
	Details       json.RawMessage  `json:"details,omitempty"`
}

func (n *ndjsonEncoder) header() error { return nil }

func (n *ndjsonEncoder) entry(_ context.Context, e *storage.LogEntry) error {
	return n.enc.Encode(&ndjsonEntry{ID: e.ID, Time: e.Time.UTC().Format(logTimeLayout), Level: e.Level,
		IntegrationID: e.IntegrationID, Message: e.Message, Details: e.Details})
}

func (n *ndjsonEncoder) flush() error { return n.bw.Flush() }

// csvEncoder writes a header row and a row per entry.
type csvEncoder struct {
	m     *Manager
	cw    *csv.Writer
	row   []string
	names map[uuid.UUID]string
}

func newCSVEncoder(m *Manager, w io.Writer) *csvEncoder {
	return &csvEncoder{m: m, cw: csv.NewWriter(w),
		row: make([]string, len(LogExportColumns)), names: map[uuid.UUID]string{}}
}

func (c *csvEncoder) header() error { return c.cw.Write(LogExportColumns) }

func (c *csvEncoder) entry(ctx context.Context, e *storage.LogEntry) error {
	var f logFields
	if len(e.Details) > 0 {
		_ = json.Unmarshal(e.Details, &f)
	}
	l := &LogLine{}
	f.fill(l)
	r := c.row
	r[0] = e.Time.UTC().Format(logTimeLayout)
	r[1] = string(e.Level)
	r[2] = cell(c.name(ctx, e.OrganizationID, e.IntegrationID))
	r[3] = e.IntegrationID.String()
	r[4] = cell(e.Message)
	r[5], r[6] = cell(l.Host), ""
	if l.Port != 0 {
		r[6] = strconv.Itoa(l.Port)
	}
	r[7], r[8], r[9] = cell(l.Error), cell(l.Stack), cell(l.MessageID)
	r[10] = cell(strings.Join(l.Recipients, "; "))
	r[11] = ""
	if l.HasDuration {
		r[11] = strconv.FormatInt(l.Duration.Milliseconds(), 10)
	}
	r[12] = string(e.Details)
	r[13] = e.ID.String()
	return c.cw.Write(r)
}

// name is an integration's name, read once per export; a deleted
// integration has none.
func (c *csvEncoder) name(ctx context.Context, orgID, id uuid.UUID) string {
	if n, ok := c.names[id]; ok {
		return n
	}
	n := ""
	if in, err := c.m.store.IntegrationGet(ctx, orgID, id); err == nil {
		n = in.Name
	}
	c.names[id] = n
	return n
}

func (c *csvEncoder) flush() error {
	c.cw.Flush()
	return c.cw.Error()
}

// cell keeps a text cell from running as a spreadsheet formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
