package postgres

import (
	"bytes"
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
)

// OAuthTokenRefresh implements [storage.OAuthRefreshStore]: a transaction
// that locks the row with SELECT ... FOR UPDATE, so that a refresher in any
// process waits for the one holding it and then reads what that one wrote.
func (s *Store) OAuthTokenRefresh(ctx context.Context, orgID, id uuid.UUID, fn storage.OAuthRefreshFunc) (*storage.OAuthToken, error) {
	if fn == nil {
		return nil, &storage.InvalidError{Field: "fn", Problem: "is nil"}
	}
	var out *storage.OAuthToken
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		in := s.WithTx(tx)
		cur, err := in.scanToken(tx.QueryRow(ctx, `SELECT `+tokenCols+` FROM oauth_tokens
			WHERE organization_id = $1 AND id = $2 FOR UPDATE`, orgID, id))
		if err != nil {
			return err
		}
		p, err := fn(cur)
		if err != nil || p == nil {
			out = cur
			return err
		}
		q := *p
		q.OrganizationID, q.ID, q.ExpectVersion = cur.OrganizationID, cur.ID, cur.Version
		out, err = in.OAuthTokenUpdate(ctx, &q)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// OAuthTokenClaimExpiring implements [storage.OAuthRefreshStore] with FOR
// UPDATE SKIP LOCKED, so that concurrent claims from several hosts never
// return the same row.
func (s *Store) OAuthTokenClaimExpiring(ctx context.Context, now time.Time, within time.Duration, limit int, lease time.Duration) ([]*storage.OAuthToken, error) {
	now = now.UTC().Truncate(time.Microsecond)
	rows, err := s.db.Query(ctx, `UPDATE oauth_tokens SET refresh_locked_until = $3
		WHERE id IN (
			SELECT id FROM oauth_tokens
			WHERE refresh_token IS NOT NULL AND expires_at < $2
			  AND (refresh_locked_until IS NULL OR refresh_locked_until <= $1)
			ORDER BY expires_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)
		RETURNING `+tokenCols, now, now.Add(within), now.Add(lease), limit)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*storage.OAuthToken
	for rows.Next() {
		t, err := s.scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	sortByExpiry(out)
	return out, nil
}

// sortByExpiry orders claimed tokens oldest expiry first (RETURNING keeps no
// order).
func sortByExpiry(ts []*storage.OAuthToken) {
	slices.SortFunc(ts, func(a, b *storage.OAuthToken) int {
		if c := a.ExpiresAt.Compare(*b.ExpiresAt); c != 0 {
			return c
		}
		return bytes.Compare(a.ID[:], b.ID[:])
	})
}
