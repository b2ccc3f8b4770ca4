package webhook

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// Publisher is the part of a store that publishing writes to: a
// [storage.Store], or one bound to the host's transaction (for PostgreSQL,
// postgres.Store.WithTx).
type Publisher interface {
	storage.WebhookStore
	storage.DeliveryStore
}

// Publish fans an event out to every active subscription of the
// organization that subscribes to its type: one pending delivery row each,
// written in one transaction. It returns the rows without waiting for
// delivery. With an IdempotencyKey, subscriptions that already received
// the key are skipped, so a repeated publish is a no-op.
func (d *Dispatcher) Publish(ctx context.Context, orgID uuid.UUID, e *Event) ([]*storage.Delivery, error) {
	if e == nil {
		return nil, nilArg("Publish", "event")
	}
	return d.publish(ctx, "Publish", d.store, orgID, []*Event{e})
}

// PublishBatch publishes several events in one transaction.
func (d *Dispatcher) PublishBatch(ctx context.Context, orgID uuid.UUID, events []*Event) ([]*storage.Delivery, error) {
	return d.publish(ctx, "PublishBatch", d.store, orgID, events)
}

// PublishTx publishes through tx, typically a Store bound to the host's own
// PostgreSQL transaction: the delivery rows commit or roll back with the
// host's writes (a transactional outbox). Workers see them once tx commits
// (PostgreSQL's NOTIFY wakes them then).
func (d *Dispatcher) PublishTx(ctx context.Context, tx Publisher, orgID uuid.UUID, events ...*Event) ([]*storage.Delivery, error) {
	return d.publish(ctx, "PublishTx", tx, orgID, events)
}

// publish is PublishTx; call names the entry point in argument errors.
func (d *Dispatcher) publish(ctx context.Context, call string, tx Publisher, orgID uuid.UUID, events []*Event) ([]*storage.Delivery, error) {
	if err := checkCtx(ctx, call); err != nil {
		return nil, err
	}
	if isNil(tx) {
		return nil, nilArg(call, "tx")
	}
	for i, e := range events {
		if e == nil {
			return nil, nilArg(call, fmt.Sprintf("events[%d]", i))
		}
	}
	var out []*storage.Delivery
	var err error
	due := true
	if pub, ok := tx.(storage.DeliveryPublisher); ok {
		out, due, err = d.publishOne(ctx, pub, orgID, events, call != "PublishTx")
	} else {
		out, err = d.publishRows(ctx, tx, orgID, events)
	}
	if err != nil || len(out) == 0 {
		return nil, err
	}
	if due {
		d.notify()
	}
	return out, nil
}

// publishOne has a store that publishes in one statement (PostgreSQL)
// find the subscribers and write the rows: one round trip. With handOff,
// the rows may go straight to idle workers (see publishLeased). It
// reports whether rows were written due, for the claim loop.
func (d *Dispatcher) publishOne(ctx context.Context, pub storage.DeliveryPublisher, orgID uuid.UUID, events []*Event,
	handOff bool) ([]*storage.Delivery, bool, error) {
	p := &storage.DeliveryPublishParams{OrganizationID: orgID, Events: make([]*storage.DeliveryPublishEvent, len(events))}
	for i, e := range events {
		payload, err := d.payload(e)
		if err != nil {
			return nil, false, err
		}
		p.Events[i] = &storage.DeliveryPublishEvent{Type: e.Type, Payload: payload, IdempotencyKey: e.IdempotencyKey}
	}
	if lp, ok := pub.(storage.DeliveryPublishLeaser); ok && handOff {
		return d.publishLeased(ctx, lp, p)
	}
	rows, err := pub.DeliveryPublish(ctx, p)
	return rows, len(rows) > 0, err
}

// publishRows lists the subscribers, then writes the rows in one insert
// and one transaction; rows whose idempotency key a subscription already
// has are skipped by the store.
func (d *Dispatcher) publishRows(ctx context.Context, tx Publisher, orgID uuid.UUID, events []*Event) ([]*storage.Delivery, error) {
	rows, err := d.fanOut(ctx, tx, orgID, events)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return tx.DeliveryInsert(ctx, rows)
}

// fanOut builds the delivery rows of events.
func (d *Dispatcher) fanOut(ctx context.Context, tx Publisher, orgID uuid.UUID, events []*Event) ([]*storage.DeliveryInsertParams, error) {
	subs := map[string][]*storage.Webhook{}
	var rows []*storage.DeliveryInsertParams
	for _, e := range events {
		payload, err := d.payload(e)
		if err != nil {
			return nil, err
		}
		ws, ok := subs[e.Type]
		if !ok {
			if ws, err = activeSubscribers(ctx, tx, orgID, e.Type); err != nil {
				return nil, err
			}
			subs[e.Type] = ws
		}
		for _, w := range ws {
			rows = append(rows, &storage.DeliveryInsertParams{OrganizationID: orgID, WebhookID: w.ID,
				EventType: e.Type, Payload: payload, IdempotencyKey: e.IdempotencyKey})
		}
	}
	return rows, nil
}

// payload checks an event and encodes its body.
func (d *Dispatcher) payload(e *Event) ([]byte, error) {
	if _, ok := d.catalog.Lookup(e.Type); !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownEvent, e.Type)
	}
	data, err := eventData(e.Data)
	if err != nil {
		return nil, err
	}
	if len(data) > MaxPayloadSize {
		return nil, ErrPayloadTooLarge
	}
	at := e.Timestamp
	if at.IsZero() {
		at = d.now()
	}
	p, err := encodePayload(e.Type, at, data)
	if err != nil {
		return nil, err
	}
	if len(p) > MaxPayloadSize {
		return nil, ErrPayloadTooLarge
	}
	return p, nil
}

// activeSubscribers lists an organization's active subscriptions to an
// event type, every page.
func activeSubscribers(ctx context.Context, st storage.WebhookStore, orgID uuid.UUID, event string) ([]*storage.Webhook, error) {
	p := &storage.WebhookListParams{OrganizationID: orgID, Event: event,
		Statuses: []storage.WebhookStatus{storage.WebhookActive}, Limit: storage.LimitMax}
	return allPages(func(cursor string) (*storage.Page[*storage.Webhook], error) {
		p.Cursor = cursor
		return st.WebhookList(ctx, p)
	})
}
