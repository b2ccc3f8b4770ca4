package storage

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// ZapierHook marks a webhook subscription as made through Zapier's REST
// hooks (a row of zapier_hooks). It is deleted with its subscription.
type ZapierHook struct {
	WebhookID      uuid.UUID
	OrganizationID uuid.UUID
	// TokenID is the API token that subscribed.
	TokenID   uuid.UUID
	Event     string
	CreatedAt time.Time
}

// ZapierHookStore keeps the marks of Zapier's subscriptions.
type ZapierHookStore interface {
	// ZapierHookCreate marks a subscription of the organization; an unknown
	// subscription is [ErrNotFound], one already marked [ErrConflict].
	ZapierHookCreate(ctx context.Context, h *ZapierHook) (*ZapierHook, error)
	ZapierHookGet(ctx context.Context, orgID, webhookID uuid.UUID) (*ZapierHook, error)
	// ZapierHookList lists an organization's marks, newest first.
	ZapierHookList(ctx context.Context, orgID uuid.UUID) ([]*ZapierHook, error)
	ZapierHookDelete(ctx context.Context, orgID, webhookID uuid.UUID) error
}
