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
	// LogDeleteIntegration deletes every entry of one integration of the
	// organization and returns how many (zero for another organization's
	// integration).
	LogDeleteIntegration(ctx context.Context, orgID, integrationID uuid.UUID) (int, error)
	// LogSummaryPending lists the integrations, of every organization,
	// that have metric buckets on p.Day and no daily summary of that day
	// yet, with their sums, at most p.Limit of them.
	LogSummaryPending(ctx context.Context, p *LogSummaryPendingParams) ([]*LogDayCalls, error)
	// LogSummaryInsert claims the daily summary of p.IntegrationID for day
	// (the start of a UTC day) and inserts p, in one transaction. It
	// returns false, writing nothing, when the day was claimed already, by
	// any process: the summary is written once per day across hosts.
	LogSummaryInsert(ctx context.Context, day time.Time, p *LogInsertParams) (bool, error)
}

// LogDayCalls are one integration's calls on one UTC day, summed from its
// metric buckets: what its daily summary says.
type LogDayCalls struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	// Type is the integration's type ("email").
	Type string
	// Calls counts the observations, Errors those that failed.
	Calls, Errors int64
}

// LogSummaryPendingParams select the integrations due a daily summary.
type LogSummaryPendingParams struct {
	// Day is the start (midnight UTC) of the day summarised.
	Day time.Time
	// MetricPrefix keeps the buckets whose metric starts with it
	// ("call."); empty keeps every metric.
	MetricPrefix string
	// Limit is the most integrations returned ([PageLimit]).
	Limit int
}
