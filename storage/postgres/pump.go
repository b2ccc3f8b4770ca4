package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
)

var _ storage.DeliveryPumper = (*Store)(nil)

// finishPumpSQL is finishBatchSQL without counting the rows down in
// webhook_delivery_leases (a pump's claims are not counted there), and
// looking a row up again only when it was not written.
var finishPumpSQL = finishBatchSQL[:strings.Index(finishBatchSQL, "RETURNING d.id")] + `RETURNING d.id, d.webhook_id
)
SELECT u.id, w.webhook_id, CASE WHEN w.id IS NULL
	THEN EXISTS (SELECT 1 FROM webhook_deliveries x WHERE x.organization_id = u.org AND x.id = u.id) ELSE true END
FROM u LEFT JOIN written w ON w.id = u.id`

// pumpLeaseSQL leases the rows of the CTE picked, as leaseSQL does, but
// counts nothing in webhook_delivery_leases: the claimer counts its own.
const pumpLeaseSQL = `, leased_rows AS (
	UPDATE webhook_deliveries d SET claim_id = $3, locked_until = $4
	FROM picked WHERE d.ctid = picked.pick_ctid RETURNING d.*)
SELECT ` + deliveryCols + ` FROM leased_rows ORDER BY ` + claimOrder

// heldSQL is what replaces, in a pump's capped claim, the sum of the
// stored lease counts: the claimer's own count of the webhook's rows it
// holds, $6 (webhooks) and $7 (rows).
const heldSQL = `CROSS JOIN LATERAL (
			SELECT sum(h.n) AS n FROM unnest($6::uuid[], $7::int4[]) AS h(webhook_id, n) WHERE h.webhook_id = w.id) l`

// leaseCountSQL is the part of claimSQL that heldSQL replaces.
const leaseCountSQL = `CROSS JOIN LATERAL (
			SELECT sum(leased) AS n FROM webhook_delivery_leases
			WHERE webhook_id = w.id AND leased > 0 AND locked_until > $1 AND claim_id BETWEEN $6 AND $7) l`

// pumpClaimSQL is a pump's claim: claimSQL with the claimer's counts and
// without stored ones.
var pumpClaimSQL = mustReplace(mustCut(claimSQL, leaseSQL), leaseCountSQL, heldSQL) + pumpLeaseSQL

// mustReplace returns s with old replaced by new; s must contain old.
func mustReplace(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("postgres: statement does not read as expected")
	}
	return strings.Replace(s, old, new, 1)
}

// mustCut returns s without its suffix, which it must have.
func mustCut(s, suffix string) string {
	out, ok := strings.CutSuffix(s, suffix)
	if !ok {
		panic("postgres: statement does not end as expected")
	}
	return out
}

// DeliveryPump implements [storage.DeliveryPumper]. A batch of plain
// results (no follow-ups, no ID twice), the common case, and the claim are
// sent together: one round trip, one implicit transaction. Otherwise the
// results are recorded and the rows claimed in one explicit transaction.
func (s *Store) DeliveryPump(ctx context.Context, p *storage.DeliveryPumpParams) ([]error, []*storage.Delivery, error) {
	var claimSQL string
	var claimArgs []any
	if p.Claim != nil {
		var err error
		if claimSQL, claimArgs, err = s.pumpClaim(p.Claim, p.Held); err != nil {
			return nil, nil, err
		}
	}
	f := prepareFinish(p.Finish, s.Now())
	pinPlan := claimSQL != "" && s.ownTx()
	var rows []*storage.Delivery
	var err error
	if db, ok := s.db.(queryBatcher); ok && f.plain() {
		rows, err = f.pumpBatch(ctx, db, claimSQL, claimArgs, pinPlan)
	} else {
		err = s.inTx(ctx, func(tx pgx.Tx) error {
			if err := f.run(ctx, tx); err != nil {
				return err
			}
			if claimSQL == "" {
				return nil
			}
			if pinPlan {
				rows, err = claimPinned(ctx, tx, claimSQL, claimArgs)
				return err
			}
			r, err := tx.Query(ctx, claimSQL, claimArgs...)
			if err != nil {
				return mapErr(err)
			}
			rows, err = collectDeliveries(r)
			return err
		})
	}
	if err != nil {
		return nil, nil, err
	}
	return f.errs, rows, nil
}

// pumpClaim returns the statement and arguments of a pump's claim.
func (s *Store) pumpClaim(p *storage.DeliveryClaimParams, held map[uuid.UUID]int) (string, []any, error) {
	if err := p.Validate(); err != nil {
		return "", nil, err
	}
	args := s.claimHead(p)
	if p.PerWebhookLimit <= 0 {
		return pumpClaimSQL, append(args, noCap, ids16(nil), []int32{}, claimOffers(p)), nil
	}
	if _, _, err := p.ClaimerRange(); err != nil {
		return "", nil, err
	}
	if p.Claimer == uuid.Nil {
		return "", nil, errors.New("postgres: DeliveryPump: a capped claim needs DeliveryClaimParams.Claimer")
	}
	webhooks, counts := make([]uuid.UUID, 0, len(held)), make([]int32, 0, len(held))
	for w, n := range held {
		if n > 0 {
			webhooks, counts = append(webhooks, w), append(counts, int32(n))
		}
	}
	return pumpClaimSQL, append(args, p.PerWebhookLimit, ids16(webhooks), counts, claimOffers(p)), nil
}

// pumpBatch sends the plain results of f (one round at most) and the
// claim in one batch, and reads both answers. With pinPlan the claim's
// plan is pinned first (see claimPlanSQL).
func (f *finishing) pumpBatch(ctx context.Context, db queryBatcher, claimSQL string, claimArgs []any,
	pinPlan bool) ([]*storage.Delivery, error) {
	var items []int
	if len(f.rounds) == 1 {
		items = okItems(f.rounds[0], f.errs)
	}
	b := &pgx.Batch{}
	if pinPlan {
		b.Queue(claimPlanSQL)
	}
	if len(items) > 0 {
		b.Queue(finishPumpSQL, finishArgs(f.ps, f.hdrs, items, f.now)...)
	}
	if claimSQL != "" {
		b.Queue(claimSQL, claimArgs...)
	}
	if b.Len() == 0 {
		return nil, nil
	}
	br := db.SendBatch(ctx, b)
	defer br.Close()
	if pinPlan {
		if _, err := br.Exec(); err != nil {
			return nil, mapErr(err)
		}
	}
	if len(items) > 0 {
		rows, err := br.Query()
		if err != nil {
			return nil, mapErr(err)
		}
		if _, err := scanFinished(rows, f.ps, items, f.errs); err != nil {
			return nil, err
		}
	}
	var out []*storage.Delivery
	if claimSQL != "" {
		rows, err := br.Query()
		if err != nil {
			return nil, mapErr(err)
		}
		if out, err = collectDeliveries(rows); err != nil {
			return nil, err
		}
	}
	return out, mapErr(br.Close())
}

// collectDeliveries scans every row of rows and closes them.
func collectDeliveries(rows pgx.Rows) ([]*storage.Delivery, error) {
	defer rows.Close()
	var out []*storage.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, mapErr(rows.Err())
}

// releaseClaimSQL clears the leases of the pending rows still leased under
// $1. A pump's claims keep no lease counts, so there are none to count
// down. The pending rows are found through the status index.
const releaseClaimSQL = `WITH released AS (
	UPDATE webhook_deliveries SET claim_id = NULL, locked_until = NULL
	WHERE claim_id = $1 AND status = 'pending'
	RETURNING 1
) SELECT count(*) FROM released`

// DeliveryClaimRelease implements [storage.DeliveryClaimReleaser] for the
// claims of DeliveryPump.
func (s *Store) DeliveryClaimRelease(ctx context.Context, claimID uuid.UUID) (int, error) {
	if claimID == uuid.Nil {
		return 0, fmt.Errorf("postgres: DeliveryClaimRelease: %w: claim ID is required", storage.ErrInvalid)
	}
	var n int
	err := s.db.QueryRow(ctx, releaseClaimSQL, id16(claimID)).Scan(&n)
	return n, mapErr(err)
}

var _ storage.DeliveryClaimReleaser = (*Store)(nil)
