package storage

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// WebhookStatus is the state of a webhook subscription.
type WebhookStatus string

// Webhook statuses.
const (
	WebhookActive   WebhookStatus = "active"
	WebhookDisabled WebhookStatus = "disabled"
)

// Webhook is an outbound webhook subscription (a row of the webhooks table).
type Webhook struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	Name           string
	URL            string
	// Secret signs deliveries. Plaintext here, sealed at rest.
	Secret string
	// PreviousSecret keeps signing alongside Secret until
	// PreviousSecretExpiresAt, after a regeneration. Sealed at rest.
	PreviousSecret          string
	PreviousSecretExpiresAt *time.Time
	Events                  []string
	Status                  WebhookStatus
	// DisabledReason says why the subscription was disabled, when it was
	// disabled by the system (for example after an HTTP 410).
	DisabledReason string
	// RetryPolicy is the subscription's retry policy as JSON, or nil for
	// the organization default.
	RetryPolicy json.RawMessage
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// WebhookCreateParams are the fields of a new subscription. Status defaults
// to [WebhookActive]. A name already used in the organization is
// [ErrConflict].
type WebhookCreateParams struct {
	OrganizationID uuid.UUID
	Name           string
	URL            string
	Secret         string
	Events         []string
	Status         WebhookStatus
	RetryPolicy    json.RawMessage
}

// WebhookUpdateParams changes a subscription. Nil fields are left as they
// are. Setting PreviousSecret to a pointer to "" clears it.
type WebhookUpdateParams struct {
	OrganizationID          uuid.UUID
	ID                      uuid.UUID
	Name                    *string
	URL                     *string
	Secret                  *string
	PreviousSecret          *string
	PreviousSecretExpiresAt *time.Time
	Events                  []string
	Status                  *WebhookStatus
	DisabledReason          *string
	RetryPolicy             json.RawMessage
	// IfUpdatedAt, when set, makes the update apply only while the
	// subscription's UpdatedAt is still this (it was read at that
	// version); otherwise it is [ErrConflict] and nothing changes.
	IfUpdatedAt *time.Time
}

// WebhookListParams filters a list of subscriptions, newest first.
type WebhookListParams struct {
	OrganizationID uuid.UUID
	Statuses       []WebhookStatus
	// Event, when set, keeps subscriptions to this event type.
	Event  string
	Limit  int
	Cursor string
}

// WebhookStore persists webhook subscriptions.
type WebhookStore interface {
	WebhookCreate(ctx context.Context, p *WebhookCreateParams) (*Webhook, error)
	WebhookGet(ctx context.Context, orgID, id uuid.UUID) (*Webhook, error)
	WebhookList(ctx context.Context, p *WebhookListParams) (*Page[*Webhook], error)
	WebhookUpdate(ctx context.Context, p *WebhookUpdateParams) (*Webhook, error)
	WebhookDelete(ctx context.Context, orgID, id uuid.UUID) error
}
