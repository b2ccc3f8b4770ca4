package webhook

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// DLQList lists the dead letter queue, newest first (ADMIN-INT-013).
func (d *Dispatcher) DLQList(ctx context.Context, p *storage.DLQListParams) (*storage.Page[*storage.DLQEntry], error) {
	if err := checkCtx(ctx, "DLQList"); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, nilArg("DLQList", "params")
	}
	return d.store.DLQList(ctx, p)
}

// DLQRetry replays a dead letter's delivery as a new attempt chain and
// removes the entry. It returns the new pending row. The entry is taken
// first: of two retries of one entry at once (a double click), one replays
// and the other is [storage.ErrNotFound].
func (d *Dispatcher) DLQRetry(ctx context.Context, orgID, entryID uuid.UUID) (*storage.Delivery, error) {
	if err := checkCtx(ctx, "DLQRetry"); err != nil {
		return nil, err
	}
	e, err := d.store.DLQGet(ctx, orgID, entryID)
	if err != nil {
		return nil, err
	}
	return d.retryEntry(ctx, e)
}

func (d *Dispatcher) retryEntry(ctx context.Context, e *storage.DLQEntry) (*storage.Delivery, error) {
	// Read the row while the entry still keeps retention off it.
	src, err := d.store.DeliveryGet(ctx, e.OrganizationID, e.DeliveryID)
	if err != nil {
		return nil, err
	}
	if err := d.store.DLQDelete(ctx, e.OrganizationID, e.ID); err != nil {
		return nil, err // ErrNotFound: retried or deleted meanwhile
	}
	row, err := d.replayIdle(ctx, src)
	if err != nil {
		// Put the entry back, so that the dead letter is not lost.
		if _, aerr := d.store.DLQAdd(context.WithoutCancel(ctx), &storage.DLQAddParams{OrganizationID: e.OrganizationID,
			WebhookID: e.WebhookID, DeliveryID: e.DeliveryID, Reason: e.Reason}); aerr != nil {
			d.cfg.Logger.Error("webhook: restore a dead letter after a failed retry", "delivery", e.DeliveryID, "err", aerr)
		}
		return nil, err
	}
	return row, nil
}

// DLQRetryAll retries every entry of an organization (one subscription's
// when webhookID is not uuid.Nil) that is in the queue when it is called,
// and returns how many. The entries are listed first and then retried: a
// replay that fails again while it runs goes back to the queue as a new
// entry, for the next Retry All, instead of being retried again and again.
func (d *Dispatcher) DLQRetryAll(ctx context.Context, orgID, webhookID uuid.UUID) (int, error) {
	if err := checkCtx(ctx, "DLQRetryAll"); err != nil {
		return 0, err
	}
	entries, err := d.dlqEntries(ctx, orgID, webhookID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		_, err := d.retryEntry(ctx, e)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			continue // retried or deleted meanwhile
		case err != nil:
			return n, err
		}
		n++
	}
	return n, nil
}

// dlqEntries lists every entry of the queue.
func (d *Dispatcher) dlqEntries(ctx context.Context, orgID, webhookID uuid.UUID) ([]*storage.DLQEntry, error) {
	p := &storage.DLQListParams{OrganizationID: orgID, WebhookID: webhookID, Limit: storage.LimitMax}
	return allPages(func(cursor string) (*storage.Page[*storage.DLQEntry], error) {
		p.Cursor = cursor
		return d.store.DLQList(ctx, p)
	})
}

// allPages collects the items of every page of a listing, following the
// cursors from the first page.
func allPages[T any](list func(cursor string) (*storage.Page[T], error)) ([]T, error) {
	var out []T
	cursor := ""
	for {
		page, err := list(cursor)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.Next == "" {
			return out, nil
		}
		cursor = page.Next
	}
}

// DLQDelete removes one entry without retrying it. The delivery stays in
// the history with status dlq.
func (d *Dispatcher) DLQDelete(ctx context.Context, orgID, entryID uuid.UUID) error {
	if err := checkCtx(ctx, "DLQDelete"); err != nil {
		return err
	}
	return d.store.DLQDelete(ctx, orgID, entryID)
}

// DLQClear removes every entry of an organization (one subscription's when
// webhookID is not uuid.Nil) and returns how many.
func (d *Dispatcher) DLQClear(ctx context.Context, orgID, webhookID uuid.UUID) (int, error) {
	if err := checkCtx(ctx, "DLQClear"); err != nil {
		return 0, err
	}
	return d.store.DLQClear(ctx, orgID, webhookID)
}
