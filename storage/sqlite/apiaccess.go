package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

const apiTokenInfoSelect = `SELECT t.id, t.organization_id, t.name, t.prefix, t.token_hash, t.scopes, t.created_at,
	t.last_used_at, t.expires_at, t.revoked_at, s.per_minute, s.per_hour, s.rotated_from, s.replaced_by
	FROM api_tokens t LEFT JOIN api_token_settings s ON s.token_id = t.id`

func scanAPITokenInfo(r row) (*storage.APITokenInfo, error) {
	var t storage.APITokenInfo
	err := r.Scan(&t.ID, &t.OrganizationID, &t.Name, &t.Prefix, &t.Hash, jsonValueCol[[]string]{&t.Scopes},
		timeCol{&t.CreatedAt}, timePtrCol{&t.LastUsedAt}, timePtrCol{&t.ExpiresAt}, timePtrCol{&t.RevokedAt},
		&t.PerMinute, &t.PerHour, &t.RotatedFrom, &t.ReplacedBy)
	if err != nil {
		return nil, mapErr(err)
	}
	return &t, nil
}

// APITokenInfoCreate implements [storage.APITokenInfoStore].
func (s *Store) APITokenInfoCreate(ctx context.Context, p *storage.APITokenInfoCreateParams) (*storage.APITokenInfo, error) {
	var out *storage.APITokenInfo
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := insertTokenInfo(ctx, tx, &p.APITokenCreateParams, p.PerMinute, p.PerHour, nil, s.Now())
		if err != nil {
			return err
		}
		out, err = scanAPITokenInfo(tx.QueryRowContext(ctx, apiTokenInfoSelect+` WHERE t.id = ?1`, id))
		return err
	})
	return out, err
}

func insertTokenInfo(ctx context.Context, tx *sql.Tx, p *storage.APITokenCreateParams, perMin, perHour *int, from *uuid.UUID, now time.Time) (uuid.UUID, error) {
	id := newID()
	if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens
		(id, organization_id, name, prefix, token_hash, scopes, created_at, expires_at)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`,
		id, p.OrganizationID, p.Name, p.Prefix, p.Hash, jsonArray(p.Scopes), ts(now), tsPtr(p.ExpiresAt)); err != nil {
		return uuid.Nil, mapErr(err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO api_token_settings (token_id, organization_id, per_minute, per_hour, rotated_from)
		VALUES (?1, ?2, ?3, ?4, ?5)`, id, p.OrganizationID, intPtr(perMin), intPtr(perHour), uuidPtr(from))
	return id, mapErr(err)
}

// APITokenInfoGet implements [storage.APITokenInfoStore].
func (s *Store) APITokenInfoGet(ctx context.Context, orgID, id uuid.UUID) (*storage.APITokenInfo, error) {
	return readRow(ctx, s, scanAPITokenInfo, apiTokenInfoSelect+` WHERE t.organization_id = ?1 AND t.id = ?2`, orgID, id)
}

// APITokenInfoGetByHash implements [storage.APITokenInfoStore].
func (s *Store) APITokenInfoGetByHash(ctx context.Context, hash string) (*storage.APITokenInfo, error) {
	return readRow(ctx, s, scanAPITokenInfo, apiTokenInfoSelect+` WHERE t.token_hash = ?1`, hash)
}

// APITokenInfoList implements [storage.APITokenInfoStore].
func (s *Store) APITokenInfoList(ctx context.Context, orgID uuid.UUID) ([]*storage.APITokenInfo, error) {
	return queryAll(ctx, s, apiTokenInfoSelect+` WHERE t.organization_id = ?1 ORDER BY t.created_at DESC, t.id DESC`,
		[]any{orgID}, scanAPITokenInfo)
}

// APITokenInfoRotate implements [storage.APITokenInfoStore].
func (s *Store) APITokenInfoRotate(ctx context.Context, p *storage.APITokenRotateParams) (*storage.APITokenInfo, error) {
	var out *storage.APITokenInfo
	now := s.Now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		old, err := scanAPITokenInfo(tx.QueryRowContext(ctx, apiTokenInfoSelect+` WHERE t.organization_id = ?1 AND t.id = ?2`,
			p.OrganizationID, p.ID))
		if err != nil {
			return err
		}
		if old.RevokedAt != nil || old.ReplacedBy != nil {
			return fmt.Errorf("%w: sqlite: api token %s is revoked or already rotated", storage.ErrConflict, p.ID)
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
		out, err = scanAPITokenInfo(tx.QueryRowContext(ctx, apiTokenInfoSelect+` WHERE t.id = ?1`, newID))
		return err
	})
	return out, err
}

// retireToken revokes old (or shortens its expiry to until), links it to
// its replacement and writes the change feed.
func retireToken(ctx context.Context, tx *sql.Tx, old *storage.APITokenInfo, newID uuid.UUID, until *time.Time, now time.Time) error {
	var err error
	if until == nil || !until.After(now) {
		_, err = tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1`, old.ID, ts(now))
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE api_tokens SET expires_at = MIN(COALESCE(expires_at, ?2), ?2) WHERE id = ?1`,
			old.ID, ts(*until))
	}
	if err != nil {
		return mapErr(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO api_token_settings (token_id, organization_id, replaced_by)
		VALUES (?1, ?2, ?3) ON CONFLICT (token_id) DO UPDATE SET replaced_by = excluded.replaced_by`,
		old.ID, old.OrganizationID, newID); err != nil {
		return mapErr(err)
	}
	return logTokenChange(ctx, tx, old.OrganizationID, old.ID, now)
}

// logTokenChange writes one entry of the change feed.
func logTokenChange(ctx context.Context, tx *sql.Tx, orgID, id uuid.UUID, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO api_token_changes (id, organization_id, token_id, token_hash, changed_at)
		SELECT ?1, organization_id, id, token_hash, ?4 FROM api_tokens WHERE organization_id = ?2 AND id = ?3`,
		newID(), orgID, id, ts(now))
	return mapErr(err)
}

// APITokenInfoRevoke implements [storage.APITokenInfoStore].
func (s *Store) APITokenInfoRevoke(ctx context.Context, orgID, id uuid.UUID) (*storage.APITokenInfo, error) {
	now := s.Now()
	return s.tokenInfoChange(ctx, orgID, id, now, `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?3)
		WHERE organization_id = ?1 AND id = ?2`, orgID, id, ts(now))
}

// APITokenInfoLimitsSet implements [storage.APITokenInfoStore].
func (s *Store) APITokenInfoLimitsSet(ctx context.Context, p *storage.APITokenLimitsParams) (*storage.APITokenInfo, error) {
	return s.tokenInfoChange(ctx, p.OrganizationID, p.ID, s.Now(), `INSERT INTO api_token_settings
		(token_id, organization_id, per_minute, per_hour)
		SELECT id, organization_id, ?3, ?4 FROM api_tokens WHERE organization_id = ?1 AND id = ?2
		ON CONFLICT (token_id) DO UPDATE SET per_minute = excluded.per_minute, per_hour = excluded.per_hour`,
		p.OrganizationID, p.ID, intPtr(p.PerMinute), intPtr(p.PerHour))
}

// tokenInfoChange runs one statement on a token of the organization, writes
// the change feed and returns the token, in one transaction.
func (s *Store) tokenInfoChange(ctx context.Context, orgID, id uuid.UUID, now time.Time, stmt string, args ...any) (*storage.APITokenInfo, error) {
	var out *storage.APITokenInfo
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, stmt, args...)
		if err != nil {
			return mapErr(err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errOr(mapErr(err), storage.ErrNotFound)
		}
		if err := logTokenChange(ctx, tx, orgID, id, now); err != nil {
			return err
		}
		out, err = scanAPITokenInfo(tx.QueryRowContext(ctx, apiTokenInfoSelect+` WHERE t.id = ?1`, id))
		return err
	})
	return out, err
}

// APITokenChanges implements [storage.APITokenInfoStore].
func (s *Store) APITokenChanges(ctx context.Context, since time.Time) ([]*storage.APITokenChange, error) {
	return queryAll(ctx, s, `SELECT id, organization_id, token_id, token_hash, changed_at FROM api_token_changes
		WHERE changed_at >= ?1 ORDER BY changed_at, id`, []any{ts(since)}, func(r row) (*storage.APITokenChange, error) {
		var c storage.APITokenChange
		if err := r.Scan(&c.ID, &c.OrganizationID, &c.TokenID, &c.Hash, timeCol{&c.ChangedAt}); err != nil {
			return nil, mapErr(err)
		}
		return &c, nil
	})
}

// APIRateLease implements [storage.APIRateStore]: one upsert per window in
// one write transaction. SQLite's single writer serialises the leases of
// every process, so the grants of a window never add up past its limit.
func (s *Store) APIRateLease(ctx context.Context, ps []*storage.APIRateLeaseParams) ([]*storage.APIRateGrant, error) {
	if err := storage.CheckRateLeases(ps); err != nil {
		return nil, err
	}
	const q = `INSERT INTO api_rate_windows AS w
		(rate_key, window_start, organization_id, window_end, limit_n, granted, last_grant)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
		ON CONFLICT (rate_key, window_start) DO UPDATE SET limit_n = excluded.limit_n,
		last_grant = MAX(0, MIN(excluded.granted, excluded.limit_n - w.granted, (excluded.limit_n - w.granted + 1) / 2)),
		granted = w.granted + MAX(0, MIN(excluded.granted, excluded.limit_n - w.granted, (excluded.limit_n - w.granted + 1) / 2))
		RETURNING last_grant, granted, limit_n`
	st, err := s.prepare(ctx, s.w, q)
	if err != nil {
		return nil, err
	}
	out := make([]*storage.APIRateGrant, len(ps))
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, done, err := txStmt(ctx, tx, st, q)
		if err != nil {
			return err
		}
		defer done()
		for i, p := range ps {
			g := &storage.APIRateGrant{Key: p.Key, WindowStart: p.WindowStart.UTC().Truncate(time.Microsecond)}
			if err := stmt.QueryRowContext(ctx, p.Key, ts(p.WindowStart), p.OrganizationID, ts(p.WindowEnd), p.Limit,
				storage.FirstGrant(p)).Scan(&g.Granted, &g.Total, &g.Limit); err != nil {
				return mapErr(err)
			}
			out[i] = g
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// APIRateReturn implements [storage.APIRateStore].
func (s *Store) APIRateReturn(ctx context.Context, ps []*storage.APIRateReturnParams) error {
	if len(ps) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, p := range ps {
			if _, err := tx.ExecContext(ctx, `UPDATE api_rate_windows SET granted = MAX(0, granted - ?3)
				WHERE rate_key = ?1 AND window_start = ?2`, p.Key, ts(p.WindowStart), max(p.N, 0)); err != nil {
				return mapErr(err)
			}
		}
		return nil
	})
}

// intPtr maps an optional int to its value or NULL.
func intPtr(v *int) any {
	if v == nil {
		return nil
	}
	return int64(*v)
}

// uuidPtr maps an optional ID to its text or NULL.
func uuidPtr(v *uuid.UUID) any {
	if v == nil {
		return nil
	}
	return v.String()
}

// errOr returns err, or fallback when err is nil.
func errOr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}
