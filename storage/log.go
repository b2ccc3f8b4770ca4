package storage

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// LogLevel is the severity of an integration log entry.
type LogLevel string

// Log levels, as the logs screen filters them.
const (
	LogDebug LogLevel = "debug"
	LogInfo  LogLevel = "info"
	LogWarn  LogLevel = "warn"
	LogError LogLevel = "error"
)

// LogEntry is one line of an integration's log (a row of integration_logs).
type LogEntry struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	Level          LogLevel
	Message        string
	// Details holds structured fields as a JSON object; callers mask
	// secrets before they get here.
	Details json.RawMessage
	Time    time.Time
}

// LogInsertParams are the fields of a new log entry. Time defaults to now.
type LogInsertParams struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	Level          LogLevel
	Message        string
	Details        json.RawMessage
	Time           time.Time
}

// LogListParams filters an integration's log, newest first.
type LogListParams struct {
	OrganizationID uuid.UUID
	// IntegrationID, when set, keeps one integration's entries.
	IntegrationID uuid.UUID
	Levels        []LogLevel
	Time          TimeRange
	// Search keeps entries whose message contains it, ignoring case.
	Search string
	Limit  int
	Cursor string
}

// LogStore persists integration logs.
type LogStore interface {
	LogInsert(ctx context.Context, ps []*LogInsertParams) error
	LogList(ctx context.Context, p *LogListParams) (*Page[*LogEntry], error)
	// LogDeleteBefore deletes entries of every organization older than
	// before, at most limit of them, and returns how many; retention runs
	// it in batches.
	LogDeleteBefore(ctx context.Context, before time.Time, limit int) (int, error)
}
