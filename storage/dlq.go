package storage

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// DLQEntry is a delivery that failed every retry and waits for an admin (a
// row of webhook_dlq).
type DLQEntry struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	WebhookID      uuid.UUID
	DeliveryID     uuid.UUID
	Reason         string
	AddedAt        time.Time
}

// DLQAddParams are the fields of a new dead-letter entry.
type DLQAddParams struct {
	OrganizationID uuid.UUID
	WebhookID      uuid.UUID
	DeliveryID     uuid.UUID
	Reason         string
}

// DLQListParams filters the dead-letter queue, newest first.
type DLQListParams struct {
	OrganizationID uuid.UUID
	// WebhookID, when set, keeps one subscription's entries.
	WebhookID uuid.UUID
	Limit     int
	Cursor    string
}

// DLQStore persists the dead-letter queue.
type DLQStore interface {
	DLQAdd(ctx context.Context, p *DLQAddParams) (*DLQEntry, error)
	DLQGet(ctx context.Context, orgID, id uuid.UUID) (*DLQEntry, error)
	DLQList(ctx context.Context, p *DLQListParams) (*Page[*DLQEntry], error)
	DLQDelete(ctx context.Context, orgID, id uuid.UUID) error
	// DLQDeleteEvent deletes the entries of one event's deliveries to one
	// subscription (a replay starts the event over), except an entry of the
	// delivery keep (the replay's own row, which may fail and be
	// dead-lettered at once), and returns how many.
	DLQDeleteEvent(ctx context.Context, orgID, webhookID, eventID, keep uuid.UUID) (int, error)
	// DLQClear deletes an organization's entries (one subscription's when
	// webhookID is not uuid.Nil) and returns how many.
	DLQClear(ctx context.Context, orgID, webhookID uuid.UUID) (int, error)
}
