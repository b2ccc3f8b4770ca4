package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

// APIUsageWrite implements [storage.APIUsageStore]: three array statements
// sent as one batch in one transaction (one round trip). Rows are written in
// primary key order, so that two hosts adding to the same buckets lock them
// in the same order.
func (s *Store) APIUsageWrite(ctx context.Context, b *storage.APIUsageBatch) error {
	if len(b.Counts)+len(b.Throttles)+len(b.Uses) == 0 {
		return nil
	}
	batch := &pgx.Batch{}
	if len(b.Counts) > 0 {
		queueUsageCounts(batch, b.Counts)
	}
	if len(b.Throttles) > 0 {
		queueThrottles(batch, b.Throttles)
	}
	if len(b.Uses) > 0 {
		queueTokenUses(batch, b.Uses)
	}
	return s.inTx(ctx, func(tx pgx.Tx) error { return mapErr(tx.SendBatch(ctx, batch).Close()) })
}

func queueUsageCounts(batch *pgx.Batch, cs []*storage.APIUsageCount) {
	n := len(cs)
	orgs, tokens := make([][16]byte, n), make([][16]byte, n)
	buckets, routes := make([]time.Time, n), make([]string, n)
	classes, reqs := make([]int16, n), make([]int64, n)
	for i, c := range cs {
		orgs[i], tokens[i], buckets[i] = id16(c.OrganizationID), id16(c.TokenID), c.BucketStart.UTC().Truncate(time.Microsecond)
		routes[i], classes[i], reqs[i] = c.Route, int16(c.StatusClass), c.Requests
	}
	batch.Queue(`INSERT INTO api_usage AS u (organization_id, bucket_start, token_id, route, status_class, requests)
		SELECT o, b, t, r, c, SUM(n) FROM unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::text[], $5::smallint[], $6::bigint[])
			AS x(o, b, t, r, c, n) GROUP BY o, b, t, r, c ORDER BY o, b, t, r, c
		ON CONFLICT (organization_id, bucket_start, token_id, route, status_class)
		DO UPDATE SET requests = u.requests + EXCLUDED.requests`, orgs, buckets, tokens, routes, classes, reqs)
}

func queueThrottles(batch *pgx.Batch, cs []*storage.APIThrottleCount) {
	n := len(cs)
	orgs, tokens := make([][16]byte, n), make([][16]byte, n)
	buckets, firsts, lasts := make([]time.Time, n), make([]time.Time, n), make([]time.Time, n)
	routes, limits, reqs := make([]string, n), make([]string, n), make([]int64, n)
	for i, c := range cs {
		orgs[i], tokens[i], buckets[i] = id16(c.OrganizationID), id16(c.TokenID), c.BucketStart.UTC().Truncate(time.Microsecond)
		routes[i], limits[i], reqs[i] = c.Route, c.Limit, c.Requests
		firsts[i], lasts[i] = c.FirstAt.UTC().Truncate(time.Microsecond), c.LastAt.UTC().Truncate(time.Microsecond)
	}
	batch.Queue(`INSERT INTO api_throttles AS h
		(organization_id, bucket_start, token_id, route, rate_limit, requests, first_at, last_at)
		SELECT o, b, t, r, l, SUM(n), MIN(f), MAX(a) FROM unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::text[],
			$5::text[], $6::bigint[], $7::timestamptz[], $8::timestamptz[]) AS x(o, b, t, r, l, n, f, a)
			GROUP BY o, b, t, r, l ORDER BY o, b, t, r, l
		ON CONFLICT (organization_id, bucket_start, token_id, route, rate_limit)
		DO UPDATE SET requests = h.requests + EXCLUDED.requests, first_at = LEAST(h.first_at, EXCLUDED.first_at),
		last_at = GREATEST(h.last_at, EXCLUDED.last_at)`, orgs, buckets, tokens, routes, limits, reqs, firsts, lasts)
}

func queueTokenUses(batch *pgx.Batch, us []*storage.APITokenUse) {
	n := len(us)
	orgs, tokens, ats := make([][16]byte, n), make([][16]byte, n), make([]time.Time, n)
	for i, u := range us {
		orgs[i], tokens[i], ats[i] = id16(u.OrganizationID), id16(u.TokenID), u.At.UTC().Truncate(time.Microsecond)
	}
	batch.Queue(`UPDATE api_tokens AS t SET last_used_at = x.a
		FROM (SELECT o, i, MAX(a) AS a FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS u(o, i, a) GROUP BY o, i) AS x
		WHERE t.organization_id = x.o AND t.id = x.i AND (t.last_used_at IS NULL OR t.last_used_at < x.a)`, orgs, tokens, ats)
}

// usageWhere filters on organization, optional token and bucket range.
func usageWhere(p *storage.APIUsageParams, col string) *query.Builder {
	q := query.New(query.Dollar)
	q.Where("organization_id = ?", id16(p.OrganizationID))
	if p.TokenID != uuid.Nil {
		q.Where("token_id = ?", id16(p.TokenID))
	}
	timeRange(q, col, p.Time)
	return q
}

// APIUsageSum implements [storage.APIUsageStore].
func (s *Store) APIUsageSum(ctx context.Context, p *storage.APIUsageParams) ([]*storage.APIUsageCount, error) {
	q := usageWhere(p, "bucket_start")
	return queryAll(ctx, s, `SELECT organization_id, token_id, route, status_class, SUM(requests)::bigint FROM api_usage`+q.SQL()+
		` GROUP BY organization_id, token_id, route, status_class ORDER BY token_id, route, status_class`, q.Args(),
		func(row pgx.Row) (*storage.APIUsageCount, error) {
			var c storage.APIUsageCount
			var class int16
			if err := row.Scan(&c.OrganizationID, &c.TokenID, &c.Route, &class, &c.Requests); err != nil {
				return nil, mapErr(err)
			}
			c.StatusClass = int(class)
			return &c, nil
		})
}

// APIThrottleList implements [storage.APIUsageStore].
func (s *Store) APIThrottleList(ctx context.Context, p *storage.APIUsageParams) ([]*storage.APIThrottleCount, error) {
	q := usageWhere(p, "bucket_start")
	return queryAll(ctx, s, `SELECT organization_id, token_id, bucket_start, route, rate_limit, requests, first_at, last_at
		FROM api_throttles`+q.SQL()+` ORDER BY bucket_start DESC, token_id, route, rate_limit`, q.Args(),
		func(row pgx.Row) (*storage.APIThrottleCount, error) {
			var c storage.APIThrottleCount
			if err := row.Scan(&c.OrganizationID, &c.TokenID, &c.BucketStart, &c.Route, &c.Limit, &c.Requests,
				&c.FirstAt, &c.LastAt); err != nil {
				return nil, mapErr(err)
			}
			c.BucketStart, c.FirstAt, c.LastAt = c.BucketStart.UTC(), c.FirstAt.UTC(), c.LastAt.UTC()
			return &c, nil
		})
}

// APIUsageTotals implements [storage.APIUsageStore].
func (s *Store) APIUsageTotals(ctx context.Context, p *storage.APIUsageTotalsParams) ([]*storage.APIUsageTotal, error) {
	return queryAll(ctx, s, `SELECT organization_id, token_id,
		SUM(requests) FILTER (WHERE bucket_start >= $2)::bigint,
		COALESCE(SUM(requests) FILTER (WHERE bucket_start < $2), 0)::bigint
		FROM api_usage WHERE bucket_start >= $1 AND bucket_start < $3
		GROUP BY organization_id, token_id HAVING SUM(requests) FILTER (WHERE bucket_start >= $2) > 0
		ORDER BY organization_id, token_id`,
		[]any{p.BaselineSince.UTC().Truncate(time.Microsecond), p.CurrentSince.UTC().Truncate(time.Microsecond),
			p.Until.UTC().Truncate(time.Microsecond)}, func(row pgx.Row) (*storage.APIUsageTotal, error) {
			var t storage.APIUsageTotal
			if err := row.Scan(&t.OrganizationID, &t.TokenID, &t.Current, &t.Baseline); err != nil {
				return nil, mapErr(err)
			}
			return &t, nil
		})
}

const anomalyCols = `id, organization_id, token_id, window_start, window_end, requests, baseline, detected_at`

func scanAnomaly(row pgx.Row) (*storage.APIAnomaly, error) {
	var a storage.APIAnomaly
	if err := row.Scan(&a.ID, &a.OrganizationID, &a.TokenID, &a.WindowStart, &a.WindowEnd, &a.Requests,
		&a.BaselinePerWindow, &a.DetectedAt); err != nil {
		return nil, mapErr(err)
	}
	a.WindowStart, a.WindowEnd, a.DetectedAt = a.WindowStart.UTC(), a.WindowEnd.UTC(), a.DetectedAt.UTC()
	return &a, nil
}

// APIAnomalyClaim implements [storage.APIUsageStore].
func (s *Store) APIAnomalyClaim(ctx context.Context, a *storage.APIAnomaly) (bool, error) {
	a.ID, a.DetectedAt = newID(), s.Now()
	a.WindowStart, a.WindowEnd = a.WindowStart.UTC().Truncate(time.Microsecond), a.WindowEnd.UTC().Truncate(time.Microsecond)
	tag, err := s.db.Exec(ctx, `INSERT INTO api_anomalies (`+anomalyCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (token_id, window_start) DO NOTHING`, a.ID, a.OrganizationID, a.TokenID, a.WindowStart,
		a.WindowEnd, a.Requests, a.BaselinePerWindow, a.DetectedAt)
	if err != nil {
		return false, mapErr(err)
	}
	return tag.RowsAffected() == 1, nil
}

// APIAnomalyList implements [storage.APIUsageStore].
func (s *Store) APIAnomalyList(ctx context.Context, p *storage.APIUsageParams) ([]*storage.APIAnomaly, error) {
	q := usageWhere(p, "window_start")
	return queryAll(ctx, s, `SELECT `+anomalyCols+` FROM api_anomalies`+q.SQL()+` ORDER BY window_start DESC, id DESC`,
		q.Args(), scanAnomaly)
}

const zapierCols = `webhook_id, organization_id, token_id, event, created_at`

func scanZapierHook(row pgx.Row) (*storage.ZapierHook, error) {
	var h storage.ZapierHook
	if err := row.Scan(&h.WebhookID, &h.OrganizationID, &h.TokenID, &h.Event, &h.CreatedAt); err != nil {
		return nil, mapErr(err)
	}
	h.CreatedAt = h.CreatedAt.UTC()
	return &h, nil
}

// ZapierHookCreate implements [storage.ZapierHookStore].
func (s *Store) ZapierHookCreate(ctx context.Context, h *storage.ZapierHook) (*storage.ZapierHook, error) {
	return scanZapierHook(s.db.QueryRow(ctx, `INSERT INTO zapier_hooks (`+zapierCols+`)
		SELECT id, organization_id, $3, $4, $5 FROM webhooks WHERE organization_id = $1 AND id = $2
		RETURNING `+zapierCols, h.OrganizationID, h.WebhookID, h.TokenID, h.Event, s.Now()))
}

// ZapierHookGet implements [storage.ZapierHookStore].
func (s *Store) ZapierHookGet(ctx context.Context, orgID, webhookID uuid.UUID) (*storage.ZapierHook, error) {
	return scanZapierHook(s.db.QueryRow(ctx, `SELECT `+zapierCols+` FROM zapier_hooks
		WHERE organization_id = $1 AND webhook_id = $2`, orgID, webhookID))
}

// ZapierHookList implements [storage.ZapierHookStore].
func (s *Store) ZapierHookList(ctx context.Context, orgID uuid.UUID) ([]*storage.ZapierHook, error) {
	return queryAll(ctx, s, `SELECT `+zapierCols+` FROM zapier_hooks WHERE organization_id = $1
		ORDER BY created_at DESC, webhook_id DESC`, []any{orgID}, scanZapierHook)
}

// ZapierHookDelete implements [storage.ZapierHookStore].
func (s *Store) ZapierHookDelete(ctx context.Context, orgID, webhookID uuid.UUID) error {
	return execOne(ctx, s, `DELETE FROM zapier_hooks WHERE organization_id = $1 AND webhook_id = $2`, orgID, webhookID)
}

// APIAccessPrune implements [storage.APIAccessStore] in one transaction.
func (s *Store) APIAccessPrune(ctx context.Context, p *storage.APIAccessPruneParams) (int, error) {
	type cut struct {
		stmt string
		at   time.Time
	}
	var cuts []cut
	if !p.UsageBefore.IsZero() {
		cuts = append(cuts, cut{`DELETE FROM api_usage WHERE bucket_start < $1`, p.UsageBefore},
			cut{`DELETE FROM api_throttles WHERE bucket_start < $1`, p.UsageBefore},
			cut{`DELETE FROM api_anomalies WHERE window_start < $1`, p.UsageBefore})
	}
	if !p.WindowsBefore.IsZero() {
		cuts = append(cuts, cut{`DELETE FROM api_rate_windows WHERE window_end < $1`, p.WindowsBefore})
	}
	if !p.ChangesBefore.IsZero() {
		cuts = append(cuts, cut{`DELETE FROM api_token_changes WHERE changed_at < $1`, p.ChangesBefore})
	}
	total := 0
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		for _, c := range cuts {
			tag, err := tx.Exec(ctx, c.stmt, c.at.UTC().Truncate(time.Microsecond))
			if err != nil {
				return mapErr(err)
			}
			total += int(tag.RowsAffected())
		}
		return nil
	})
	return total, err
}
