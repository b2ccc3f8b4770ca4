package storage

import (
	"encoding/base64"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Limits for list calls.
const (
	// LimitDefault is the page size used when a list call's Limit is zero.
	LimitDefault = 50
	// LimitMax is the largest page a list call returns; larger limits are
	// clamped to it.
	LimitMax = 1000
)

// PageLimit returns the effective page size for a requested limit: zero or
// negative means LimitDefault and anything above LimitMax is clamped.
func PageLimit(limit int) int {
	switch {
	case limit <= 0:
		return LimitDefault
	case limit > LimitMax:
		return LimitMax
	default:
		return limit
	}
}

// Cursor is a keyset position in a list ordered newest first by
// (time, id). The zero Cursor means "from the start".
type Cursor struct {
	Time time.Time
	ID   uuid.UUID
}

// IsZero reports whether c is the start-of-list cursor.
func (c Cursor) IsZero() bool { return c.ID == uuid.Nil && c.Time.IsZero() }

// String encodes the cursor as an opaque, URL-safe token.
func (c Cursor) String() string {
	if c.IsZero() {
		return ""
	}
	raw := c.Time.UTC().Format(time.RFC3339Nano) + "|" + c.ID.String()
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// errCursor reports a page token that [Cursor.String] did not make.
var errCursor = &InvalidError{Field: "Cursor", Problem: "is not a page cursor of a list"}

// ParseCursor decodes a token made by [Cursor.String]. The empty string is
// the zero Cursor; anything else that is not a token is [ErrInvalid].
func ParseCursor(token string) (Cursor, error) {
	if token == "" {
		return Cursor{}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return Cursor{}, errCursor
	}
	ts, id, ok := strings.Cut(string(raw), "|")
	if !ok {
		return Cursor{}, errCursor
	}
	t, terr := time.Parse(time.RFC3339Nano, ts)
	u, uerr := uuid.Parse(id)
	if terr != nil || uerr != nil {
		return Cursor{}, errCursor
	}
	return Cursor{Time: t, ID: u}, nil
}

// Page is one page of a list result. Next is the cursor of the following
// page, empty on the last page.
type Page[T any] struct {
	Items []T
	Next  string
}

// TimeRange filters rows by a timestamp: Since is inclusive, Until is
// exclusive, and a zero bound is open.
type TimeRange struct {
	Since time.Time
	Until time.Time
}
