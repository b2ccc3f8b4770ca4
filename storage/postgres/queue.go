package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

var _ storage.DeliveryQueue = (*Store)(nil)

// dueAndFree is the condition on d of a claimable row; $1 is the claim's
// Now.
const dueAndFree = `d.status = 'pending'
	AND (d.next_retry_at IS NULL OR d.next_retry_at <= $1)
	AND (d.locked_until IS NULL OR d.locked_until <= $1)`

// claimOrder is the order rows are claimed in.
const claimOrder = `next_retry_at NULLS FIRST, created_at, id`

// leaseSQL takes the rows of the CTE picked (pick_id), which must already
// be locked, leases them under $3 until $4 and returns them in claim order.
const leaseSQL = `, leased_rows AS (
	UPDATE webhook_deliveries d SET claim_id = $3, locked_until = $4
	FROM picked WHERE d.id = picked.pick_id RETURNING d.*)
SELECT ` + deliveryCols + ` FROM leased_rows ORDER BY ` + claimOrder

// claimSQL leases the oldest due rows of active webhooks. FOR UPDATE SKIP
// LOCKED makes concurrent claims pass over each other's rows; a row another
// claim leased and committed since this statement's snapshot is re-checked
// on its new version and no longer qualifies.
const claimSQL = `WITH picked AS (
	SELECT d.id AS pick_id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
	WHERE w.status = 'active' AND ` + dueAndFree + `
	ORDER BY d.next_retry_at NULLS FIRST, d.created_at, d.id
	LIMIT $2
	FOR UPDATE OF d SKIP LOCKED)` + leaseSQL

// claimCappedSQL is claimSQL with at most $5 rows of one webhook leased at
// once. The cap is applied before locking, from the statement's snapshot:
// each active webhook offers only its oldest ($5 - rows it has leased) due
// rows (a LATERAL index scan, the same as ranking the due rows with
// row_number() OVER (PARTITION BY webhook_id) but without reading them
// all), the oldest $2 of the offers are chosen, and only then are they
// locked, skipping locked ones. Capping after SKIP LOCKED would be wrong: a
// row being leased by a concurrent claim is skipped, not counted, and the
// cap would let the next row of the same webhook through in its place. A
// claim that meets rows locked by a concurrent claim returns fewer than $2.
//
// The offers are an array (an InitPlan, computed once) looked up by
// primary key: as a joined CTE the planner may re-run the LATERAL scans for
// every row of the outer scan, or walk the whole due index.
const claimCappedSQL = `WITH leases AS (
	SELECT webhook_id, count(*) AS n FROM webhook_deliveries
	WHERE status = 'pending' AND locked_until > $1 GROUP BY webhook_id
), picked AS (
	SELECT d.id AS pick_id FROM webhook_deliveries d
	WHERE d.id = ANY (ARRAY(
		SELECT c.id FROM webhooks w
		LEFT JOIN leases l ON l.webhook_id = w.id
		CROSS JOIN LATERAL (
			SELECT d.id, d.next_retry_at, d.created_at FROM webhook_deliveries d
			WHERE d.webhook_id = w.id AND ` + dueAndFree + `
			ORDER BY d.next_retry_at NULLS FIRST, d.created_at, d.id
			LIMIT GREATEST($5 - COALESCE(l.n, 0), 0)) c
		WHERE w.status = 'active'
		ORDER BY c.next_retry_at NULLS FIRST, c.created_at, c.id
		LIMIT $2))
	AND ` + dueAndFree + `
	FOR UPDATE OF d SKIP LOCKED)` + leaseSQL

// DeliveryClaim implements [storage.DeliveryQueue] in one statement.
func (s *Store) DeliveryClaim(ctx context.Context, p *storage.DeliveryClaimParams) ([]*storage.Delivery, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	now := p.Now.UTC().Truncate(time.Microsecond)
	if p.Now.IsZero() {
		now = s.Now()
	}
	args := []any{now, storage.PageLimit(p.Limit), p.ClaimID, now.Add(p.LeaseFor)}
	sql := claimSQL
	if p.PerWebhookLimit > 0 {
		sql, args = claimCappedSQL, append(args, p.PerWebhookLimit)
	}
	return queryAll(ctx, s, sql, args, scanDelivery)
}

// finishSQL records an attempt's result on a row still leased under $3 and
// clears the lease.
const finishSQL = `UPDATE webhook_deliveries SET
	status = $4, request_headers = $5, response_status = $6, response_body = $7, response_headers = $8,
	response_truncated = $9, duration_ms = $10, delivered_at = $11, error_message = $12,
	next_retry_at = COALESCE($13, next_retry_at), claim_id = NULL, locked_until = NULL
	WHERE organization_id = $1 AND id = $2 AND claim_id = $3 RETURNING ` + deliveryCols

// DeliveryFinish implements [storage.DeliveryQueue].
func (s *Store) DeliveryFinish(ctx context.Context, p *storage.DeliveryFinishParams) (*storage.Delivery, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	reqHdr, err := encodeHeader(p.RequestHeaders)
	if err != nil {
		return nil, err
	}
	respHdr, err := encodeHeader(p.ResponseHeaders)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	delivered := p.DeliveredAt.UTC().Truncate(time.Microsecond)
	if p.DeliveredAt.IsZero() {
		delivered = now
	}
	var next *time.Time
	if p.Next != nil {
		next = micro(&p.Next.NextRetryAt)
	}
	var out *storage.Delivery
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := scanDelivery(tx.QueryRow(ctx, finishSQL, p.OrganizationID, p.ID, p.ClaimID, string(p.Status),
			reqHdr, p.ResponseStatus, p.ResponseBody, respHdr, p.ResponseTruncated, p.DurationMS, delivered,
			p.ErrorMessage, next))
		if errors.Is(err, storage.ErrNotFound) {
			return leaseLost(ctx, tx, p.OrganizationID, p.ID)
		}
		if err != nil {
			return err
		}
		out = d
		return finishFollowUps(ctx, tx, d, p, next, now)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// leaseLost tells why a finish matched no row: the row is not the
// organization's ([storage.ErrNotFound]) or its lease is gone
// ([storage.ErrConflict]).
func leaseLost(ctx context.Context, tx pgx.Tx, orgID, id uuid.UUID) error {
	var exists bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE organization_id = $1 AND id = $2)`,
		orgID, id).Scan(&exists)
	switch {
	case err != nil:
		return mapErr(err)
	case !exists:
		return storage.ErrNotFound
	}
	return storage.ErrConflict
}

// finishFollowUps writes what a finished attempt d leads to: the next
// attempt, a dead-letter entry, a disabled webhook.
func finishFollowUps(ctx context.Context, tx pgx.Tx, d *storage.Delivery, p *storage.DeliveryFinishParams, next *time.Time, now time.Time) error {
	if next != nil {
		if _, err := tx.Exec(ctx, `INSERT INTO webhook_deliveries
			(id, organization_id, webhook_id, event_id, event_type, payload, attempt_number, delivered_at, next_retry_at, status, created_at)
			SELECT $1, organization_id, webhook_id, event_id, event_type, payload, COALESCE(attempt_number, 1) + 1, NULL, $3, 'pending', $4
			FROM webhook_deliveries WHERE id = $2`, newID(), d.ID, next, now); err != nil {
			return mapErr(err)
		}
	}
	if p.DLQReason != "" {
		if _, err := tx.Exec(ctx, `INSERT INTO webhook_dlq (id, organization_id, webhook_id, delivery_id, reason, added_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, newID(), d.OrganizationID, d.WebhookID, d.ID, p.DLQReason, now); err != nil {
			return mapErr(err)
		}
	}
	if p.DisableWebhook != "" {
		if _, err := tx.Exec(ctx, `UPDATE webhooks SET status = 'disabled', disabled_reason = $3, updated_at = $4
			WHERE organization_id = $1 AND id = $2`, d.OrganizationID, d.WebhookID, p.DisableWebhook, now); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// DeliveryRelease implements [storage.DeliveryQueue].
func (s *Store) DeliveryRelease(ctx context.Context, claimID uuid.UUID, ids []uuid.UUID) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	return s.execCount(ctx, `UPDATE webhook_deliveries SET claim_id = NULL, locked_until = NULL
		WHERE claim_id = $1 AND id = ANY($2) AND status = 'pending'`, claimID, ids)
}

// DeliveryReapExpired implements [storage.DeliveryQueue].
func (s *Store) DeliveryReapExpired(ctx context.Context, now time.Time) (int, error) {
	return s.execCount(ctx, `UPDATE webhook_deliveries SET claim_id = NULL, locked_until = NULL
		WHERE status = 'pending' AND locked_until < $1`, now.UTC())
}

// DeliveryDeleteBefore implements [storage.DeliveryQueue]. Rows another
// transaction has locked are left for the next call.
func (s *Store) DeliveryDeleteBefore(ctx context.Context, before time.Time, limit int) (int, error) {
	if limit < 1 {
		return 0, errors.New("postgres: DeliveryDeleteBefore: limit must be at least 1")
	}
	return s.execCount(ctx, `DELETE FROM webhook_deliveries WHERE id IN (
		SELECT d.id FROM webhook_deliveries d
		WHERE d.created_at < $1 AND d.status <> 'pending'
		  AND NOT EXISTS (SELECT 1 FROM webhook_dlq q WHERE q.delivery_id = d.id)
		ORDER BY d.created_at LIMIT $2 FOR UPDATE SKIP LOCKED)`, before.UTC(), limit)
}

// DeliveryStats implements [storage.DeliveryQueue].
func (s *Store) DeliveryStats(ctx context.Context, orgID, webhookID uuid.UUID, since time.Time) (*storage.DeliveryStats, error) {
	q := query.New(query.Dollar)
	sinceArg := q.Arg(since.UTC())
	q.Where("organization_id = ?", orgID)
	if webhookID != uuid.Nil {
		q.Where("webhook_id = ?", webhookID)
	}
	done := `status IN ('success', 'failed', 'dlq') AND delivered_at >= ` + sinceArg
	var st storage.DeliveryStats
	err := s.db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE `+done+`),
		count(*) FILTER (WHERE status = 'success' AND delivered_at >= `+sinceArg+`),
		count(*) FILTER (WHERE status = 'failed' AND delivered_at >= `+sinceArg+`),
		count(*) FILTER (WHERE status = 'pending'),
		count(*) FILTER (WHERE status = 'dlq' AND delivered_at >= `+sinceArg+`),
		max(delivered_at) FILTER (WHERE `+done+`)
		FROM webhook_deliveries`+q.SQL(), q.Args()...).Scan(
		&st.Total, &st.Succeeded, &st.Failed, &st.Pending, &st.DeadLettered, &st.LastAttemptAt)
	if err != nil {
		return nil, mapErr(err)
	}
	st.LastAttemptAt = utc(st.LastAttemptAt)
	return &st, nil
}

// execCount runs a statement and returns how many rows it changed.
func (s *Store) execCount(ctx context.Context, sql string, args ...any) (int, error) {
	tag, err := s.db.Exec(ctx, sql, args...)
	if err != nil {
		return 0, mapErr(err)
	}
	return int(tag.RowsAffected()), nil
}
