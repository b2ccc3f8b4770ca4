package postgres

import (
	"context"
	"iter"
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"
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
// that order, as DeliveryInsert's do.
//
// With a claim ID $10, the first rows are written leased under it until
// $11 (see [storage.DeliveryPublishLeaser]): a row may be leased when its
// webhook's rows held ($13 webhooks, $14 counts) and leased so far stay
// within $12 (no cap when $12 is 0), and at most $15 rows are. The
// notification is sent only when a row was written unleased (woke is
// read only then).
const publishSQL = `WITH e AS (
	SELECT * FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS e(event_type, payload, idem, ord)
), r AS (
	SELECT e.event_type, e.payload, e.idem, w.organization_id AS org, w.id AS webhook,
		row_number() OVER (ORDER BY e.ord, w.created_at DESC, w.id DESC) AS n,
		row_number() OVER (PARTITION BY w.id ORDER BY e.ord) AS wn
	FROM e JOIN webhooks w ON w.organization_id = $1 AND w.status = $7 AND e.event_type = ANY(w.events)
), may AS (
	SELECT r.*, $10::uuid IS NOT NULL AND ($12::int4 = 0 OR r.wn + COALESCE(h.n, 0) <= $12) AS may
	FROM r LEFT JOIN unnest($13::uuid[], $14::int4[]) AS h(webhook_id, n) ON h.webhook_id = r.webhook
), l AS (
	SELECT may.*, may AND count(*) FILTER (WHERE may) OVER (ORDER BY n) <= $15 AS leased FROM may
), ins AS (
	INSERT INTO webhook_deliveries
	(id, organization_id, webhook_id, event_id, event_type, payload, idempotency_key, attempt_number,
	 delivered_at, next_retry_at, status, created_at, claim_id, locked_until)
	SELECT encode(overlay($5::bytea PLACING int4send(l.n::int4) FROM 13 FOR 4), 'hex')::uuid, l.org, l.webhook,
		encode(overlay($6::bytea PLACING int4send(l.n::int4) FROM 13 FOR 4), 'hex')::uuid, l.event_type, l.payload::json,
		l.idem, 1, NULL, NULL, $8, $9, CASE WHEN l.leased THEN $10::uuid END, CASE WHEN l.leased THEN $11::timestamptz END
	FROM l
	ON CONFLICT DO NOTHING
	RETURNING *
), woke AS (
	SELECT pg_notify('` + DeliveriesChannel + `', COALESCE(current_schema(), ''))
	FROM (SELECT FROM ins WHERE ins.claim_id IS NULL LIMIT 1) x
)
SELECT ` + deliveryCols + `, claim_id IS NOT NULL FROM ins LEFT JOIN woke ON true ORDER BY id`

var _ storage.DeliveryPublishLeaser = (*Store)(nil)

// DeliveryPublish implements [storage.DeliveryPublisher]: one statement
// per chunk of events (see publishChunks), so a publish is one round trip
// and, outside [Store.WithTx], one commit. Several chunks are written in
// one transaction.
func (s *Store) DeliveryPublish(ctx context.Context, p *storage.DeliveryPublishParams) ([]*storage.Delivery, error) {
	rows, _, err := s.publish(ctx, p, nil)
	return rows, err
}

// DeliveryPublishLeased implements [storage.DeliveryPublishLeaser], as
// DeliveryPublish does, with the lease in the same statement.
func (s *Store) DeliveryPublishLeased(ctx context.Context, p *storage.DeliveryPublishParams,
	lease *storage.DeliveryPublishLease) (rows, leased []*storage.Delivery, err error) {
	if err := lease.Validate(); err != nil {
		return nil, nil, err
	}
	return s.publish(ctx, p, lease)
}

// publish is DeliveryPublishLeased, with no lease when lease is nil.
func (s *Store) publish(ctx context.Context, p *storage.DeliveryPublishParams,
	lease *storage.DeliveryPublishLease) (rows, leased []*storage.Delivery, err error) {
	if err := p.Validate(); err != nil {
		return nil, nil, err
	}
	now := s.Now()
	l := newPublishLeasing(lease)
	chunks := slices.Collect(publishChunks(p.Events))
	switch len(chunks) {
	case 0:
		return nil, nil, nil
	case 1:
		rows, err = publishEvents(ctx, s.db, p, chunks[0], now, l)
		return rows, l.leased, err
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		for _, chunk := range chunks {
			ds, err := publishEvents(ctx, tx, p, chunk, now, l)
			if err != nil {
				return err
			}
			rows = append(rows, ds...)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return rows, l.leased, nil
}

// publishLeasing carries a lease across the chunks of one publish: the
// rows leased so far count against its limits.
type publishLeasing struct {
	lease  *storage.DeliveryPublishLease
	held   map[uuid.UUID]int
	leased []*storage.Delivery
}

func newPublishLeasing(lease *storage.DeliveryPublishLease) *publishLeasing {
	l := &publishLeasing{lease: lease}
	if lease != nil {
		l.held = maps.Clone(lease.Held)
	}
	return l
}

// args are publishSQL's lease arguments, $10 to $15.
func (l *publishLeasing) args() []any {
	if l.lease == nil || len(l.leased) >= l.lease.Limit {
		return []any{nil, nil, int32(0), nil, nil, int32(0)}
	}
	webhooks, counts := make([]uuid.UUID, 0, len(l.held)), make([]int32, 0, len(l.held))
	for w, n := range l.held {
		webhooks, counts = append(webhooks, w), append(counts, int32(n))
	}
	return []any{id16(l.lease.ClaimID), l.lease.Until.UTC().Truncate(time.Microsecond),
		int32(max(l.lease.PerWebhookLimit, 0)), ids16(webhooks), counts, int32(l.lease.Limit - len(l.leased))}
}

// add records a row written leased.
func (l *publishLeasing) add(d *storage.Delivery) {
	l.leased = append(l.leased, d)
	if l.held == nil {
		l.held = map[uuid.UUID]int{}
	}
	l.held[d.WebhookID]++
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

// publishEvents runs publishSQL for events on db, leasing rows for l.
func publishEvents(ctx context.Context, db dbtx, p *storage.DeliveryPublishParams, events []*storage.DeliveryPublishEvent,
	now time.Time, l *publishLeasing) ([]*storage.Delivery, error) {
	n := len(events)
	types, payloads, keys := make([]string, n), make([]string, n), make([]*string, n)
	for i, e := range events {
		types[i], payloads[i] = e.Type, string(e.Payload)
		if e.IdempotencyKey != "" {
			keys[i] = &e.IdempotencyKey
		}
	}
	id, eventID := publishIDs()
	args := append([]any{id16(p.OrganizationID), types, payloads, keys, id, eventID,
		string(storage.WebhookActive), string(storage.DeliveryPending), now}, l.args()...)
	rows, err := db.Query(ctx, publishSQL, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*storage.Delivery
	for rows.Next() {
		var leased bool
		d, err := scanDeliveryWith(rows, &leased)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
		if leased {
			l.add(d)
		}
	}
	return out, mapErr(rows.Err())
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
