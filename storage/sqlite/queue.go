package sqlite

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

var _ storage.DeliveryQueue = (*Store)(nil)

// dueAndFree is the condition on d of a claimable row; ?1 is the claim's
// Now. SQLite sorts NULL first, so "ORDER BY next_retry_at" puts rows due
// now first, as PostgreSQL's NULLS FIRST does.
const dueAndFree = `d.status = 'pending'
	AND (d.next_retry_at IS NULL OR d.next_retry_at <= ?1)
	AND (d.locked_until IS NULL OR d.locked_until <= ?1)`

// The claims write their limits as (SELECT ?2), not ?2: SQLite's planner
// reads the value bound to a bare LIMIT parameter of a subquery, and then
// recompiles the statement whenever a different value is bound (every
// claim, as the limit is the number of free workers), which cost more than
// running it.

// claimSQL leases the oldest due rows of active webhooks under ?3 until
// ?4. The single writer runs it alone, so no other claim can see the rows
// between the choice and the update. INDEXED BY makes it walk the due index
// in claim order and stop after ?2 rows: left to itself, without
// statistics, the planner reads every pending row by status and sorts them.
const claimSQL = `UPDATE webhook_deliveries SET claim_id = ?3, locked_until = ?4 WHERE id IN (
	SELECT d.id FROM webhook_deliveries d INDEXED BY idx_webhook_deliveries_due JOIN webhooks w ON w.id = d.webhook_id
	WHERE w.status = 'active' AND ` + dueAndFree + `
	ORDER BY d.next_retry_at, d.created_at, d.id LIMIT (SELECT ?2))
	RETURNING ` + deliveryCols

// claimCappedSQL is claimSQL with at most ?5 rows of one webhook leased at
// once by the claims whose IDs lie between ?6 and ?7 (one claimer's, or
// all; see [storage.DeliveryClaimParams.ClaimerRange]). As on PostgreSQL, the cap is applied per webhook before choosing:
// each active webhook below its cap offers only its oldest ?5 due rows (or
// ?2, if fewer), read from idx_webhook_deliveries_webhook_due by a
// correlated subquery; the offers are ranked within their webhook after the
// rows it already has leased, and the oldest ?2 within the cap are leased.
// The work is bounded by the webhooks and the cap, not by the backlog
// (ranking every due row, as this statement once did, cost more than the
// deliveries themselves with a few thousand rows waiting). SQLite's LIMIT
// cannot refer to the outer row, hence the constant ?5 and the ranking. The
// single writer runs it alone, so the cap is exact.
const claimCappedSQL = `WITH leases AS (
	SELECT webhook_id, count(*) AS n FROM webhook_deliveries INDEXED BY idx_webhook_deliveries_lease
	WHERE status = 'pending' AND locked_until > ?1 AND claim_id BETWEEN ?6 AND ?7 GROUP BY webhook_id
), offers AS (
	SELECT o.id, o.next_retry_at, o.created_at, COALESCE(l.n, 0) +
		row_number() OVER (PARTITION BY o.webhook_id ORDER BY o.next_retry_at, o.created_at, o.id) AS nth
	FROM webhooks w
	LEFT JOIN leases l ON l.webhook_id = w.id
	CROSS JOIN webhook_deliveries o ON o.id IN (
		SELECT d.id FROM webhook_deliveries d
		WHERE d.webhook_id = w.id AND ` + dueAndFree + `
		ORDER BY d.next_retry_at, d.created_at, d.id LIMIT (SELECT min(?5, ?2)))
	WHERE w.status = 'active' AND COALESCE(l.n, 0) < ?5
)
UPDATE webhook_deliveries SET claim_id = ?3, locked_until = ?4 WHERE id IN (
	SELECT id FROM offers WHERE nth <= ?5 ORDER BY next_retry_at, created_at, id LIMIT (SELECT ?2))
	RETURNING ` + deliveryCols

// DeliveryClaim implements [storage.DeliveryQueue] in one statement.
func (s *Store) DeliveryClaim(ctx context.Context, p *storage.DeliveryClaimParams) ([]*storage.Delivery, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	now := p.Now
	if now.IsZero() {
		now = s.Now()
	}
	args := []any{ts(now), storage.PageLimit(p.Limit), p.ClaimID, ts(now.Add(p.LeaseFor))}
	text := claimSQL
	if p.PerWebhookLimit > 0 {
		lo, hi, err := p.ClaimerRange()
		if err != nil {
			return nil, err
		}
		text, args = claimCappedSQL, append(args, p.PerWebhookLimit, lo, hi)
	}
	ds, err := writeRows(ctx, s, scanDelivery, text, args...)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ds, claimOrder)
	return ds, nil
}

// claimOrder compares deliveries in the order they are claimed:
// next_retry_at (nil first), created_at, id.
func claimOrder(a, b *storage.Delivery) int {
	switch {
	case a.NextRetryAt == nil && b.NextRetryAt != nil:
		return -1
	case a.NextRetryAt != nil && b.NextRetryAt == nil:
		return 1
	case a.NextRetryAt != nil:
		if c := a.NextRetryAt.Compare(*b.NextRetryAt); c != 0 {
			return c
		}
	}
	return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), bytes.Compare(a.ID[:], b.ID[:]))
}

// writeRows runs a statement returning rows in a write transaction and
// scans them all.
func writeRows[T any](ctx context.Context, s *Store, scan func(row) (T, error), text string, args ...any) ([]T, error) {
	st, err := s.prepare(ctx, s.w, text)
	if err != nil {
		return nil, err
	}
	var out []T
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := txQuery(ctx, tx, st, text, args...)
		if err != nil {
			return mapErr(err)
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return mapErr(rows.Err())
	})
	return out, err
}

// txQuery runs a prepared (or plain) query in tx.
func txQuery(ctx context.Context, tx *sql.Tx, st *sql.Stmt, text string, args ...any) (*sql.Rows, error) {
	if st == nil {
		return tx.QueryContext(ctx, text, args...)
	}
	return tx.StmtContext(ctx, st).QueryContext(ctx, args...)
}

// finishSQL records an attempt's result on a row still leased under ?3 and
// clears the lease.
const finishSQL = `UPDATE webhook_deliveries SET
	status = ?4, request_headers = ?5, response_status = ?6, response_body = ?7, response_headers = ?8,
	response_truncated = ?9, duration_ms = ?10, delivered_at = ?11, error_message = ?12,
	next_retry_at = COALESCE(?13, next_retry_at), claim_id = NULL, locked_until = NULL
	WHERE organization_id = ?1 AND id = ?2 AND claim_id = ?3 RETURNING ` + deliveryCols

// DeliveryFinish implements [storage.DeliveryQueue].
func (s *Store) DeliveryFinish(ctx context.Context, p *storage.DeliveryFinishParams) (*storage.Delivery, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	args := finishArgs(p, s.Now())
	st, err := s.prepare(ctx, s.w, finishSQL)
	if err != nil {
		return nil, err
	}
	fu, err := s.prepareFollowUps(ctx, p)
	if err != nil {
		return nil, err
	}
	var out *storage.Delivery
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		d, err := scanDelivery(txQueryRow(ctx, tx, st, finishSQL, args...))
		if errors.Is(err, storage.ErrNotFound) {
			return leaseLost(ctx, tx, p.OrganizationID, p.ID)
		}
		if err != nil {
			return err
		}
		out = d
		return finishFollowUps(ctx, tx, fu, d, p, ts(s.Now()))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// finishArgs are the arguments of finishSQL.
func finishArgs(p *storage.DeliveryFinishParams, now time.Time) []any {
	reqHdr, respHdr := encodeHeader(p.RequestHeaders), encodeHeader(p.ResponseHeaders)
	delivered := p.DeliveredAt
	if delivered.IsZero() {
		delivered = now
	}
	var next any
	if p.Next != nil {
		next = ts(p.Next.NextRetryAt)
	}
	return []any{p.OrganizationID, p.ID, p.ClaimID, string(p.Status), reqHdr, p.ResponseStatus, p.ResponseBody, respHdr,
		boolArg(&p.ResponseTruncated), p.DurationMS, ts(delivered), p.ErrorMessage, next}
}

// leaseLost tells why a finish matched no row: the row is not the
// organization's ([storage.ErrNotFound]) or its lease is gone
// ([storage.ErrConflict]).
func leaseLost(ctx context.Context, tx *sql.Tx, orgID, id uuid.UUID) error {
	ok, err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE organization_id = ?1 AND id = ?2)`,
		orgID, id)
	switch {
	case err != nil:
		return err
	case !ok:
		return storage.ErrNotFound
	}
	return storage.ErrConflict
}

// The statements of finishFollowUps.
const (
	// finishNextSQL inserts the next attempt of row ?2 as ?1, due at ?3.
	finishNextSQL = `INSERT INTO webhook_deliveries
	(id, organization_id, webhook_id, event_id, event_type, payload, attempt_number, delivered_at, next_retry_at, status, created_at)
	SELECT ?1, organization_id, webhook_id, event_id, event_type, payload, COALESCE(attempt_number, 1) + 1, NULL, ?3, 'pending', ?4
	FROM webhook_deliveries WHERE id = ?2`
	finishDLQSQL = `INSERT INTO webhook_dlq (id, organization_id, webhook_id, delivery_id, reason, added_at)
	VALUES (?1, ?2, ?3, ?4, ?5, ?6)`
	finishDisableSQL = `UPDATE webhooks SET status = 'disabled', disabled_reason = ?3, updated_at = ?4
	WHERE organization_id = ?1 AND id = ?2`
)

// finishFollowUps writes what a finished attempt d leads to: the next
// attempt, a dead-letter entry, a disabled webhook. It prepares nothing (it
// runs inside the write transaction): st holds the statements prepared
// beforehand, or nil to run them unprepared.
func finishFollowUps(ctx context.Context, tx *sql.Tx, st *followUpStmts, d *storage.Delivery, p *storage.DeliveryFinishParams, now string) error {
	if st == nil {
		st = &followUpStmts{}
	}
	if p.Next != nil {
		if _, err := txExec(ctx, tx, st.next, finishNextSQL, newID(), d.ID, ts(p.Next.NextRetryAt), now); err != nil {
			return mapErr(err)
		}
	}
	if p.DLQReason != "" {
		if _, err := txExec(ctx, tx, st.dlq, finishDLQSQL, newID(), d.OrganizationID, d.WebhookID, d.ID, p.DLQReason, now); err != nil {
			return mapErr(err)
		}
	}
	if p.DisableWebhook != "" {
		if _, err := txExec(ctx, tx, st.disable, finishDisableSQL, d.OrganizationID, d.WebhookID, p.DisableWebhook, now); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// followUpStmts are the prepared statements of finishFollowUps; a nil one
// runs unprepared.
type followUpStmts struct {
	next, dlq, disable *sql.Stmt
}

// prepareFollowUps prepares the follow-up statements ps need (outside the
// write transaction).
func (s *Store) prepareFollowUps(ctx context.Context, ps ...*storage.DeliveryFinishParams) (*followUpStmts, error) {
	var st followUpStmts
	var err error
	for _, p := range ps {
		if p == nil {
			continue
		}
		if p.Next != nil && st.next == nil {
			if st.next, err = s.prepare(ctx, s.w, finishNextSQL); err != nil {
				return nil, err
			}
		}
		if p.DLQReason != "" && st.dlq == nil {
			if st.dlq, err = s.prepare(ctx, s.w, finishDLQSQL); err != nil {
				return nil, err
			}
		}
		if p.DisableWebhook != "" && st.disable == nil {
			if st.disable, err = s.prepare(ctx, s.w, finishDisableSQL); err != nil {
				return nil, err
			}
		}
	}
	return &st, nil
}

// finishPlainSQL is finishSQL returning nothing, for an attempt without
// follow-ups, and finishKeySQL returning only what the follow-ups need.
const (
	finishPlainSQL = `UPDATE webhook_deliveries SET
	status = ?4, request_headers = ?5, response_status = ?6, response_body = ?7, response_headers = ?8,
	response_truncated = ?9, duration_ms = ?10, delivered_at = ?11, error_message = ?12,
	next_retry_at = COALESCE(?13, next_retry_at), claim_id = NULL, locked_until = NULL
	WHERE organization_id = ?1 AND id = ?2 AND claim_id = ?3`
	finishKeySQL = finishPlainSQL + ` RETURNING webhook_id`
)

// hasFollowUps reports whether finishing p writes more than its row.
func hasFollowUps(p *storage.DeliveryFinishParams) bool {
	return p.Next != nil || p.DLQReason != "" || p.DisableWebhook != ""
}

// DeliveryFinishBatch implements [storage.DeliveryQueue]: one write
// transaction, in which each item is written, or found no longer leased,
// in turn.
func (s *Store) DeliveryFinishBatch(ctx context.Context, ps []*storage.DeliveryFinishParams) ([]error, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	now := s.Now()
	errs := make([]error, len(ps))
	args := make([][]any, len(ps))
	for i, p := range ps {
		if p == nil {
			errs[i] = errors.New("sqlite: DeliveryFinishBatch: nil params")
			continue
		}
		if errs[i] = p.Validate(); errs[i] == nil {
			args[i] = finishArgs(p, now)
		}
	}
	plain, err := s.prepare(ctx, s.w, finishPlainSQL)
	if err != nil {
		return nil, err
	}
	keyed, err := s.prepare(ctx, s.w, finishKeySQL)
	if err != nil {
		return nil, err
	}
	fu, err := s.prepareFollowUps(ctx, ps...)
	if err != nil {
		return nil, err
	}
	nowText := ts(now)
	out := make([]error, len(ps))
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		copy(out, errs)
		plainStmt, done, err := txStmt(ctx, tx, plain, finishPlainSQL)
		if err != nil {
			return err
		}
		defer done()
		var keyedStmt *sql.Stmt
		for i, p := range ps {
			if out[i] != nil {
				continue
			}
			if !hasFollowUps(p) {
				res, err := plainStmt.ExecContext(ctx, args[i]...)
				if err != nil {
					return mapErr(err)
				}
				if n, err := res.RowsAffected(); err != nil {
					return mapErr(err)
				} else if n == 0 {
					if out[i] = leaseLost(ctx, tx, p.OrganizationID, p.ID); !isItemErr(out[i]) {
						return out[i]
					}
				}
				continue
			}
			if keyedStmt == nil {
				var done func()
				if keyedStmt, done, err = txStmt(ctx, tx, keyed, finishKeySQL); err != nil {
					return err
				}
				defer done()
			}
			d := &storage.Delivery{ID: p.ID, OrganizationID: p.OrganizationID}
			err := keyedStmt.QueryRowContext(ctx, args[i]...).Scan(&d.WebhookID)
			if errors.Is(err, sql.ErrNoRows) {
				if out[i] = leaseLost(ctx, tx, p.OrganizationID, p.ID); !isItemErr(out[i]) {
					return out[i]
				}
				continue
			}
			if err != nil {
				return mapErr(err)
			}
			if err := finishFollowUps(ctx, tx, fu, d, p, nowText); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// isItemErr reports the errors that fail one item of a batch, not all.
func isItemErr(err error) bool {
	return errors.Is(err, storage.ErrConflict) || errors.Is(err, storage.ErrNotFound)
}

// DeliveryRelease implements [storage.DeliveryQueue].
func (s *Store) DeliveryRelease(ctx context.Context, claimID uuid.UUID, ids []uuid.UUID) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	text, args := releaseSQL(claimID, ids)
	return s.writeExec(ctx, text, args...)
}

// releaseSQL is the statement of DeliveryRelease. "+status" keeps SQLite's
// planner, which has no statistics, from walking every pending row through
// idx_webhook_deliveries_status instead of looking the IDs up by primary
// key once the list has more than a few of them.
func releaseSQL(claimID uuid.UUID, ids []uuid.UUID) (string, []any) {
	q := query.New(query.Question)
	q.Where("+status = 'pending'")
	q.Where("claim_id = ?", claimID)
	query.In(q, "id", ids)
	return `UPDATE webhook_deliveries SET claim_id = NULL, locked_until = NULL` + q.SQL(), q.Args()
}

// reapSQL returns the leases that ended before ?1, through the lease index,
// which holds only live leases: left to itself, the planner walks every
// pending row by status.
const reapSQL = `UPDATE webhook_deliveries INDEXED BY idx_webhook_deliveries_lease
	SET claim_id = NULL, locked_until = NULL
	WHERE status = 'pending' AND locked_until IS NOT NULL AND locked_until < ?1`

// DeliveryReapExpired implements [storage.DeliveryQueue].
func (s *Store) DeliveryReapExpired(ctx context.Context, now time.Time) (int, error) {
	return s.writeExec(ctx, reapSQL, ts(now))
}

// DeliveryDeleteBefore implements [storage.DeliveryQueue].
func (s *Store) DeliveryDeleteBefore(ctx context.Context, before time.Time, limit int) (int, error) {
	if limit < 1 {
		return 0, errors.New("sqlite: DeliveryDeleteBefore: limit must be at least 1")
	}
	return s.writeExec(ctx, deleteBeforeSQL, ts(before), limit)
}

// deleteBeforeSQL deletes up to ?2 finished rows created before ?1 that no
// dead letter refers to, organization by organization, oldest first within
// each, through idx_webhook_deliveries_org_created: a pass that finds
// nothing to delete reads one index range per organization, not every row
// of the table under the write lock (17 ms per 100,000 rows, every
// ReapInterval). Every delivery belongs to a webhook of its organization
// (deleting a webhook deletes its deliveries), so the organizations are
// those of the webhooks table.
const deleteBeforeSQL = `DELETE FROM webhook_deliveries WHERE id IN (
	SELECT d.id FROM (SELECT DISTINCT organization_id AS org FROM webhooks) o
	CROSS JOIN webhook_deliveries d ON d.id IN (
		SELECT x.id FROM webhook_deliveries x INDEXED BY idx_webhook_deliveries_org_created
		WHERE x.organization_id = o.org AND x.created_at < ?1 AND x.status <> 'pending'
		  AND NOT EXISTS (SELECT 1 FROM webhook_dlq q WHERE q.delivery_id = x.id)
		ORDER BY x.created_at LIMIT ?2)
	LIMIT ?2)`

// DeliveryStats implements [storage.DeliveryQueue].
func (s *Store) DeliveryStats(ctx context.Context, orgID, webhookID uuid.UUID, since time.Time) (*storage.DeliveryStats, error) {
	where, args := ` WHERE organization_id = ?1`, []any{orgID, ts(since)}
	if webhookID != uuid.Nil {
		where, args = where+` AND webhook_id = ?3`, append(args, webhookID)
	}
	const done = `status IN ('success', 'failed', 'dlq') AND delivered_at >= ?2`
	return readRow(ctx, s, scanStats, `SELECT count(*) FILTER (WHERE `+done+`),
		count(*) FILTER (WHERE status = 'success' AND delivered_at >= ?2),
		count(*) FILTER (WHERE status = 'failed' AND delivered_at >= ?2),
		count(*) FILTER (WHERE status = 'pending'),
		count(*) FILTER (WHERE status = 'dlq' AND delivered_at >= ?2),
		max(delivered_at) FILTER (WHERE status IN ('success', 'failed', 'dlq'))
		FROM webhook_deliveries`+where, args...)
}

func scanStats(r row) (*storage.DeliveryStats, error) {
	var st storage.DeliveryStats
	if err := r.Scan(&st.Total, &st.Succeeded, &st.Failed, &st.Pending, &st.DeadLettered, timePtrCol{&st.LastAttemptAt}); err != nil {
		return nil, mapErr(err)
	}
	return &st, nil
}
