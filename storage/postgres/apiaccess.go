package postgres

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
)

const apiTokenInfoSelect = `SELECT t.id, t.organization_id, t.name, t.prefix, t.token_hash, t.scopes, t.created_at,
	t.last_used_at, t.expires_at, t.revoked_at, s.per_minute, s.per_hour, s.rotated_from, s.replaced_by
	FROM api_tokens t LEFT JOIN api_token_settings s ON s.token_id = t.id`

func scanAPITokenInfo(row pgx.Row) (*storage.APITokenInfo, error) {
	var t storage.APITokenInfo
	err := row.Scan(&t.ID, &t.OrganizationID, &t.Name, &t.Prefix, &t.Hash, &t.Scopes, &t.CreatedAt,
		&t.LastUsedAt, &t.ExpiresAt, &t.RevokedAt, &t.PerMinute, &t.PerHour, &t.RotatedFrom, &t.ReplacedBy)
	if err != nil {
		return nil, mapErr(err)
	}
	t.CreatedAt, t.LastUsedAt, t.ExpiresAt, t.RevokedAt = t.CreatedAt.UTC(), utc(t.LastUsedAt), utc(t.ExpiresAt), utc(t.RevokedAt)
	return &t, nil
}

// APITokenInfoCreate implements [storage.APITokenInfoStore].
func (s *Store) APITokenInfoCreate(ctx context.Context, p *storage.APITokenInfoCreateParams) (*storage.APITokenInfo, error) {
	var out *storage.APITokenInfo
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		id, err := insertTokenInfo(ctx, tx, &p.APITokenCreateParams, p.PerMinute, p.PerHour, nil, s.Now())
		if err != nil {
			return err
		}
		out, err = scanAPITokenInfo(tx.QueryRow(ctx, apiTokenInfoSelect+` WHERE t.id = $1`, id))
		return err
	})
	return out, err
}

func insertTokenInfo(ctx context.Context, tx pgx.Tx, p *storage.APITokenCreateParams, perMin, perHour *int, from *uuid.UUID, now time.Time) (uuid.UUID, error) {
	id := newID()
	scopes := p.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO api_tokens
		(id, organization_id, name, prefix, token_hash, scopes, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		id, p.OrganizationID, p.Name, p.Prefix, p.Hash, scopes, now, micro(p.ExpiresAt)); err != nil {
		return uuid.Nil, mapErr(err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO api_token_settings (token_id, organization_id, per_minute, per_hour, rotated_from)
		VALUES ($1, $2, $3, $4, $5)`, id, p.OrganizationID, perMin, perHour, from)
	return id, mapErr(err)
}

// APITokenInfoGet implements [storage.APITokenInfoStore].
func (s *Store) APITokenInfoGet(ctx context.Context, orgID, id uuid.UUID) (*storage.APITokenInfo, error) {
	return scanAPITokenInfo(s.db.QueryRow(ctx, apiTokenInfoSelect+` WHERE t.organization_id = $1 AND t.id = $2`, orgID, id))
}

// APITokenInfoGetByHash implements [storage.APITokenInfoStore].
func (s *Store) APITokenInfoGetByHash(ctx context.Context, hash string) (*storage.APITokenInfo, error) {
	return scanAPITokenInfo(s.db.QueryRow(ctx, apiTokenInfoSelect+` WHERE t.token_hash = $1`, hash))
}

// APITokenInfoList implements [storage.APITokenInfoStore].
func (s *Store) APITokenInfoList(ctx context.Context, orgID uuid.UUID) ([]*storage.APITokenInfo, error) {
	return queryAll(ctx, s, apiTokenInfoSelect+` WHERE t.organization_id = $1 ORDER BY t.created_at DESC, t.id DESC`,
		[]any{orgID}, scanAPITokenInfo)
}

// APITokenInfoRotate implements [storage.APITokenInfoStore]. The old
// token's row is locked first, so two rotations at once queue and the
// second sees the first's replacement.
func (s *Store) APITokenInfoRotate(ctx context.Context, p *storage.APITokenRotateParams) (*storage.APITokenInfo, error) {
	var out *storage.APITokenInfo
	now := s.Now()
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM api_tokens WHERE organization_id = $1 AND id = $2 FOR UPDATE`,
			p.OrganizationID, p.ID); err != nil {
			return mapErr(err)
		}
		old, err := scanAPITokenInfo(tx.QueryRow(ctx, apiTokenInfoSelect+` WHERE t.organization_id = $1 AND t.id = $2`,
			p.OrganizationID, p.ID))
		if err != nil {
			return err
		}
		if old.RevokedAt != nil || old.ReplacedBy != nil {
			return fmt.Errorf("%w: postgres: api token %s is revoked or already rotated", storage.ErrConflict, p.ID)
		}
		newID, err := insertTokenInfo(ctx, tx, &storage.APITokenCreateParams{OrganizationID: old.OrganizationID,
			Name: old.Name, Prefix: p.Prefix, Hash: p.Hash, Scopes: old.Scopes, ExpiresAt: p.ExpiresAt},
			old.PerMinute, old.PerHour, &old.ID, now)
		if err != nil {
			return err
		}
		if err := retireToken(ctx, tx, old, newID, p.OldValidUntil, now); err != nil {
			return err
		}
		out, err = scanAPITokenInfo(tx.QueryRow(ctx, apiTokenInfoSelect+` WHERE t.id = $1`, newID))
		return err
	})
	return out, err
}

// retireToken revokes old (or shortens its expiry to until), links it to
// its replacement and writes the change feed.
func retireToken(ctx context.Context, tx pgx.Tx, old *storage.APITokenInfo, newID uuid.UUID, until *time.Time, now time.Time) error {
	var err error
	if until == nil || !until.After(now) {
		_, err = tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE id = $1`, old.ID, now)
	} else {
		_, err = tx.Exec(ctx, `UPDATE api_tokens SET expires_at = LEAST(COALESCE(expires_at, $2), $2) WHERE id = $1`,
			old.ID, micro(until))
	}
	if err != nil {
		return mapErr(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO api_token_settings (token_id, organization_id, replaced_by)
		VALUES ($1, $2, $3) ON CONFLICT (token_id) DO UPDATE SET replaced_by = EXCLUDED.replaced_by`,
		old.ID, old.OrganizationID, newID); err != nil {
		return mapErr(err)
	}
	return logTokenChange(ctx, tx, old.OrganizationID, old.ID, now)
}

// logTokenChange writes one entry of the change feed.
func logTokenChange(ctx context.Context, tx pgx.Tx, orgID, id uuid.UUID, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO api_token_changes (id, organization_id, token_id, token_hash, changed_at)
		SELECT $1, organization_id, id, token_hash, $4 FROM api_tokens WHERE organization_id = $2 AND id = $3`,
		newID(), orgID, id, now)
	return mapErr(err)
}

// APITokenInfoRevoke implements [storage.APITokenInfoStore].
func (s *Store) APITokenInfoRevoke(ctx context.Context, orgID, id uuid.UUID) (*storage.APITokenInfo, error) {
	now := s.Now()
	return s.tokenInfoChange(ctx, orgID, id, now, `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $3)
		WHERE organization_id = $1 AND id = $2`, orgID, id, now)
}

// APITokenInfoLimitsSet implements [storage.APITokenInfoStore].
func (s *Store) APITokenInfoLimitsSet(ctx context.Context, p *storage.APITokenLimitsParams) (*storage.APITokenInfo, error) {
	return s.tokenInfoChange(ctx, p.OrganizationID, p.ID, s.Now(), `INSERT INTO api_token_settings
		(token_id, organization_id, per_minute, per_hour)
		SELECT id, organization_id, $3::int, $4::int FROM api_tokens WHERE organization_id = $1 AND id = $2
		ON CONFLICT (token_id) DO UPDATE SET per_minute = EXCLUDED.per_minute, per_hour = EXCLUDED.per_hour`,
		p.OrganizationID, p.ID, p.PerMinute, p.PerHour)
}

// tokenInfoChange runs one statement on a token of the organization, writes
// the change feed and returns the token, in one transaction.
func (s *Store) tokenInfoChange(ctx context.Context, orgID, id uuid.UUID, now time.Time, stmt string, args ...any) (*storage.APITokenInfo, error) {
	var out *storage.APITokenInfo
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, stmt, args...)
		if err != nil {
			return mapErr(err)
		}
		if tag.RowsAffected() == 0 {
			return storage.ErrNotFound
		}
		if err := logTokenChange(ctx, tx, orgID, id, now); err != nil {
			return err
		}
		out, err = scanAPITokenInfo(tx.QueryRow(ctx, apiTokenInfoSelect+` WHERE t.id = $1`, id))
		return err
	})
	return out, err
}

// APITokenChanges implements [storage.APITokenInfoStore].
func (s *Store) APITokenChanges(ctx context.Context, since time.Time) ([]*storage.APITokenChange, error) {
	return queryAll(ctx, s, `SELECT id, organization_id, token_id, token_hash, changed_at FROM api_token_changes
		WHERE changed_at >= $1 ORDER BY changed_at, id`, []any{since.UTC().Truncate(time.Microsecond)},
		func(row pgx.Row) (*storage.APITokenChange, error) {
			var c storage.APITokenChange
			if err := row.Scan(&c.ID, &c.OrganizationID, &c.TokenID, &c.Hash, &c.ChangedAt); err != nil {
				return nil, mapErr(err)
			}
			c.ChangedAt = c.ChangedAt.UTC()
			return &c, nil
		})
}

// APIRateLease implements [storage.APIRateStore] in one statement: an
// upsert of every window, in key order so that two hosts leasing the same
// windows lock their rows in the same order. Each row is updated under its
// row lock from the values it holds then, so the grants of a window never
// add up past its limit, whatever the number of hosts.
func (s *Store) APIRateLease(ctx context.Context, ps []*storage.APIRateLeaseParams) ([]*storage.APIRateGrant, error) {
	if err := storage.CheckRateLeases(ps); err != nil {
		return nil, err
	}
	n := len(ps)
	keys, orgs := make([]string, n), make([][16]byte, n)
	starts, ends := make([]time.Time, n), make([]time.Time, n)
	limits, firsts := make([]int32, n), make([]int32, n)
	for i, p := range ps {
		keys[i], orgs[i] = p.Key, id16(p.OrganizationID)
		starts[i], ends[i] = p.WindowStart.UTC().Truncate(time.Microsecond), p.WindowEnd.UTC().Truncate(time.Microsecond)
		limits[i], firsts[i] = int32(p.Limit), int32(storage.FirstGrant(p))
	}
	rows, err := s.db.Query(ctx, `INSERT INTO api_rate_windows AS w
		(rate_key, window_start, organization_id, window_end, limit_n, granted, last_grant)
		SELECT k, ws, o, we, l, f, f FROM unnest($1::text[], $2::timestamptz[], $3::uuid[], $4::timestamptz[],
			$5::int[], $6::int[]) AS u(k, ws, o, we, l, f) ORDER BY k, ws
		ON CONFLICT (rate_key, window_start) DO UPDATE SET limit_n = EXCLUDED.limit_n,
		last_grant = GREATEST(0, LEAST(EXCLUDED.granted, EXCLUDED.limit_n - w.granted, (EXCLUDED.limit_n - w.granted + 1) / 2)),
		granted = w.granted + GREATEST(0, LEAST(EXCLUDED.granted, EXCLUDED.limit_n - w.granted, (EXCLUDED.limit_n - w.granted + 1) / 2))
		RETURNING rate_key, window_start, last_grant, granted, limit_n`, keys, starts, orgs, ends, limits, firsts)
	if err != nil {
		return nil, mapErr(err)
	}
	got, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*storage.APIRateGrant, error) {
		var g storage.APIRateGrant
		err := row.Scan(&g.Key, &g.WindowStart, &g.Granted, &g.Total, &g.Limit)
		g.WindowStart = g.WindowStart.UTC()
		return &g, err
	})
	if err != nil {
		return nil, mapErr(err)
	}
	return matchGrants(ps, got)
}

// matchGrants puts the grants in the order of ps (RETURNING has none).
func matchGrants(ps []*storage.APIRateLeaseParams, got []*storage.APIRateGrant) ([]*storage.APIRateGrant, error) {
	type window struct {
		key   string
		start int64
	}
	by := make(map[window]*storage.APIRateGrant, len(got))
	for _, g := range got {
		by[window{g.Key, g.WindowStart.UnixMicro()}] = g
	}
	out := make([]*storage.APIRateGrant, len(ps))
	for i, p := range ps {
		g, ok := by[window{p.Key, p.WindowStart.UTC().Truncate(time.Microsecond).UnixMicro()}]
		if !ok {
			return nil, fmt.Errorf("postgres: rate lease %s: no grant returned", p.Key)
		}
		out[i] = g
	}
	return out, nil
}

// APIRateReturn implements [storage.APIRateStore], one statement per window
// in key order.
func (s *Store) APIRateReturn(ctx context.Context, ps []*storage.APIRateReturnParams) error {
	sorted := append([]*storage.APIRateReturnParams(nil), ps...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Key < sorted[j].Key })
	for _, p := range sorted {
		if _, err := s.db.Exec(ctx, `UPDATE api_rate_windows SET granted = GREATEST(0, granted - $3)
			WHERE rate_key = $1 AND window_start = $2`, p.Key, p.WindowStart.UTC().Truncate(time.Microsecond), max(p.N, 0)); err != nil {
			return mapErr(err)
		}
	}
	return nil
}
