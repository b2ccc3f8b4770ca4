package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/headerjson"
	"github.com/intimeos/integrations/storage/internal/query"
)

const deliveryCols = `id, organization_id, webhook_id, event_id, event_type, payload, COALESCE(idempotency_key, ''),
	request_headers, response_status, COALESCE(response_body, ''), response_headers, response_truncated,
	duration_ms, COALESCE(attempt_number, 1), delivered_at, next_retry_at, COALESCE(status, 'pending'),
	COALESCE(error_message, ''), created_at`

// scanDelivery scans the columns of deliveryCols.
func scanDelivery(row pgx.Row) (*storage.Delivery, error) { return scanDeliveryWith(row) }

// scanDeliveryWith scans the columns of deliveryCols, then into extra
// those the statement selects after them.
func scanDeliveryWith(row pgx.Row, extra ...any) (*storage.Delivery, error) {
	var (
		d               storage.Delivery
		reqHdr, respHdr []byte
		payload         []byte
		status          string
	)
	// The payload is scanned as bytes, the exact text the json column
	// keeps: into a json.RawMessage, pgx would run it through
	// json.Unmarshal, which re-validates it.
	err := row.Scan(append([]any{&d.ID, &d.OrganizationID, &d.WebhookID, &d.EventID, &d.EventType, &payload,
		&d.IdempotencyKey, &reqHdr, &d.ResponseStatus, &d.ResponseBody, &respHdr, &d.ResponseTruncated,
		&d.DurationMS, &d.AttemptNumber, &d.DeliveredAt, &d.NextRetryAt, &status, &d.ErrorMessage, &d.CreatedAt},
		extra...)...)
	if err != nil {
		return nil, mapErr(err)
	}
	d.Status, d.Payload = storage.DeliveryStatus(status), payload
	d.DeliveredAt, d.NextRetryAt, d.CreatedAt = utc(d.DeliveredAt), utc(d.NextRetryAt), d.CreatedAt.UTC()
	if d.RequestHeaders, err = decodeHeader(reqHdr); err != nil {
		return nil, err
	}
	if d.ResponseHeaders, err = decodeHeader(respHdr); err != nil {
		return nil, err
	}
	return &d, nil
}

// encodeHeader is a header as JSON for a jsonb column; nil is NULL.
func encodeHeader(h http.Header) []byte { return headerjson.Marshal(h) }

func decodeHeader(b []byte) (http.Header, error) {
	if b == nil {
		return nil, nil
	}
	var h http.Header
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("postgres: decode headers: %w", err)
	}
	return h, nil
}

// DeliveryInsert implements [storage.DeliveryStore]. Each row's webhook must
// belong to the row's organization. A batch with a pending row notifies
// [DeliveriesChannel] when it commits (see [Store.ListenDeliveries]). The
// rows are written by one statement per chunk of them (see insertChunks),
// so a batch costs a few round trips rather than one per row.
func (s *Store) DeliveryInsert(ctx context.Context, ps []*storage.DeliveryInsertParams) ([]*storage.Delivery, error) {
	if err := storage.ValidateBatch(ps); err != nil {
		return nil, err
	}
	out := make([]*storage.Delivery, 0, len(ps))
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		now := s.Now()
		for chunk := range insertChunks(ps) {
			ds, err := insertDeliveries(ctx, tx, chunk, now)
			if err != nil {
				return err
			}
			out = append(out, ds...)
		}
		return notifyDeliveries(ctx, tx, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// insertChunk is the most rows one INSERT writes, and insertChunkBytes
// the most payload bytes: a statement's parameters travel in one protocol
// message, which pgx and the server limit to 1 GiB, and one event near the
// 10 MB limit fanned out to a hundred subscriptions is that much.
const (
	insertChunk      = 500
	insertChunkBytes = 64 << 20
)

// insertChunks splits ps into runs of at most insertChunk rows and
// insertChunkBytes of payload (a larger row goes alone).
func insertChunks(ps []*storage.DeliveryInsertParams) iter.Seq[[]*storage.DeliveryInsertParams] {
	return func(yield func([]*storage.DeliveryInsertParams) bool) {
		start, size := 0, 0
		for i, p := range ps {
			if i > start && (i-start == insertChunk || size+len(p.Payload) > insertChunkBytes) {
				if !yield(ps[start:i]) {
					return
				}
				start, size = i, 0
			}
			size += len(p.Payload)
		}
		if start < len(ps) {
			yield(ps[start:])
		}
	}
}

// insertSQL writes one row per element of the arrays whose webhook ($3)
// belongs to its organization ($2); the caller counts the rows returned
// and puts them back in its order (RETURNING promises none).
const insertSQL = `INSERT INTO webhook_deliveries
	(id, organization_id, webhook_id, event_id, event_type, payload, idempotency_key, attempt_number,
	 delivered_at, next_retry_at, status, created_at)
	SELECT u.id, w.organization_id, w.id, u.event_id, u.event_type, u.payload::json, u.idem, u.attempt,
		NULL, u.next, u.status, $11
	FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::int4[],
		$9::timestamptz[], $10::text[]) AS u(id, org, webhook, event_id, event_type, payload, idem, attempt, next, status)
	JOIN webhooks w ON w.organization_id = u.org AND w.id = u.webhook
	ON CONFLICT DO NOTHING
	RETURNING ` + deliveryCols

// webhooksFoundSQL counts the distinct (organization, webhook) pairs of
// the arrays that exist.
const webhooksFoundSQL = `SELECT count(*), (SELECT count(*) FROM (SELECT DISTINCT * FROM unnest($1::uuid[], $2::uuid[])) p)
	FROM (SELECT DISTINCT * FROM unnest($1::uuid[], $2::uuid[]) AS u(org, webhook)) u
	JOIN webhooks w ON w.organization_id = u.org AND w.id = u.webhook`

// insertDeliveries writes ps in one statement and returns the rows written
// in the order of ps; rows whose idempotency key is taken are skipped. A
// row whose webhook is not its organization's is [storage.ErrNotFound] for
// the whole batch.
func insertDeliveries(ctx context.Context, tx pgx.Tx, ps []*storage.DeliveryInsertParams, now time.Time) ([]*storage.Delivery, error) {
	n := len(ps)
	var (
		ids, orgs, webhooks, events = make([][16]byte, n), make([][16]byte, n), make([][16]byte, n), make([][16]byte, n)
		types, payloads, statuses   = make([]string, n), make([]string, n), make([]string, n)
		keys                        = make([]*string, n)
		attempts                    = make([]int32, n)
		nexts                       = make([]*time.Time, n)
	)
	for i, p := range ps {
		ids[i], orgs[i], webhooks[i], events[i] = newID(), p.OrganizationID, p.WebhookID, p.EventID
		if p.EventID == uuid.Nil {
			events[i] = newID()
		}
		types[i], payloads[i] = p.EventType, string(p.Payload)
		statuses[i] = string(cmp.Or(p.Status, storage.DeliveryPending))
		attempts[i] = int32(cmp.Or(p.AttemptNumber, 1))
		if p.IdempotencyKey != "" {
			keys[i] = &p.IdempotencyKey
		}
		nexts[i] = micro(p.NextRetryAt)
	}
	rows, err := tx.Query(ctx, insertSQL, ids, orgs, webhooks, events, types, payloads, keys, attempts, nexts, statuses, now)
	if err != nil {
		return nil, mapErr(err)
	}
	ds, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*storage.Delivery, error) { return scanDelivery(r) })
	if err != nil {
		return nil, mapErr(err)
	}
	if len(ds) < n {
		// Skipped for their idempotency keys, or a webhook missing?
		var found, pairs int
		if err := tx.QueryRow(ctx, webhooksFoundSQL, orgs, webhooks).Scan(&found, &pairs); err != nil {
			return nil, mapErr(err)
		}
		if found != pairs {
			return nil, storage.ErrNotFound
		}
	}
	byID := make(map[uuid.UUID]*storage.Delivery, len(ds))
	for _, d := range ds {
		byID[d.ID] = d
	}
	ds = ds[:0]
	for _, id := range ids {
		if d, ok := byID[id]; ok {
			ds = append(ds, d)
		}
	}
	return ds, nil
}

// DeliveryGet implements [storage.DeliveryStore].
func (s *Store) DeliveryGet(ctx context.Context, orgID, id uuid.UUID) (*storage.Delivery, error) {
	return scanDelivery(s.db.QueryRow(ctx,
		`SELECT `+deliveryCols+` FROM webhook_deliveries WHERE organization_id = $1 AND id = $2`, orgID, id))
}

// DeliveryList implements [storage.DeliveryStore].
func (s *Store) DeliveryList(ctx context.Context, p *storage.DeliveryListParams) (*storage.Page[*storage.Delivery], error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	q := query.New(query.Dollar)
	q.Where("organization_id = ?", p.OrganizationID)
	if p.WebhookID != uuid.Nil {
		q.Where("webhook_id = ?", p.WebhookID)
	}
	if p.EventID != uuid.Nil {
		q.Where("event_id = ?", p.EventID)
	}
	if p.EventType != "" {
		q.Where("event_type = ?", p.EventType)
	}
	query.In(q, "status", strs(p.Statuses))
	timeRange(q, "created_at", p.Created)
	return list(ctx, s, q, p.Cursor, p.Limit, "webhook_deliveries", deliveryCols, "created_at", scanDelivery,
		func(d *storage.Delivery) storage.Cursor { return storage.Cursor{Time: d.CreatedAt, ID: d.ID} })
}

// DeliveryUpdate implements [storage.DeliveryStore].
func (s *Store) DeliveryUpdate(ctx context.Context, p *storage.DeliveryUpdateParams) (*storage.Delivery, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	reqHdr, respHdr := encodeHeader(p.RequestHeaders), encodeHeader(p.ResponseHeaders)
	var status *string
	if p.Status != nil {
		st := string(*p.Status)
		status = &st
	}
	return scanDelivery(s.db.QueryRow(ctx, `UPDATE webhook_deliveries SET
		status = COALESCE($3, status), request_headers = COALESCE($4, request_headers),
		response_status = COALESCE($5, response_status), response_body = COALESCE($6, response_body),
		response_headers = COALESCE($7, response_headers), response_truncated = COALESCE($8, response_truncated),
		duration_ms = COALESCE($9, duration_ms), delivered_at = COALESCE($10, delivered_at),
		next_retry_at = COALESCE($11, next_retry_at), error_message = COALESCE($12, error_message)
		WHERE organization_id = $1 AND id = $2 RETURNING `+deliveryCols,
		p.OrganizationID, p.ID, status, reqHdr, p.ResponseStatus, p.ResponseBody, respHdr, p.ResponseTruncated,
		p.DurationMS, micro(p.DeliveredAt), micro(p.NextRetryAt), p.ErrorMessage))
}

// timeRange adds the bounds of r on col: Since inclusive, Until exclusive.
func timeRange(q *query.Builder, col string, r storage.TimeRange) {
	if !r.Since.IsZero() {
		q.Where(col+" >= ?", r.Since.UTC())
	}
	if !r.Until.IsZero() {
		q.Where(col+" < ?", r.Until.UTC())
	}
}
