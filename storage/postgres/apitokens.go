package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
)

const apiTokenCols = `id, organization_id, name, prefix, token_hash, scopes, created_at, last_used_at, expires_at, revoked_at`

func scanAPIToken(row pgx.Row) (*storage.APIToken, error) {
	var t storage.APIToken
	err := row.Scan(&t.ID, &t.OrganizationID, &t.Name, &t.Prefix, &t.Hash, &t.Scopes, &t.CreatedAt, &t.LastUsedAt, &t.ExpiresAt, &t.RevokedAt)
	if err != nil {
		return nil, mapErr(err)
	}
	t.CreatedAt, t.LastUsedAt, t.ExpiresAt, t.RevokedAt = t.CreatedAt.UTC(), utc(t.LastUsedAt), utc(t.ExpiresAt), utc(t.RevokedAt)
	return &t, nil
}

// APITokenCreate implements [storage.APITokenStore].
func (s *Store) APITokenCreate(ctx context.Context, p *storage.APITokenCreateParams) (*storage.APIToken, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	scopes := p.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	return scanAPIToken(s.db.QueryRow(ctx, `INSERT INTO api_tokens
		(id, organization_id, name, prefix, token_hash, scopes, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+apiTokenCols,
		newID(), p.OrganizationID, p.Name, p.Prefix, p.Hash, scopes, s.Now(), micro(p.ExpiresAt)))
}

// APITokenList implements [storage.APITokenStore], newest first.
func (s *Store) APITokenList(ctx context.Context, orgID uuid.UUID) ([]*storage.APIToken, error) {
	return queryAll(ctx, s, `SELECT `+apiTokenCols+` FROM api_tokens WHERE organization_id = $1
		ORDER BY created_at DESC, id DESC`, []any{orgID}, scanAPIToken)
}

// APITokenGetByHash implements [storage.APITokenStore].
func (s *Store) APITokenGetByHash(ctx context.Context, hash string) (*storage.APIToken, error) {
	if err := storage.CheckKey("hash", hash); err != nil {
		return nil, err
	}
	return scanAPIToken(s.db.QueryRow(ctx, `SELECT `+apiTokenCols+` FROM api_tokens WHERE token_hash = $1`, hash))
}

// APITokenTouch implements [storage.APITokenStore].
func (s *Store) APITokenTouch(ctx context.Context, orgID, id uuid.UUID, at time.Time) error {
	return execOne(ctx, s, `UPDATE api_tokens SET last_used_at = $3 WHERE organization_id = $1 AND id = $2`,
		orgID, id, at.UTC().Truncate(time.Microsecond))
}

// APITokenRevoke implements [storage.APITokenStore].
func (s *Store) APITokenRevoke(ctx context.Context, orgID, id uuid.UUID) (*storage.APIToken, error) {
	return scanAPIToken(s.db.QueryRow(ctx, `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $3)
		WHERE organization_id = $1 AND id = $2 RETURNING `+apiTokenCols, orgID, id, s.Now()))
}
