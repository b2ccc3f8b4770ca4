package webhook

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// DLQList lists the dead letter queue, newest first (ADMIN-INT-013).
func (d *Dispatcher) DLQList(ctx context.Context, p *storage.DLQListParams) (*storage.Page[*storage.DLQEntry], error) {
	return d.store.DLQList(ctx, p)
}

// DLQRetry replays a dead letter's delivery as a new attempt chain and
// removes the entry. It returns the new pending row.
func (d *Dispatcher) DLQRetry(ctx context.Context, orgID, entryID uuid.UUID) (*storage.Delivery, error) {
	e, err := d.store.DLQGet(ctx, orgID, entryID)
	if err != nil {
		return nil, err
	}
	return d.retryEntry(ctx, e)
}

func (d *Dispatcher) retryEntry(ctx context.Context, e *storage.DLQEntry) (*storage.Delivery, error) {
	row, err := d.DeliveryReplay(ctx, e.OrganizationID, e.DeliveryID)
	if err != nil {
		return nil, err
	}
	if err := d.store.DLQDelete(ctx, e.OrganizationID, e.ID); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return row, err
	}
	return row, nil
}

// DLQRetryAll retries every entry of an organization (one subscription's
// when webhookID is not uuid.Nil) and returns how many.
func (d *Dispatcher) DLQRetryAll(ctx context.Context, orgID, webhookID uuid.UUID) (int, error) {
	n := 0
	for {
		page, err := d.store.DLQList(ctx, &storage.DLQListParams{OrganizationID: orgID, WebhookID: webhookID,
			Limit: storage.LimitMax})
		if err != nil || len(page.Items) == 0 {
			return n, err
		}
		for _, e := range page.Items {
			if _, err := d.retryEntry(ctx, e); err != nil {
				return n, err
			}
			n++
		}
	}
}

// DLQDelete removes one entry without retrying it. The delivery stays in
// the history with status dlq.
func (d *Dispatcher) DLQDelete(ctx context.Context, orgID, entryID uuid.UUID) error {
	return d.store.DLQDelete(ctx, orgID, entryID)
}

// DLQClear removes every entry of an organization (one subscription's when
// webhookID is not uuid.Nil) and returns how many.
func (d *Dispatcher) DLQClear(ctx context.Context, orgID, webhookID uuid.UUID) (int, error) {
	return d.store.DLQClear(ctx, orgID, webhookID)
}
