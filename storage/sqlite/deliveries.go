package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

const deliveryCols = `id, organization_id, webhook_id, event_id, event_type, payload, COALESCE(idempotency_key, ''),
	request_headers, response_status, COALESCE(response_body, ''), response_headers, response_truncated,
	duration_ms, COALESCE(attempt_number, 1), delivered_at, next_retry_at, COALESCE(status, 'pending'),
	COALESCE(error_message, ''), created_at`

func scanDelivery(r row) (*storage.Delivery, error) {
	var (
		d      storage.Delivery
		status string
	)
	err := r.Scan(&d.ID, &d.OrganizationID, &d.WebhookID, &d.EventID, &d.EventType, jsonCol{&d.Payload}, &d.IdempotencyKey,
		headerCol(&d.RequestHeaders), &d.ResponseStatus, &d.ResponseBody, headerCol(&d.ResponseHeaders), &d.ResponseTruncated,
		&d.DurationMS, &d.AttemptNumber, timePtrCol{&d.DeliveredAt}, timePtrCol{&d.NextRetryAt}, &status, &d.ErrorMessage,
		timeCol{&d.CreatedAt})
	if err != nil {
		return nil, mapErr(err)
	}
	d.Status = storage.DeliveryStatus(status)
	return &d, nil
}

// DeliveryInsert implements [storage.DeliveryStore]. Each row's webhook must
// belong to the row's organization. A row skipped for its idempotency key
// (ON CONFLICT DO NOTHING) returns nothing, as a missing webhook does;
// webhookExists tells them apart.
func (s *Store) DeliveryInsert(ctx context.Context, ps []*storage.DeliveryInsertParams) ([]*storage.Delivery, error) {
	if err := storage.ValidateBatch(ps); err != nil {
		return nil, err
	}
	out := make([]*storage.Delivery, 0, len(ps))
	st, err := s.prepare(ctx, s.w, insertDeliverySQL)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, done, err := txStmt(ctx, tx, st, insertDeliverySQL)
		if err != nil {
			return err
		}
		defer done()
		now := ts(s.Now())
		for _, p := range ps {
			d, err := insertDelivery(ctx, stmt, p, now)
			if errors.Is(err, storage.ErrNotFound) {
				err = webhookExists(ctx, tx, p.OrganizationID, p.WebhookID)
			}
			if err != nil {
				return err
			}
			if d != nil {
				out = append(out, d)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

const insertDeliverySQL = `INSERT INTO webhook_deliveries
	(id, organization_id, webhook_id, event_id, event_type, payload, idempotency_key, attempt_number,
	 delivered_at, next_retry_at, status, created_at)
	SELECT ?1, w.organization_id, w.id, ?4, ?5, ?6, ?7, ?8, NULL, ?9, ?10, ?11
	FROM webhooks w WHERE w.organization_id = ?2 AND w.id = ?3
	ON CONFLICT DO NOTHING
	RETURNING ` + deliveryCols

func insertDelivery(ctx context.Context, stmt *sql.Stmt, p *storage.DeliveryInsertParams, now string) (*storage.Delivery, error) {
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
	return scanDelivery(stmt.QueryRowContext(ctx, newID(), p.OrganizationID, p.WebhookID, eventID, p.EventType,
		jsonText(p.Payload), key, attempt, tsPtr(p.NextRetryAt), string(status), now))
}

// DeliveryGet implements [storage.DeliveryStore].
func (s *Store) DeliveryGet(ctx context.Context, orgID, id uuid.UUID) (*storage.Delivery, error) {
	return readRow(ctx, s, scanDelivery,
		`SELECT `+deliveryCols+` FROM webhook_deliveries WHERE organization_id = ?1 AND id = ?2`, orgID, id)
}

// DeliveryList implements [storage.DeliveryStore].
func (s *Store) DeliveryList(ctx context.Context, p *storage.DeliveryListParams) (*storage.Page[*storage.Delivery], error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	q := query.New(query.Question)
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
	return writeRow(ctx, s, scanDelivery, `UPDATE webhook_deliveries SET
		status = COALESCE(?3, status), request_headers = COALESCE(?4, request_headers),
		response_status = COALESCE(?5, response_status), response_body = COALESCE(?6, response_body),
		response_headers = COALESCE(?7, response_headers), response_truncated = COALESCE(?8, response_truncated),
		duration_ms = COALESCE(?9, duration_ms), delivered_at = COALESCE(?10, delivered_at),
		next_retry_at = COALESCE(?11, next_retry_at), error_message = COALESCE(?12, error_message)
		WHERE organization_id = ?1 AND id = ?2 RETURNING `+deliveryCols,
		p.OrganizationID, p.ID, strPtr(p.Status), reqHdr, p.ResponseStatus, p.ResponseBody, respHdr, boolArg(p.ResponseTruncated),
		p.DurationMS, tsPtr(p.DeliveredAt), tsPtr(p.NextRetryAt), p.ErrorMessage)
}

// timeRange adds the bounds of r on col: Since inclusive, Until exclusive.
func timeRange(q *query.Builder, col string, r storage.TimeRange) {
	if !r.Since.IsZero() {
		q.Where(col+" >= ?", ts(r.Since))
	}
	if !r.Until.IsZero() {
		q.Where(col+" < ?", ts(r.Until))
	}
}

// webhookExists returns nil when the organization has the webhook (a row
// that inserted nothing was skipped for its idempotency key), else
// [storage.ErrNotFound].
func webhookExists(ctx context.Context, tx *sql.Tx, orgID, id uuid.UUID) error {
	ok, err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM webhooks WHERE organization_id = ?1 AND id = ?2)`, orgID, id)
	switch {
	case err != nil:
		return err
	case !ok:
		return storage.ErrNotFound
	}
	return nil
}

// exists runs a SELECT EXISTS (...) query in tx.
func exists(ctx context.Context, tx *sql.Tx, query string, args ...any) (bool, error) {
	var ok bool
	if err := tx.QueryRowContext(ctx, query, args...).Scan(&ok); err != nil {
		return false, mapErr(err)
	}
	return ok, nil
}
