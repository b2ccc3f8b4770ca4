package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

const tokenCols = `id, organization_id, integration_id, user_id, access_token, refresh_token,
	COALESCE(token_type, 'Bearer'), expires_at, COALESCE(scope, ''), version, created_at, updated_at`

func (s *Store) scanToken(r row) (*storage.OAuthToken, error) {
	var (
		t               storage.OAuthToken
		access, refresh *string
	)
	err := r.Scan(&t.ID, &t.OrganizationID, &t.IntegrationID, &t.UserID, &access, &refresh,
		&t.TokenType, timePtrCol{&t.ExpiresAt}, &t.Scope, &t.Version, timeCol{&t.CreatedAt}, timeCol{&t.UpdatedAt})
	if err != nil {
		return nil, mapErr(err)
	}
	if t.AccessToken, err = s.openText(access); err != nil {
		return nil, err
	}
	if t.RefreshToken, err = s.openText(refresh); err != nil {
		return nil, err
	}
	return &t, nil
}

// sealTokens seals an access and a refresh token.
func (s *Store) sealTokens(access, refresh string) (a, r *string, err error) {
	if a, err = s.sealText(access); err != nil {
		return nil, nil, err
	}
	if a == nil {
		empty := ""
		a = &empty // access_token is NOT NULL; an empty token stays empty
	}
	r, err = s.sealText(refresh)
	return a, r, err
}

// OAuthTokenCreate implements [storage.OAuthStore]. The integration must
// belong to the organization.
func (s *Store) OAuthTokenCreate(ctx context.Context, p *storage.OAuthTokenCreateParams) (*storage.OAuthToken, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	access, refresh, err := s.sealTokens(p.AccessToken, p.RefreshToken)
	if err != nil {
		return nil, err
	}
	tokenType := p.TokenType
	if tokenType == "" {
		tokenType = "Bearer"
	}
	return writeRow(ctx, s, s.scanToken, `INSERT INTO oauth_tokens
		(id, organization_id, integration_id, user_id, access_token, refresh_token, token_type, expires_at, scope, created_at, updated_at)
		SELECT ?1, i.organization_id, i.id, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10
		FROM integrations i WHERE i.organization_id = ?2 AND i.id = ?3
		RETURNING `+tokenCols,
		newID(), p.OrganizationID, p.IntegrationID, p.UserID, access, refresh, tokenType, tsPtr(p.ExpiresAt), p.Scope, ts(s.Now()))
}

// OAuthTokenGet implements [storage.OAuthStore].
func (s *Store) OAuthTokenGet(ctx context.Context, orgID, id uuid.UUID) (*storage.OAuthToken, error) {
	return readRow(ctx, s, s.scanToken,
		`SELECT `+tokenCols+` FROM oauth_tokens WHERE organization_id = ?1 AND id = ?2`, orgID, id)
}

// OAuthTokenGetByIntegration implements [storage.OAuthStore].
func (s *Store) OAuthTokenGetByIntegration(ctx context.Context, orgID, integrationID uuid.UUID) (*storage.OAuthToken, error) {
	return readRow(ctx, s, s.scanToken, `SELECT `+tokenCols+` FROM oauth_tokens
		WHERE organization_id = ?1 AND integration_id = ?2 ORDER BY created_at DESC, id DESC LIMIT 1`, orgID, integrationID)
}

// OAuthTokenUpdate implements [storage.OAuthStore] as a compare-and-swap on
// the version.
func (s *Store) OAuthTokenUpdate(ctx context.Context, p *storage.OAuthTokenUpdateParams) (*storage.OAuthToken, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	access, refresh, err := s.sealTokens(p.AccessToken, p.RefreshToken)
	if err != nil {
		return nil, err
	}
	tokenType := p.TokenType
	if tokenType == "" {
		tokenType = "Bearer"
	}
	var t *storage.OAuthToken
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		t, err = s.scanToken(tx.QueryRowContext(ctx, `UPDATE oauth_tokens SET
			access_token = ?4, refresh_token = ?5, token_type = ?6, expires_at = ?7, scope = ?8,
			version = version + 1, updated_at = ?9
			WHERE organization_id = ?1 AND id = ?2 AND version = ?3 RETURNING `+tokenCols,
			p.OrganizationID, p.ID, p.ExpectVersion, access, refresh, tokenType, tsPtr(p.ExpiresAt), p.Scope, ts(s.Now())))
		if !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		var exists bool
		if qerr := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM oauth_tokens WHERE organization_id = ?1 AND id = ?2)`,
			p.OrganizationID, p.ID).Scan(&exists); qerr != nil {
			return mapErr(qerr)
		}
		if exists {
			return storage.ErrConflict
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// OAuthTokenDelete implements [storage.OAuthStore].
func (s *Store) OAuthTokenDelete(ctx context.Context, orgID, id uuid.UUID) error {
	return execOne(ctx, s, `DELETE FROM oauth_tokens WHERE organization_id = ?1 AND id = ?2`, orgID, id)
}

// OAuthStateCreate implements [storage.OAuthStore].
func (s *Store) OAuthStateCreate(ctx context.Context, st *storage.OAuthState) error {
	if err := st.Validate(); err != nil {
		return err
	}
	verifier, err := s.sealText(st.CodeVerifier)
	if err != nil {
		return err
	}
	if verifier == nil {
		empty := ""
		verifier = &empty
	}
	_, err = s.writeExec(ctx, `INSERT INTO oauth_states
		(state_hash, organization_id, integration_id, user_id, provider, code_verifier, redirect_uri, expires_at, created_at)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)`,
		st.StateHash, st.OrganizationID, st.IntegrationID, st.UserID, st.Provider, *verifier, st.RedirectURI,
		ts(st.ExpiresAt), ts(s.Now()))
	return err
}

// OAuthStateConsume implements [storage.OAuthStore]: DELETE ... RETURNING
// makes it single-use even under concurrent callbacks.
func (s *Store) OAuthStateConsume(ctx context.Context, stateHash string) (*storage.OAuthState, error) {
	if err := storage.CheckKey("stateHash", stateHash); err != nil {
		return nil, err
	}
	st, err := writeRow(ctx, s, s.scanState, `DELETE FROM oauth_states WHERE state_hash = ?1 RETURNING
		state_hash, organization_id, integration_id, user_id, provider, code_verifier, redirect_uri, expires_at, created_at`,
		stateHash)
	if err != nil {
		return nil, err
	}
	return st, nil
}

func (s *Store) scanState(r row) (*storage.OAuthState, error) {
	var (
		st       storage.OAuthState
		verifier string
	)
	err := r.Scan(&st.StateHash, &st.OrganizationID, &st.IntegrationID, &st.UserID, &st.Provider, &verifier,
		&st.RedirectURI, timeCol{&st.ExpiresAt}, timeCol{&st.CreatedAt})
	if err != nil {
		return nil, mapErr(err)
	}
	if st.CodeVerifier, err = s.openText(&verifier); err != nil {
		return nil, err
	}
	return &st, nil
}

// OAuthStateDeleteExpired implements [storage.OAuthStore].
func (s *Store) OAuthStateDeleteExpired(ctx context.Context, now time.Time) (int, error) {
	return s.writeExec(ctx, `DELETE FROM oauth_states WHERE expires_at < ?1`, ts(now))
}
