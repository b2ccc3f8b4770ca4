package webhook

import (
	"context"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// ReplayParams select deliveries to replay in bulk.
type ReplayParams struct {
	OrganizationID uuid.UUID
	// WebhookID, when set, keeps one subscription.
	WebhookID uuid.UUID
	// EventID, when set, keeps one event.
	EventID   uuid.UUID
	EventType string
	// Statuses of the rows to match; nil means failed and dlq.
	Statuses []storage.DeliveryStatus
	// Created filters on when the rows were created.
	Created storage.TimeRange
	// DryRun counts what would be replayed without replaying it.
	DryRun bool
}

// DeliveryReplay sends a delivery again (ADMIN-INT-006): a new attempt
// chain from attempt 1, with the same payload and the same event ID, so a
// receiver that did process it can tell. The event's dead letters for the
// subscription go: the event starts over (a failing replay dead-letters it
// again, once). While the event's latest attempt is still pending it is
// [ErrReplayPending]. It returns the new pending row.
func (d *Dispatcher) DeliveryReplay(ctx context.Context, orgID, deliveryID uuid.UUID) (*storage.Delivery, error) {
	if err := checkCtx(ctx, "DeliveryReplay"); err != nil {
		return nil, err
	}
	src, err := d.store.DeliveryGet(ctx, orgID, deliveryID)
	if err != nil {
		return nil, err
	}
	return d.replayIdle(ctx, src)
}

// replayIdle replays src unless its event's latest attempt is pending.
func (d *Dispatcher) replayIdle(ctx context.Context, src *storage.Delivery) (*storage.Delivery, error) {
	last, err := d.latestAttempt(ctx, src)
	if err != nil {
		return nil, err
	}
	if last.Status == storage.DeliveryPending {
		return nil, ErrReplayPending
	}
	return d.replay(ctx, src)
}

// replay starts src's event over: a new row, and the event's older dead
// letters removed (the new row's own, should it fail at once, is kept).
func (d *Dispatcher) replay(ctx context.Context, src *storage.Delivery) (*storage.Delivery, error) {
	rows, err := d.store.DeliveryInsert(ctx, []*storage.DeliveryInsertParams{{OrganizationID: src.OrganizationID,
		WebhookID: src.WebhookID, EventID: src.EventID, EventType: src.EventType, Payload: src.Payload}})
	if err != nil {
		return nil, err
	}
	d.notify()
	if _, err := d.store.DLQDeleteEvent(ctx, src.OrganizationID, src.WebhookID, src.EventID, rows[0].ID); err != nil {
		// The replay stands; the stale entry only shows until the next.
		d.cfg.Logger.Warn("webhook: remove a replayed event's dead letters", "event", src.EventID, "err", err)
	}
	return rows[0], nil
}

// DeliveryReplayBulk replays every event matching p whose latest attempt
// failed (or went to the DLQ), once per event however many attempts it
// had, and returns how many it replayed (or would, with DryRun).
func (d *Dispatcher) DeliveryReplayBulk(ctx context.Context, p *ReplayParams) (int, error) {
	if err := checkCtx(ctx, "DeliveryReplayBulk"); err != nil {
		return 0, err
	}
	if p == nil {
		return 0, nilArg("DeliveryReplayBulk", "params")
	}
	statuses := p.Statuses
	if statuses == nil {
		statuses = []storage.DeliveryStatus{storage.DeliveryFailed, storage.DeliveryDLQ}
	}
	lp := &storage.DeliveryListParams{OrganizationID: p.OrganizationID, WebhookID: p.WebhookID,
		EventID: p.EventID, EventType: p.EventType, Statuses: statuses, Created: p.Created, Limit: storage.LimitMax}
	seen := map[uuid.UUID]bool{}
	var latest []*storage.Delivery
	for {
		page, err := d.store.DeliveryList(ctx, lp)
		if err != nil {
			return 0, err
		}
		for _, row := range page.Items {
			if seen[row.EventID] {
				continue
			}
			seen[row.EventID] = true
			last, err := d.latestAttempt(ctx, row)
			if err != nil {
				return 0, err
			}
			if last.Status == storage.DeliveryFailed || last.Status == storage.DeliveryDLQ {
				latest = append(latest, last)
			}
		}
		if page.Next == "" {
			break
		}
		lp.Cursor = page.Next
	}
	if p.DryRun {
		return len(latest), nil
	}
	for i, row := range latest {
		if _, err := d.replay(ctx, row); err != nil {
			return i, err
		}
	}
	return len(latest), nil
}

// latestAttempt returns the newest row of a delivery's event.
func (d *Dispatcher) latestAttempt(ctx context.Context, row *storage.Delivery) (*storage.Delivery, error) {
	page, err := d.store.DeliveryList(ctx, &storage.DeliveryListParams{OrganizationID: row.OrganizationID,
		WebhookID: row.WebhookID, EventID: row.EventID, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(page.Items) == 0 {
		return row, nil
	}
	return page.Items[0], nil
}
