package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/headerjson"
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

// leaseSQL takes the rows of the CTE picked (pick_ctid: their locked
// versions, reached by TID scans, no index descent), which must already be
// locked, leases them under $3 until $4, counts them per webhook in
// webhook_delivery_leases, and returns them in claim order. It also deletes
// up to 100 counts that have come down to zero (every row of that claim
// and webhook finished or released), through an ordered index scan that
// skips the dead entries earlier claims marked; nothing counts a zero row
// up again, so deleting it races with nothing. A claim ID used again (the
// contract asks for a new one per claim) adds to its count, which then
// lasts until the later of the two leases ends: the cap errs on the side
// of holding.
const leaseSQL = `, leased_rows AS (
	UPDATE webhook_deliveries d SET claim_id = $3, locked_until = $4
	FROM picked WHERE d.ctid = picked.pick_ctid RETURNING d.*
), counted AS (
	INSERT INTO webhook_delivery_leases (claim_id, webhook_id, leased, locked_until)
	SELECT $3, webhook_id, count(*), $4 FROM leased_rows GROUP BY webhook_id
	ON CONFLICT (claim_id, webhook_id) DO UPDATE SET leased = webhook_delivery_leases.leased + EXCLUDED.leased,
		locked_until = GREATEST(webhook_delivery_leases.locked_until, EXCLUDED.locked_until)
), emptied AS (
	DELETE FROM webhook_delivery_leases WHERE (claim_id, webhook_id) IN (
		SELECT claim_id, webhook_id FROM webhook_delivery_leases WHERE leased <= 0 ORDER BY claim_id LIMIT 100)
		AND leased <= 0)
SELECT ` + deliveryCols + ` FROM leased_rows ORDER BY ` + claimOrder

// uncountSQL is a CTE that counts down, in webhook_delivery_leases, the
// rows of the CTE named by its %s that have stopped being leased; that CTE
// has a claim and a webhook_id column. A count whose claim has expired may
// already be gone (the reaper); there is then nothing to count down.
const uncountSQL = `uncounted AS (
	UPDATE webhook_delivery_leases l SET leased = l.leased - c.n
	FROM (SELECT claim, webhook_id, count(*) AS n FROM %s GROUP BY claim, webhook_id) c
	WHERE l.claim_id = c.claim AND l.webhook_id = c.webhook_id)`

// claimSQL leases the oldest due rows of active webhooks, at most $2, with
// at most $5 rows of one webhook leased at once by the claims whose IDs lie
// between $6 and $7 (one claimer's, or all; see
// [storage.DeliveryClaimParams.ClaimerRange]). $8 rows are offered and the
// first $2 of them that can be locked are leased (see claimOffers). An
// uncapped claim is the same statement with no cap ($5 = noCap, and an
// empty ID range, so that no lease count is read): the oldest rows of the
// webhooks' oldest rows are the oldest rows. (As a join of the due rows
// with their webhooks, ordered and limited, the planner, which on a fresh
// or just-bulk-loaded queue expects one row, read and sorted every pending
// row: 500 µs of PostgreSQL CPU per delivery at a backlog of 20,000.)
//
// The cap is applied before locking, from the statement's snapshot:
// each active webhook offers only its oldest ($5 - rows it has leased, as
// webhook_delivery_leases counts them, at most $2) due rows (a LATERAL
// index scan, the same as ranking the due rows with row_number() OVER
// (PARTITION BY webhook_id) but without reading them all), the oldest $2 of the offers are chosen, and only then are they
// locked, skipping locked ones. Capping after SKIP LOCKED would be wrong: a
// row being leased by a concurrent claim is skipped, not counted, and the
// cap would let the next row of the same webhook through in its place. A
// claim that meets rows locked by a concurrent claim returns fewer than $2.
//
// The offers are an array of row versions (ctid; an InitPlan, computed
// once), and each offered row is then locked by a LATERAL TID lookup, one
// row per offer, which skips a row updated since the statement's snapshot
// (its locked version is no longer the one offered): as
// a joined CTE the planner may re-run the LATERAL scans for every row of
// the outer scan, or walk the whole due index; and as "id = ANY(offers)"
// on a table without statistics (a fresh or just-bulk-loaded queue) it
// bitmap-scans every pending row and filters them against the array, which
// costs more than the rest of the claim together once the backlog is a few
// thousand rows.
const claimSQL = `WITH picked AS (
	SELECT locked.pick_ctid FROM unnest(ARRAY(
		SELECT c.ctid FROM webhooks w
		CROSS JOIN LATERAL (
			SELECT sum(leased) AS n FROM webhook_delivery_leases
			WHERE webhook_id = w.id AND leased > 0 AND locked_until > $1 AND claim_id BETWEEN $6 AND $7) l
		CROSS JOIN LATERAL (
			SELECT d.ctid, d.id, d.next_retry_at, d.created_at FROM webhook_deliveries d
			WHERE d.webhook_id = w.id AND ` + dueAndFree + `
			ORDER BY d.next_retry_at NULLS FIRST, d.created_at, d.id
			LIMIT LEAST(GREATEST($5 - COALESCE(l.n, 0), 0), $8)) c
		WHERE w.status = 'active'
		ORDER BY c.next_retry_at NULLS FIRST, c.created_at, c.id
		LIMIT $8)) AS o(t)
	CROSS JOIN LATERAL (
		SELECT d.ctid AS pick_ctid FROM webhook_deliveries d
		WHERE d.ctid = o.t AND ` + dueAndFree + `
		FOR UPDATE OF d SKIP LOCKED) locked
	LIMIT $2)` + leaseSQL

// noCap is the per-webhook cap of an uncapped claim.
const noCap = math.MaxInt32

// claimHead returns the arguments $1 to $4 of claimSQL: the claim's Now
// (the store's clock when zero), its limit, claim ID and lease end.
func (s *Store) claimHead(p *storage.DeliveryClaimParams) []any {
	now := p.Now.UTC().Truncate(time.Microsecond)
	if p.Now.IsZero() {
		now = s.Now()
	}
	return []any{now, storage.PageLimit(p.Limit), id16(p.ClaimID), now.Add(p.LeaseFor)}
}

// claimOffers is claimSQL's $8, how many rows a claim offers itself: a
// capped claim its limit (capping after SKIP LOCKED would be wrong, see
// claimSQL), an uncapped one twice as many, so that it passes over rows
// other transactions hold, as a plain SKIP LOCKED scan would, up to its
// limit of them.
func claimOffers(p *storage.DeliveryClaimParams) int {
	if p.PerWebhookLimit > 0 {
		return storage.PageLimit(p.Limit)
	}
	return 2 * storage.PageLimit(p.Limit)
}

// DeliveryClaim implements [storage.DeliveryQueue] in one statement.
func (s *Store) DeliveryClaim(ctx context.Context, p *storage.DeliveryClaimParams) ([]*storage.Delivery, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	args := s.claimHead(p)
	if p.PerWebhookLimit <= 0 {
		args = append(args, noCap, id16(uuid.Max), id16(uuid.Nil), claimOffers(p))
	} else {
		lo, hi, err := p.ClaimerRange()
		if err != nil {
			return nil, err
		}
		args = append(args, p.PerWebhookLimit, id16(lo), id16(hi), claimOffers(p))
	}
	if !s.ownTx() {
		return queryAll(ctx, s, claimSQL, args, scanDelivery)
	}
	return claimPinned(ctx, s.pool, claimSQL, args)
}

// claimPinned runs a claim after claimPlanSQL, in one round trip and one
// transaction (db's, or the batch's own).
func claimPinned(ctx context.Context, db queryBatcher, sql string, args []any) ([]*storage.Delivery, error) {
	b := &pgx.Batch{}
	b.Queue(claimPlanSQL)
	b.Queue(sql, args...)
	br := db.SendBatch(ctx, b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return nil, mapErr(err)
	}
	rows, err := br.Query()
	if err != nil {
		return nil, mapErr(err)
	}
	out, err := collectDeliveries(rows)
	if err != nil {
		return nil, err
	}
	return out, mapErr(br.Close())
}

// claimPlanSQL pins the plan of the claims that follow it in the same
// transaction: each webhook's due rows are read in index order and the
// scan stops at the rows it needs. Without it, on a queue without
// statistics (new, or loaded faster than autovacuum analyzes it), the
// planner may expect a single due row and read every due row of each
// webhook through a bitmap scan of the due index, then sort them: at a
// backlog of 100,000 that made a delivery cost 294 µs of PostgreSQL CPU
// instead of 81 (bench, -n 100000). The setting ends with the
// transaction; a Store bound to the caller's transaction ([Store.WithTx])
// does not set it, so that the caller's statements are left alone.
const claimPlanSQL = `SELECT set_config('enable_bitmapscan', 'off', true)`

// ownTx reports whether the Store runs its statements in transactions of
// its own (not [Store.WithTx]).
func (s *Store) ownTx() bool { return s.db == dbtx(s.pool) }

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
	reqHdr, respHdr := encodeHeader(p.RequestHeaders), encodeHeader(p.ResponseHeaders)
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
	err := s.inTx(ctx, func(tx pgx.Tx) error {
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
		if _, err := tx.Exec(ctx, `UPDATE webhook_delivery_leases SET leased = leased - 1
			WHERE claim_id = $1 AND webhook_id = $2`, p.ClaimID, d.WebhookID); err != nil {
			return mapErr(err)
		}
		return finishFollowUps(ctx, tx, d, p, next, now)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// finishBatchSQL is finishSQL for many rows at once: the results come as
// arrays, one element per item, and each row is written only while it is
// still leased under its item's claim ID (re-checked, under READ COMMITTED,
// on the row's latest version if a concurrent transaction changed it). It
// returns one row per item: its ID, the webhook of the row it wrote (NULL
// when it wrote none) and whether the organization has the row at all, so
// that a row not written is told apart as a lost lease or another
// organization's row in the same statement. The written rows are counted
// down in webhook_delivery_leases.
var finishBatchSQL = `WITH u AS (
	SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::int4[], $7::text[], $8::text[],
		$9::bool[], $10::int4[], $11::timestamptz[], $12::text[], $13::timestamptz[])
		AS u(org, id, claim, status, req, rstatus, body, resp, trunc, dur, delivered, err, next)
), written AS (
	UPDATE webhook_deliveries d SET
	status = u.status, request_headers = u.req::jsonb, response_status = u.rstatus, response_body = u.body,
	response_headers = u.resp::jsonb, response_truncated = u.trunc, duration_ms = u.dur, delivered_at = u.delivered,
	error_message = u.err, next_retry_at = COALESCE(u.next, d.next_retry_at), claim_id = NULL, locked_until = NULL
	FROM u WHERE d.organization_id = u.org AND d.id = u.id AND d.claim_id = u.claim
	RETURNING d.id, d.webhook_id, u.claim
), ` + fmt.Sprintf(uncountSQL, "written") + `
SELECT u.id, w.webhook_id, EXISTS (SELECT 1 FROM webhook_deliveries x WHERE x.organization_id = u.org AND x.id = u.id)
FROM u LEFT JOIN written w ON w.id = u.id`

// The follow-ups of finishBatchSQL, one statement each for every item.
const (
	// finishBatchNextSQL inserts the next attempts: $1 their IDs, $2 the
	// finished rows, $3 when they are due.
	finishBatchNextSQL = `INSERT INTO webhook_deliveries
	(id, organization_id, webhook_id, event_id, event_type, payload, attempt_number, delivered_at, next_retry_at, status, created_at)
	SELECT u.nid, d.organization_id, d.webhook_id, d.event_id, d.event_type, d.payload, COALESCE(d.attempt_number, 1) + 1,
		NULL, u.due, 'pending', $4
	FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS u(nid, src, due) JOIN webhook_deliveries d ON d.id = u.src`
	// finishBatchDLQSQL adds the dead-letter entries: $1 their IDs, $2
	// the finished rows, $3 the reasons.
	finishBatchDLQSQL = `INSERT INTO webhook_dlq (id, organization_id, webhook_id, delivery_id, reason, added_at)
	SELECT u.nid, d.organization_id, d.webhook_id, d.id, u.reason, $4
	FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS u(nid, src, reason) JOIN webhook_deliveries d ON d.id = u.src`
	// finishBatchDisableSQL disables webhooks: $1 organizations, $2
	// webhooks, $3 reasons.
	finishBatchDisableSQL = `UPDATE webhooks w SET status = 'disabled', disabled_reason = u.reason, updated_at = $4
	FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS u(org, id, reason)
	WHERE w.organization_id = u.org AND w.id = u.id`
)

// DeliveryFinishBatch implements [storage.DeliveryQueue] with one UPDATE
// for every item's row: each is written only while still leased under its
// own claim ID, so an item whose lease is gone is not written and fails
// alone. The follow-ups of the written rows (next attempts, dead-letter
// entries, disabled webhooks) are one statement each, sent together in the
// same transaction. A batch of plain results, the common case, is the
// UPDATE alone: one round trip, no explicit transaction.
//
// An ID may appear more than once: its later items run after the earlier
// ones, in the same transaction, as a sequence of DeliveryFinish calls
// would.
func (s *Store) DeliveryFinishBatch(ctx context.Context, ps []*storage.DeliveryFinishParams) ([]error, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	f := prepareFinish(ps, s.Now())
	var err error
	if db, ok := s.db.(queryBatcher); ok && f.plain() {
		err = f.run(ctx, db)
	} else {
		err = s.inTx(ctx, func(tx pgx.Tx) error { return f.run(ctx, tx) })
	}
	if err != nil {
		return nil, err
	}
	return f.errs, nil
}

// finishing is a batch of results being recorded.
type finishing struct {
	ps   []*storage.DeliveryFinishParams
	errs []error
	// rounds are item indexes; an ID appears at most once per round.
	rounds    [][]int
	followUps bool
	// hdrs are the request and response headers as JSON.
	hdrs [][2]*string
	now  time.Time
}

// prepareFinish validates ps and groups them in rounds.
func prepareFinish(ps []*storage.DeliveryFinishParams, now time.Time) *finishing {
	f := &finishing{ps: ps, errs: make([]error, len(ps)), hdrs: make([][2]*string, len(ps)), now: now}
	seen := make(map[uuid.UUID]int, len(ps))
	for i, p := range ps {
		if p == nil {
			f.errs[i] = errors.New("postgres: DeliveryFinishBatch: nil params")
			continue
		}
		if f.errs[i] = p.Validate(); f.errs[i] != nil {
			continue
		}
		r := seen[p.ID]
		seen[p.ID] = r + 1
		if r == len(f.rounds) {
			f.rounds = append(f.rounds, nil)
		}
		f.rounds[r] = append(f.rounds[r], i)
		f.followUps = f.followUps || p.Next != nil || p.DLQReason != "" || p.DisableWebhook != ""
		f.hdrs[i] = [2]*string{headerText(p.RequestHeaders), headerText(p.ResponseHeaders)}
	}
	return f
}

// plain reports a batch that is one UPDATE: no follow-ups, no ID twice.
func (f *finishing) plain() bool { return !f.followUps && len(f.rounds) <= 1 }

// run writes every round in db.
func (f *finishing) run(ctx context.Context, db queryBatcher) error {
	for _, items := range f.rounds {
		if err := finishRound(ctx, db, f.ps, f.hdrs, items, f.errs, f.now); err != nil {
			return err
		}
	}
	return nil
}

// finishRound writes the items of ps at indexes items (distinct IDs, none
// with an error in errs yet) and their follow-ups, and sets errs for the
// items it could not write.
func finishRound(ctx context.Context, db queryBatcher, ps []*storage.DeliveryFinishParams, hdrs [][2]*string, items []int, errs []error, now time.Time) error {
	items = okItems(items, errs)
	if len(items) == 0 {
		return nil
	}
	rows, err := db.Query(ctx, finishBatchSQL, finishArgs(ps, hdrs, items, now)...)
	if err != nil {
		return mapErr(err)
	}
	written, err := scanFinished(rows, ps, items, errs)
	if err != nil {
		return err
	}
	return finishBatchFollowUps(ctx, db, ps, items, written, now)
}

// okItems keeps the items without an error yet, in place.
func okItems(items []int, errs []error) []int {
	n := 0
	for _, i := range items {
		if errs[i] == nil {
			items[n] = i
			n++
		}
	}
	return items[:n]
}

// finishArgs are the arrays of finishBatchSQL for the items of ps at
// indexes items.
func finishArgs(ps []*storage.DeliveryFinishParams, hdrs [][2]*string, items []int, now time.Time) []any {
	n := len(items)
	var (
		orgs, ids, claims          = make([]uuid.UUID, n), make([]uuid.UUID, n), make([]uuid.UUID, n)
		statuses, bodies, messages = make([]string, n), make([]string, n), make([]string, n)
		reqs, resps                = make([]*string, n), make([]*string, n)
		rstatuses, durations       = make([]*int32, n), make([]int32, n)
		truncs                     = make([]bool, n)
		delivered, nexts           = make([]time.Time, n), make([]*time.Time, n)
	)
	for k, i := range items {
		p := ps[i]
		orgs[k], ids[k], claims[k], statuses[k] = p.OrganizationID, p.ID, p.ClaimID, string(p.Status)
		reqs[k], resps[k] = hdrs[i][0], hdrs[i][1]
		if p.ResponseStatus != nil {
			v := int32(*p.ResponseStatus)
			rstatuses[k] = &v
		}
		bodies[k], truncs[k], durations[k], messages[k] = p.ResponseBody, p.ResponseTruncated, int32(p.DurationMS), p.ErrorMessage
		delivered[k] = p.DeliveredAt.UTC().Truncate(time.Microsecond)
		if p.DeliveredAt.IsZero() {
			delivered[k] = now
		}
		if p.Next != nil {
			nexts[k] = micro(&p.Next.NextRetryAt)
		}
	}
	return []any{ids16(orgs), ids16(ids), ids16(claims), statuses, reqs, rstatuses, bodies, resps, truncs,
		durations, delivered, messages, nexts}
}

// scanFinished reads the answer of finishBatchSQL (or finishPumpSQL) for
// the items, sets errs for those it did not write, and returns the written
// rows' webhooks.
func scanFinished(rows pgx.Rows, ps []*storage.DeliveryFinishParams, items []int, errs []error) (map[uuid.UUID]uuid.UUID, error) {
	written := make(map[uuid.UUID]uuid.UUID, len(items)) // row -> its webhook
	exists := make(map[uuid.UUID]bool, len(items))
	for rows.Next() {
		var id uuid.UUID
		var webhook *uuid.UUID
		var ok bool
		if err := rows.Scan(&id, &webhook, &ok); err != nil {
			rows.Close()
			return nil, mapErr(err)
		}
		if webhook != nil {
			written[id] = *webhook
		}
		exists[id] = ok
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	for _, i := range items {
		if _, ok := written[ps[i].ID]; ok {
			continue
		}
		errs[i] = storage.ErrNotFound
		if exists[ps[i].ID] {
			errs[i] = storage.ErrConflict
		}
	}
	return written, nil
}

// finishBatchFollowUps writes what the written items lead to, in one
// round trip: the next attempts, the dead-letter entries and the disabled
// webhooks (in webhook order, so that concurrent batches lock them in the
// same order; the last reason of a webhook wins, as with one finish after
// the other).
func finishBatchFollowUps(ctx context.Context, db queryBatcher, ps []*storage.DeliveryFinishParams, items []int, written map[uuid.UUID]uuid.UUID, now time.Time) error {
	var (
		nextIDs, nextSrc []uuid.UUID
		nextDue          []time.Time
		dlqIDs, dlqSrc   []uuid.UUID
		dlqReasons       []string
		disable          = map[uuid.UUID]*storage.DeliveryFinishParams{}
		webhookOrg       = map[uuid.UUID]uuid.UUID{}
	)
	for _, i := range items {
		p := ps[i]
		webhook, ok := written[p.ID]
		if !ok {
			continue
		}
		if p.Next != nil {
			nextIDs, nextSrc, nextDue = append(nextIDs, newID()), append(nextSrc, p.ID), append(nextDue, *micro(&p.Next.NextRetryAt))
		}
		if p.DLQReason != "" {
			dlqIDs, dlqSrc, dlqReasons = append(dlqIDs, newID()), append(dlqSrc, p.ID), append(dlqReasons, p.DLQReason)
		}
		if p.DisableWebhook != "" {
			disable[webhook], webhookOrg[webhook] = p, p.OrganizationID
		}
	}
	b := &pgx.Batch{}
	if len(nextIDs) > 0 {
		b.Queue(finishBatchNextSQL, ids16(nextIDs), ids16(nextSrc), nextDue, now)
	}
	if len(dlqIDs) > 0 {
		b.Queue(finishBatchDLQSQL, ids16(dlqIDs), ids16(dlqSrc), dlqReasons, now)
	}
	if len(disable) > 0 {
		webhooks := slices.SortedFunc(maps.Keys(disable), func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
		orgs, reasons := make([]uuid.UUID, len(webhooks)), make([]string, len(webhooks))
		for k, w := range webhooks {
			orgs[k], reasons[k] = webhookOrg[w], disable[w].DisableWebhook
		}
		b.Queue(finishBatchDisableSQL, orgs, webhooks, reasons, now)
	}
	if b.Len() == 0 {
		return nil
	}
	return mapErr(db.SendBatch(ctx, b).Close())
}

// headerText is a header as JSON text for a jsonb parameter; nil is NULL.
func headerText(h http.Header) *string {
	if h == nil {
		return nil
	}
	s := string(headerjson.Marshal(h))
	return &s
}

// queryBatcher runs the statements of DeliveryFinishBatch: the pool or a
// transaction.
type queryBatcher interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
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
	var n int
	err := s.db.QueryRow(ctx, releaseSQL, id16(claimID), ids16(ids)).Scan(&n)
	return n, mapErr(err)
}

// releaseSQL clears the leases of the rows $2 still leased under $1 and
// counts them down.
var releaseSQL = `WITH released AS (
	UPDATE webhook_deliveries SET claim_id = NULL, locked_until = NULL
	WHERE claim_id = $1 AND id = ANY($2) AND status = 'pending'
	RETURNING $1::uuid AS claim, webhook_id
), ` + fmt.Sprintf(uncountSQL, "released") + `
SELECT count(*) FROM released`

// DeliveryReapExpired implements [storage.DeliveryQueue]. The expired
// leases are found through their claims' counts (there is no index on
// locked_until, so that leasing stays a HOT update): only the webhooks of
// expired claims that still count rows are searched, which is rare work
// (a process died, or an attempt outlived its lease). The rows are cleared
// first and the counts deleted after, in the order a finish locks them
// (row, then count), so that the two never wait for each other in a cycle;
// both read one snapshot (REPEATABLE READ), so that a count committed
// between them (a claim made with an old Now) is left for the next pass
// with its rows, not deleted without them. A row that a finish or claim
// changed after that snapshot was taken fails the pass with a serialization
// error (SQLSTATE 40001), an expected race under load: the pass then runs
// again on a new snapshot, a few times if need be, so the caller does not
// see it.
func (s *Store) DeliveryReapExpired(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC()
	var n int
	reap := func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, reapRowsSQL, now)
		if err != nil {
			return mapErr(err)
		}
		n = int(tag.RowsAffected())
		_, err = tx.Exec(ctx, `DELETE FROM webhook_delivery_leases WHERE locked_until < $1 OR leased <= 0`, now)
		return mapErr(err)
	}
	if s.db != dbtx(s.pool) { // in the caller's transaction: its isolation
		return n, s.inTx(ctx, reap)
	}
	err := retrySerialization(ctx, func() error {
		return s.inTxOpts(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead}, reap)
	})
	return n, err
}

// reapRowsSQL clears the leases of the rows of expired claims that still
// count rows.
const reapRowsSQL = `UPDATE webhook_deliveries d SET claim_id = NULL, locked_until = NULL
	FROM (SELECT claim_id, webhook_id FROM webhook_delivery_leases WHERE leased > 0 AND locked_until < $1) e
	WHERE d.webhook_id = e.webhook_id AND d.claim_id = e.claim_id AND d.status = 'pending' AND d.locked_until < $1`

// DeliveryDeleteBefore implements [storage.DeliveryQueue]. Rows another
// transaction has locked are left for the next call.
func (s *Store) DeliveryDeleteBefore(ctx context.Context, before time.Time, limit int) (int, error) {
	if limit < 1 {
		return 0, errors.New("postgres: DeliveryDeleteBefore: limit must be at least 1")
	}
	return s.execCount(ctx, deleteBeforeSQL, before.UTC(), limit)
}

// deleteBeforeSQL deletes up to $2 finished rows created before $1 that no
// dead letter refers to, organization by organization, oldest first within
// each, through idx_webhook_deliveries_org_created: a pass that finds
// nothing to delete reads one index range per organization, not every row
// of the table (12 ms per 100,000 rows, every ReapInterval). Every delivery
// belongs to a webhook of its organization (deleting a webhook deletes its
// deliveries), so the organizations are those of the webhooks table.
const deleteBeforeSQL = `DELETE FROM webhook_deliveries WHERE id IN (
	SELECT d.id FROM (SELECT DISTINCT organization_id FROM webhooks) o
	CROSS JOIN LATERAL (
		SELECT x.id FROM webhook_deliveries x
		WHERE x.organization_id = o.organization_id AND x.created_at < $1 AND x.status <> 'pending'
		  AND NOT EXISTS (SELECT 1 FROM webhook_dlq q WHERE q.delivery_id = x.id)
		ORDER BY x.created_at LIMIT $2 FOR UPDATE OF x SKIP LOCKED) d
	LIMIT $2)`

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
		max(delivered_at) FILTER (WHERE status IN ('success', 'failed', 'dlq'))
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
