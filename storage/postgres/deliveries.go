package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

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

func scanDelivery(row pgx.Row) (*storage.Delivery, error) {
	var (
		d               storage.Delivery
		reqHdr, respHdr []byte
		status          string
	)
	err := row.Scan(&d.ID, &d.OrganizationID, &d.WebhookID, &d.EventID, &d.EventType, &d.Payload, &d.IdempotencyKey,
		&reqHdr, &d.ResponseStatus, &d.ResponseBody, &respHdr, &d.ResponseTruncated,
		&d.DurationMS, &d.AttemptNumber, &d.DeliveredAt, &d.NextRetryAt, &status, &d.ErrorMessage, &d.CreatedAt)
	if err != nil {
		return nil, mapErr(err)
	}
	d.Status = storage.DeliveryStatus(status)
	d.DeliveredAt, d.NextRetryAt, d.CreatedAt = utc(d.DeliveredAt), utc(d.NextRetryAt), d.CreatedAt.UTC()
	if d.RequestHeaders, err = decodeHeader(reqHdr); err != nil {
		return nil, err
	}
	if d.ResponseHeaders, err = decodeHeader(respHdr); err != nil {
		return nil, err
	}
	return &d, nil
}

func encodeHeader(h http.Header) ([]byte, error) {
	return headerjson.Marshal(h), nil
}

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
// [DeliveriesChannel] when it commits (see [Store.ListenDeliveries]).
func (s *Store) DeliveryInsert(ctx context.Context, ps []*storage.DeliveryInsertParams) ([]*storage.Delivery, error) {
	out := make([]*storage.Delivery, 0, len(ps))
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		now := s.Now()
		for _, p := range ps {
			d, err := insertDelivery(ctx, tx, p, now)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return notifyDeliveries(ctx, tx, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func insertDelivery(ctx context.Context, tx pgx.Tx, p *storage.DeliveryInsertParams, now any) (*storage.Delivery, error) {
	eventID, attempt, status := p.EventID, p.AttemptNumber, p.Status
	if eventID == uuid.Nil {
		eventID = newID()
	}
	if attempt == 0 {
		attempt = 1
	}
	if status == "" {
		status = storage.DeliveryPending
	}
	var key *string
	if p.IdempotencyKey != "" {
		key = &p.IdempotencyKey
	}
	return scanDelivery(tx.QueryRow(ctx, `INSERT INTO webhook_deliveries
		(id, organization_id, webhook_id, event_id, event_type, payload, idempotency_key, attempt_number,
		 delivered_at, next_retry_at, status, created_at)
		SELECT $1, w.organization_id, w.id, $4, $5, $6, $7, $8, NULL, $9, $10, $11
		FROM webhooks w WHERE w.organization_id = $2 AND w.id = $3
		RETURNING `+deliveryCols,
		id16(newID()), id16(p.OrganizationID), id16(p.WebhookID), id16(eventID), p.EventType, []byte(p.Payload), key, attempt,
		micro(p.NextRetryAt), string(status), now))
}

// DeliveryGet implements [storage.DeliveryStore].
func (s *Store) DeliveryGet(ctx context.Context, orgID, id uuid.UUID) (*storage.Delivery, error) {
	return scanDelivery(s.db.QueryRow(ctx,
		`SELECT `+deliveryCols+` FROM webhook_deliveries WHERE organization_id = $1 AND id = $2`, orgID, id))
}

// DeliveryList implements [storage.DeliveryStore].
func (s *Store) DeliveryList(ctx context.Context, p *storage.DeliveryListParams) (*storage.Page[*storage.Delivery], error) {
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
	reqHdr, err := encodeHeader(p.RequestHeaders)
	if err != nil {
		return nil, err
	}
	respHdr, err := encodeHeader(p.ResponseHeaders)
	if err != nil {
		return nil, err
	}
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
