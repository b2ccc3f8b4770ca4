package storage

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// DeliveryStatus is the state of one delivery attempt.
type DeliveryStatus string

// Delivery statuses, as the spec's schema lists them.
const (
	DeliveryPending DeliveryStatus = "pending"
	DeliverySuccess DeliveryStatus = "success"
	DeliveryFailed  DeliveryStatus = "failed"
	DeliveryDLQ     DeliveryStatus = "dlq"
)

// Delivery is one attempt to deliver an event to a subscription (a row of
// webhook_deliveries). Retries of the same event share EventID, which
// receivers use to de-duplicate.
type Delivery struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	WebhookID      uuid.UUID
	// EventID is stable across every attempt of one event to one
	// subscription.
	EventID   uuid.UUID
	EventType string
	Payload   json.RawMessage
	// IdempotencyKey makes a repeated publish a no-op; empty when unused.
	IdempotencyKey  string
	RequestHeaders  http.Header
	ResponseStatus  *int
	ResponseBody    string
	ResponseHeaders http.Header
	// ResponseTruncated reports that ResponseBody was cut.
	ResponseTruncated bool
	DurationMS        *int
	AttemptNumber     int
	// DeliveredAt is when the attempt was made.
	DeliveredAt  *time.Time
	NextRetryAt  *time.Time
	Status       DeliveryStatus
	ErrorMessage string
	CreatedAt    time.Time
}

// DeliveryInsertParams are the fields of a new delivery row. EventID
// defaults to a new ID, AttemptNumber to 1 and Status to [DeliveryPending].
// A row whose non-empty IdempotencyKey the same subscription already has,
// stored or earlier in the batch, is skipped: neither written nor returned.
type DeliveryInsertParams struct {
	OrganizationID uuid.UUID
	WebhookID      uuid.UUID
	EventID        uuid.UUID
	EventType      string
	Payload        json.RawMessage
	IdempotencyKey string
	AttemptNumber  int
	NextRetryAt    *time.Time
	Status         DeliveryStatus
}

// DeliveryUpdateParams records the result of an attempt. Nil fields are left
// as they are.
type DeliveryUpdateParams struct {
	OrganizationID    uuid.UUID
	ID                uuid.UUID
	Status            *DeliveryStatus
	RequestHeaders    http.Header
	ResponseStatus    *int
	ResponseBody      *string
	ResponseHeaders   http.Header
	ResponseTruncated *bool
	DurationMS        *int
	DeliveredAt       *time.Time
	NextRetryAt       *time.Time
	ErrorMessage      *string
}

// DeliveryListParams filters delivery history, newest first.
type DeliveryListParams struct {
	OrganizationID uuid.UUID
	WebhookID      uuid.UUID
	EventID        uuid.UUID
	EventType      string
	Statuses       []DeliveryStatus
	// Created filters on the row's creation time.
	Created TimeRange
	Limit   int
	Cursor  string
}

// DeliveryStore persists webhook delivery attempts.
type DeliveryStore interface {
	// DeliveryInsert writes delivery rows in one transaction: all or none,
	// except the rows skipped for their idempotency key (see
	// [DeliveryInsertParams]); it returns the rows written, in the order
	// of ps. A row whose webhook is not its organization's fails the batch
	// with [ErrNotFound].
	DeliveryInsert(ctx context.Context, ps []*DeliveryInsertParams) ([]*Delivery, error)
	DeliveryGet(ctx context.Context, orgID, id uuid.UUID) (*Delivery, error)
	DeliveryList(ctx context.Context, p *DeliveryListParams) (*Page[*Delivery], error)
	DeliveryUpdate(ctx context.Context, p *DeliveryUpdateParams) (*Delivery, error)
}
