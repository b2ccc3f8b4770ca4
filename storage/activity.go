package storage

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// IntegrationSync is the latest call to an integration within a batch of
// activity: it moves last_sync forward (never back) and sets
// last_sync_error to Error ("" for a call that succeeded).
type IntegrationSync struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	Time           time.Time
	Error          string
}

// ActivityBatch is what the integration Manager's recorder writes at once:
// the log entries and metric observations of many calls and health checks,
// and the last sync of each integration concerned.
type ActivityBatch struct {
	Logs    []*LogInsertParams
	Metrics []*MetricAddParams
	Syncs   []*IntegrationSync
}

// Len returns how many items the batch holds.
func (b *ActivityBatch) Len() int { return len(b.Logs) + len(b.Metrics) + len(b.Syncs) }

// ActivityStore records batches of activity.
type ActivityStore interface {
	// ActivityRecord writes a batch in one transaction: every part of it
	// or none, so a batch that failed can be written again without
	// counting twice. Metrics add to their buckets as
	// [MetricStore.MetricAdd] does; a sync of an integration that no
	// longer exists, or that is older than the stored last_sync, changes
	// nothing.
	ActivityRecord(ctx context.Context, b *ActivityBatch) error
}
