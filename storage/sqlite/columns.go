package sqlite

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/intimeos/integrations/storage/internal/headerjson"
)

// TimeLayout is how timestamps are stored: UTC, microseconds, fixed width,
// so that text order is time order.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// ts formats a time for a timestamp column.
func ts(t time.Time) string { return t.UTC().Truncate(time.Microsecond).Format(TimeLayout) }

// tsPtr formats an optional time; nil is NULL.
func tsPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

// parseTime reads a timestamp column back, in UTC.
func parseTime(src any) (time.Time, error) {
	var text string
	switch v := src.(type) {
	case string:
		text = v
	case []byte:
		text = string(v)
	case time.Time:
		return v.UTC(), nil
	default:
		return time.Time{}, fmt.Errorf("sqlite: timestamp column holds %T", src)
	}
	t, err := time.Parse(TimeLayout, text)
	if err != nil {
		if t, err = time.Parse(time.RFC3339Nano, text); err != nil {
			return time.Time{}, fmt.Errorf("sqlite: bad timestamp %q", text)
		}
	}
	return t.UTC(), nil
}

// timeCol scans a NOT NULL timestamp column.
type timeCol struct{ dst *time.Time }

func (c timeCol) Scan(src any) (err error) {
	*c.dst, err = parseTime(src)
	return err
}

// timePtrCol scans a nullable timestamp column; NULL is nil.
type timePtrCol struct{ dst **time.Time }

func (c timePtrCol) Scan(src any) error {
	if src == nil {
		*c.dst = nil
		return nil
	}
	t, err := parseTime(src)
	if err != nil {
		return err
	}
	*c.dst = &t
	return nil
}

// textBytes returns a TEXT or BLOB column's bytes; ok is false for NULL.
func textBytes(src any) (b []byte, ok bool, err error) {
	switch v := src.(type) {
	case nil:
		return nil, false, nil
	case string:
		return []byte(v), true, nil
	case []byte:
		return append([]byte(nil), v...), true, nil
	default:
		return nil, false, fmt.Errorf("sqlite: text column holds %T", src)
	}
}

// jsonCol scans a JSON text column as raw JSON; NULL is nil.
type jsonCol struct{ dst *json.RawMessage }

func (c jsonCol) Scan(src any) error {
	b, ok, err := textBytes(src)
	if !ok {
		*c.dst = nil
		return err
	}
	*c.dst = b
	return nil
}

// jsonValueCol scans a JSON text column into a Go value; NULL leaves the
// zero value.
type jsonValueCol[T any] struct{ dst *T }

func (c jsonValueCol[T]) Scan(src any) error {
	b, ok, err := textBytes(src)
	if !ok {
		var zero T
		*c.dst = zero
		return err
	}
	if err := json.Unmarshal(b, c.dst); err != nil {
		return fmt.Errorf("sqlite: decode JSON column: %w", err)
	}
	return nil
}

// jsonText maps a JSON document to its text; empty is NULL.
func jsonText(j json.RawMessage) any {
	if len(j) == 0 {
		return nil
	}
	return string(j)
}

// jsonArray encodes a string list as a JSON array; nil is [].
func jsonArray(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// encodeHeader encodes headers as JSON text; nil is NULL.
func encodeHeader(h http.Header) any {
	if h == nil {
		return nil
	}
	return string(headerjson.Marshal(h))
}

// headerCol scans a JSON headers column; NULL is nil.
func headerCol(dst *http.Header) jsonValueCol[http.Header] {
	return jsonValueCol[http.Header]{dst: dst}
}

// boolArg maps an optional bool to 0/1; nil is NULL.
func boolArg(b *bool) any {
	if b == nil {
		return nil
	}
	if *b {
		return int64(1)
	}
	return int64(0)
}
