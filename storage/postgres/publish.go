package postgres

import (
	"context"
	"iter"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
)

var _ storage.DeliveryPublisher = (*Store)(nil)

// publishSQL fans the events ($2 types, $3 payloads, $4 idempotency keys)
// out to the active webhooks of organization $1 that subscribe to them,
// writes the rows and queues the notification, in one statement: one
// round trip, and outside a transaction of the caller's one implicit
// transaction with its one (synchronous) commit. Row n (numbered in the
// order of WebhookList, event by event) gets the IDs $5 and $6 with n in
// their last four bytes (see publishIDs), so that the IDs increase in
// that order, as DeliveryInsert's do. The notification is sent only when
// a row was written (woke is read only then).
const publishSQL = `WITH e AS (
	SELECT * FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS e(event_type, payload, idem, ord)
), r AS (
	SELECT e.event_type, e.payload, e.idem, w.organization_id AS org, w.id AS webhook,
		int4send(row_number() OVER (ORDER BY e.ord, w.created_at DESC, w.id DESC)::int4) AS n
	FROM e JOIN webhooks w ON w.organization_id = $1 AND w.status = $7 AND e.event_type = ANY(w.events)
), ins AS (
	INSERT INTO webhook_deliveries
	(id, organization_id, webhook_id, event_id, event_type, payload, idempotency_key, attempt_number,
	 delivered_at, next_retry_at, status, created_at)
	SELECT encode(overlay($5::bytea PLACING r.n FROM 13 FOR 4), 'hex')::uuid, r.org, r.webhook,
		encode(overlay($6::bytea PLACING r.n FROM 13 FOR 4), 'hex')::uuid, r.event_type, r.payload::json, r.idem, 1,
		NULL, NULL, $8, $9
	FROM r
	ON CONFLICT DO NOTHING
	RETURNING *
), woke AS (
	SELECT pg_notify('` + DeliveriesChannel + `', COALESCE(current_schema(), '')) FROM (SELECT FROM ins LIMIT 1) x
)
SELECT ` + deliveryCols + ` FROM ins LEFT JOIN woke ON true ORDER BY id`

// DeliveryPublish implements [storage.DeliveryPublisher]: one statement
// per chunk of events (see publishChunks), so a publish is one round trip
// and, outside [Store.WithTx], one commit. Several chunks are written in
// one transaction.
func (s *Store) DeliveryPublish(ctx context.Context, p *storage.DeliveryPublishParams) ([]*storage.Delivery, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	now := s.Now()
	chunks := slices.Collect(publishChunks(p.Events))
	switch len(chunks) {
	case 0:
		return nil, nil
	case 1:
		return publishEvents(ctx, s.db, p, chunks[0], now)
	}
	var out []*storage.Delivery
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		for _, chunk := range chunks {
			ds, err := publishEvents(ctx, tx, p, chunk, now)
			if err != nil {
				return err
			}
			out = append(out, ds...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// publishChunks splits events into runs of at most insertChunk events and
// insertChunkBytes of payload (a larger event goes alone). Each payload
// is sent once however many webhooks it goes to.
func publishChunks(events []*storage.DeliveryPublishEvent) iter.Seq[[]*storage.DeliveryPublishEvent] {
	return func(yield func([]*storage.DeliveryPublishEvent) bool) {
		start, size := 0, 0
		for i, e := range events {
			if i > start && (i-start == insertChunk || size+len(e.Payload) > insertChunkBytes) {
				if !yield(events[start:i]) {
					return
				}
				start, size = i, 0
			}
			size += len(e.Payload)
		}
		if start < len(events) {
			yield(events[start:])
		}
	}
}

// publishEvents runs publishSQL for events on db.
func publishEvents(ctx context.Context, db dbtx, p *storage.DeliveryPublishParams, events []*storage.DeliveryPublishEvent,
	now time.Time) ([]*storage.Delivery, error) {
	n := len(events)
	types, payloads, keys := make([]string, n), make([]string, n), make([]*string, n)
	for i, e := range events {
		types[i], payloads[i] = e.Type, string(e.Payload)
		if e.IdempotencyKey != "" {
			keys[i] = &e.IdempotencyKey
		}
	}
	id, eventID := publishIDs()
	rows, err := db.Query(ctx, publishSQL, id16(p.OrganizationID), types, payloads, keys, id, eventID,
		string(storage.WebhookActive), string(storage.DeliveryPending), now)
	if err != nil {
		return nil, mapErr(err)
	}
	return collectDeliveries(rows)
}

// publishIDs returns the bases of a publish's row and event IDs: new
// UUIDv7s (see newID) whose last four bytes, zeroed here, publishSQL sets
// to the row's number. That leaves 30 random bits beside the millisecond
// and the 12 bits that order one process's IDs within it.
func publishIDs() (id, eventID []byte) {
	a, b := newID(), newID()
	clear(a[12:])
	clear(b[12:])
	return a[:], b[:]
}
