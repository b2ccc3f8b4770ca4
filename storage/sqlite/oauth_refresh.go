package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// OAuthTokenRefresh implements [storage.OAuthRefreshStore]. It reads the row
// and runs fn inside a write transaction: under the DSN of [Open] that is
// BEGIN IMMEDIATE, which holds SQLite's write lock, so a refresher in any
// process sharing the file waits for the one running and then reads what it
// wrote. Other writes wait too while fn runs: keep fn short (one token
// request, with a timeout).
func (s *Store) OAuthTokenRefresh(ctx context.Context, orgID, id uuid.UUID, fn storage.OAuthRefreshFunc) (*storage.OAuthToken, error) {
	if fn == nil {
		return nil, &storage.InvalidError{Field: "fn", Problem: "is nil"}
	}
	var out *storage.OAuthToken
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		in := s.WithTx(tx)
		cur, err := in.scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM oauth_tokens
			WHERE organization_id = ?1 AND id = ?2`, orgID, id))
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

// OAuthTokenClaimExpiring implements [storage.OAuthRefreshStore] through the
// single writer: the select and the lease are one write transaction.
func (s *Store) OAuthTokenClaimExpiring(ctx context.Context, now time.Time, within time.Duration, limit int, lease time.Duration) ([]*storage.OAuthToken, error) {
	var out []*storage.OAuthToken
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE oauth_tokens SET refresh_locked_until = ?3
			WHERE id IN (
				SELECT id FROM oauth_tokens
				WHERE refresh_token IS NOT NULL AND expires_at < ?2
				  AND (refresh_locked_until IS NULL OR refresh_locked_until <= ?1)
				ORDER BY expires_at, id LIMIT ?4)
			RETURNING `+tokenCols, ts(now), ts(now.Add(within)), ts(now.Add(lease)), limit)
		if err != nil {
			return mapErr(err)
		}
		defer rows.Close()
		for rows.Next() {
			t, err := s.scanToken(rows)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return mapErr(rows.Err())
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *storage.OAuthToken) int {
		if c := a.ExpiresAt.Compare(*b.ExpiresAt); c != 0 {
			return c
		}
		return bytes.Compare(a.ID[:], b.ID[:])
	})
	return out, nil
}
