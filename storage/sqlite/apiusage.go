package sqlite

import (
	"context"
	"database/sql"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

const (
	usageAddSQL = `INSERT INTO api_usage AS u (organization_id, bucket_start, token_id, route, status_class, requests)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (organization_id, bucket_start, token_id, route, status_class)
		DO UPDATE SET requests = u.requests + excluded.requests`
	throttleAddSQL = `INSERT INTO api_throttles AS h
		(organization_id, bucket_start, token_id, route, rate_limit, requests, first_at, last_at)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (organization_id, bucket_start, token_id, route, rate_limit)
		DO UPDATE SET requests = h.requests + excluded.requests, first_at = MIN(h.first_at, excluded.first_at),
		last_at = MAX(h.last_at, excluded.last_at)`
	tokenUseSQL = `UPDATE api_tokens SET last_used_at = ?3
		WHERE organization_id = ?1 AND id = ?2 AND (last_used_at IS NULL OR last_used_at < ?3)`
)

// APIUsageWrite implements [storage.APIUsageStore] in one write transaction
// with three prepared statements.
func (s *Store) APIUsageWrite(ctx context.Context, b *storage.APIUsageBatch) error {
	if len(b.Counts)+len(b.Throttles)+len(b.Uses) == 0 {
		return nil
	}
	var sts [3]*sql.Stmt
	for i, q := range []string{usageAddSQL, throttleAddSQL, tokenUseSQL} {
		st, err := s.prepare(ctx, s.w, q)
		if err != nil {
			return err
		}
		sts[i] = st
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := execEach(ctx, tx, sts[0], usageAddSQL, b.Counts, func(c *storage.APIUsageCount) []any {
			return []any{c.OrganizationID, ts(c.BucketStart), c.TokenID, c.Route, c.StatusClass, c.Requests}
		}); err != nil {
			return err
		}
		if err := execEach(ctx, tx, sts[1], throttleAddSQL, b.Throttles, func(c *storage.APIThrottleCount) []any {
			return []any{c.OrganizationID, ts(c.BucketStart), c.TokenID, c.Route, c.Limit, c.Requests, ts(c.FirstAt), ts(c.LastAt)}
		}); err != nil {
			return err
		}
		return execEach(ctx, tx, sts[2], tokenUseSQL, b.Uses, func(u *storage.APITokenUse) []any {
			return []any{u.OrganizationID, u.TokenID, ts(u.At)}
		})
	})
}

// execEach runs one statement per item in tx.
func execEach[T any](ctx context.Context, tx *sql.Tx, st *sql.Stmt, q string, items []T, args func(T) []any) error {
	if len(items) == 0 {
		return nil
	}
	stmt, done, err := txStmt(ctx, tx, st, q)
	if err != nil {
		return err
	}
	defer done()
	for _, it := range items {
		if _, err := stmt.ExecContext(ctx, args(it)...); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// usageWhere filters on organization, optional token and bucket range.
func usageWhere(p *storage.APIUsageParams, col string) *query.Builder {
	q := query.New(query.Question)
	q.Where("organization_id = ?", p.OrganizationID)
	if p.TokenID != uuid.Nil {
		q.Where("token_id = ?", p.TokenID)
	}
	timeRange(q, col, p.Time)
	return q
}

// APIUsageSum implements [storage.APIUsageStore].
func (s *Store) APIUsageSum(ctx context.Context, p *storage.APIUsageParams) ([]*storage.APIUsageCount, error) {
	q := usageWhere(p, "bucket_start")
	return queryAll(ctx, s, `SELECT organization_id, token_id, route, status_class, SUM(requests) FROM api_usage`+q.SQL()+
		` GROUP BY organization_id, token_id, route, status_class ORDER BY token_id, route, status_class`, q.Args(),
		func(r row) (*storage.APIUsageCount, error) {
			var c storage.APIUsageCount
			if err := r.Scan(&c.OrganizationID, &c.TokenID, &c.Route, &c.StatusClass, &c.Requests); err != nil {
				return nil, mapErr(err)
			}
			return &c, nil
		})
}

// APIThrottleList implements [storage.APIUsageStore].
func (s *Store) APIThrottleList(ctx context.Context, p *storage.APIUsageParams) ([]*storage.APIThrottleCount, error) {
	q := usageWhere(p, "bucket_start")
	return queryAll(ctx, s, `SELECT organization_id, token_id, bucket_start, route, rate_limit, requests, first_at, last_at
		FROM api_throttles`+q.SQL()+` ORDER BY bucket_start DESC, token_id, route, rate_limit`, q.Args(),
		func(r row) (*storage.APIThrottleCount, error) {
			var c storage.APIThrottleCount
			if err := r.Scan(&c.OrganizationID, &c.TokenID, timeCol{&c.BucketStart}, &c.Route, &c.Limit, &c.Requests,
				timeCol{&c.FirstAt}, timeCol{&c.LastAt}); err != nil {
				return nil, mapErr(err)
			}
			return &c, nil
		})
}

// APIUsageTotals implements [storage.APIUsageStore].
func (s *Store) APIUsageTotals(ctx context.Context, p *storage.APIUsageTotalsParams) ([]*storage.APIUsageTotal, error) {
	return queryAll(ctx, s, `SELECT organization_id, token_id,
		SUM(CASE WHEN bucket_start >= ?2 THEN requests ELSE 0 END) AS cur,
		SUM(CASE WHEN bucket_start < ?2 THEN requests ELSE 0 END)
		FROM api_usage WHERE bucket_start >= ?1 AND bucket_start < ?3
		GROUP BY organization_id, token_id HAVING cur > 0 ORDER BY organization_id, token_id`,
		[]any{ts(p.BaselineSince), ts(p.CurrentSince), ts(p.Until)}, func(r row) (*storage.APIUsageTotal, error) {
			var t storage.APIUsageTotal
			if err := r.Scan(&t.OrganizationID, &t.TokenID, &t.Current, &t.Baseline); err != nil {
				return nil, mapErr(err)
			}
			return &t, nil
		})
}

const anomalyCols = `id, organization_id, token_id, window_start, window_end, requests, baseline, detected_at`

func scanAnomaly(r row) (*storage.APIAnomaly, error) {
	var a storage.APIAnomaly
	if err := r.Scan(&a.ID, &a.OrganizationID, &a.TokenID, timeCol{&a.WindowStart}, timeCol{&a.WindowEnd}, &a.Requests,
		&a.BaselinePerWindow, timeCol{&a.DetectedAt}); err != nil {
		return nil, mapErr(err)
	}
	return &a, nil
}

// APIAnomalyClaim implements [storage.APIUsageStore].
func (s *Store) APIAnomalyClaim(ctx context.Context, a *storage.APIAnomaly) (bool, error) {
	a.ID, a.DetectedAt = newID(), s.Now()
	n, err := s.writeExec(ctx, `INSERT INTO api_anomalies (`+anomalyCols+`) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
		ON CONFLICT (token_id, window_start) DO NOTHING`, a.ID, a.OrganizationID, a.TokenID, ts(a.WindowStart),
		ts(a.WindowEnd), a.Requests, a.BaselinePerWindow, ts(a.DetectedAt))
	return n == 1, err
}

// APIAnomalyList implements [storage.APIUsageStore].
func (s *Store) APIAnomalyList(ctx context.Context, p *storage.APIUsageParams) ([]*storage.APIAnomaly, error) {
	q := usageWhere(p, "window_start")
	return queryAll(ctx, s, `SELECT `+anomalyCols+` FROM api_anomalies`+q.SQL()+` ORDER BY window_start DESC, id DESC`,
		q.Args(), scanAnomaly)
}

const zapierCols = `webhook_id, organization_id, token_id, event, created_at`

func scanZapierHook(r row) (*storage.ZapierHook, error) {
	var h storage.ZapierHook
	if err := r.Scan(&h.WebhookID, &h.OrganizationID, &h.TokenID, &h.Event, timeCol{&h.CreatedAt}); err != nil {
		return nil, mapErr(err)
	}
	return &h, nil
}

// ZapierHookCreate implements [storage.ZapierHookStore].
func (s *Store) ZapierHookCreate(ctx context.Context, h *storage.ZapierHook) (*storage.ZapierHook, error) {
	return writeRow(ctx, s, scanZapierHook, `INSERT INTO zapier_hooks (`+zapierCols+`)
		SELECT id, organization_id, ?3, ?4, ?5 FROM webhooks WHERE organization_id = ?1 AND id = ?2
		RETURNING `+zapierCols, h.OrganizationID, h.WebhookID, h.TokenID, h.Event, ts(s.Now()))
}

// ZapierHookGet implements [storage.ZapierHookStore].
func (s *Store) ZapierHookGet(ctx context.Context, orgID, webhookID uuid.UUID) (*storage.ZapierHook, error) {
	return readRow(ctx, s, scanZapierHook, `SELECT `+zapierCols+` FROM zapier_hooks
		WHERE organization_id = ?1 AND webhook_id = ?2`, orgID, webhookID)
}

// ZapierHookList implements [storage.ZapierHookStore].
func (s *Store) ZapierHookList(ctx context.Context, orgID uuid.UUID) ([]*storage.ZapierHook, error) {
	return queryAll(ctx, s, `SELECT `+zapierCols+` FROM zapier_hooks WHERE organization_id = ?1
		ORDER BY created_at DESC, webhook_id DESC`, []any{orgID}, scanZapierHook)
}

// ZapierHookDelete implements [storage.ZapierHookStore].
func (s *Store) ZapierHookDelete(ctx context.Context, orgID, webhookID uuid.UUID) error {
	return execOne(ctx, s, `DELETE FROM zapier_hooks WHERE organization_id = ?1 AND webhook_id = ?2`, orgID, webhookID)
}

// APIAccessPrune implements [storage.APIAccessStore] in one transaction.
func (s *Store) APIAccessPrune(ctx context.Context, p *storage.APIAccessPruneParams) (int, error) {
	type cut struct {
		stmt string
		at   any
	}
	var cuts []cut
	if !p.UsageBefore.IsZero() {
		at := ts(p.UsageBefore)
		cuts = append(cuts, cut{`DELETE FROM api_usage WHERE bucket_start < ?1`, at},
			cut{`DELETE FROM api_throttles WHERE bucket_start < ?1`, at},
			cut{`DELETE FROM api_anomalies WHERE window_start < ?1`, at})
	}
	if !p.WindowsBefore.IsZero() {
		cuts = append(cuts, cut{`DELETE FROM api_rate_windows WHERE window_end < ?1`, ts(p.WindowsBefore)})
	}
	if !p.ChangesBefore.IsZero() {
		cuts = append(cuts, cut{`DELETE FROM api_token_changes WHERE changed_at < ?1`, ts(p.ChangesBefore)})
	}
	total := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, c := range cuts {
			res, err := tx.ExecContext(ctx, c.stmt, c.at)
			if err != nil {
				return mapErr(err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return mapErr(err)
			}
			total += int(n)
		}
		return nil
	})
	return total, err
}
