package storage

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// OAuthToken is the token set of an OAuth connection (a row of the
// oauth_tokens table). Tokens are plaintext here and sealed at rest.
type OAuthToken struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	// UserID is the host user who connected the account, if any.
	UserID       *uuid.UUID
	AccessToken  string
	RefreshToken string
	TokenType    string
	ExpiresAt    *time.Time
	Scope        string
	// Version increases by one on every update; [OAuthTokenStore.OAuthTokenUpdate]
	// compares it to make refreshes compare-and-swap.
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// OAuthTokenCreateParams are the fields of a new token set. TokenType
// defaults to "Bearer".
type OAuthTokenCreateParams struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	UserID         *uuid.UUID
	AccessToken    string
	RefreshToken   string
	TokenType      string
	ExpiresAt      *time.Time
	Scope          string
}

// OAuthTokenUpdateParams replaces a token set if its version is still
// ExpectVersion; otherwise the update fails with [ErrConflict].
type OAuthTokenUpdateParams struct {
	OrganizationID uuid.UUID
	ID             uuid.UUID
	ExpectVersion  int64
	AccessToken    string
	RefreshToken   string
	TokenType      string
	ExpiresAt      *time.Time
	Scope          string
}

// OAuthState is a pending authorization request: the single-use state
// parameter of the connect flow and what it is bound to.
type OAuthState struct {
	// StateHash identifies the request; callers store a hash of the state
	// parameter, never the parameter itself.
	StateHash      string
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	UserID         *uuid.UUID
	Provider       string
	// CodeVerifier is the PKCE verifier, sealed at rest.
	CodeVerifier string
	RedirectURI  string
	ExpiresAt    time.Time
	CreatedAt    time.Time
}

// OAuthStore persists OAuth token sets and pending authorization states.
type OAuthStore interface {
	OAuthTokenCreate(ctx context.Context, p *OAuthTokenCreateParams) (*OAuthToken, error)
	OAuthTokenGet(ctx context.Context, orgID, id uuid.UUID) (*OAuthToken, error)
	// OAuthTokenGetByIntegration returns the newest token set of an
	// integration.
	OAuthTokenGetByIntegration(ctx context.Context, orgID, integrationID uuid.UUID) (*OAuthToken, error)
	OAuthTokenUpdate(ctx context.Context, p *OAuthTokenUpdateParams) (*OAuthToken, error)
	OAuthTokenDelete(ctx context.Context, orgID, id uuid.UUID) error

	// OAuthStateCreate stores a pending state; a duplicate hash is
	// [ErrConflict].
	OAuthStateCreate(ctx context.Context, s *OAuthState) error
	// OAuthStateConsume deletes and returns a pending state. It is not
	// scoped by organization (the callback learns the organization from
	// it); a second call for the same hash is [ErrNotFound]. Expiry is the
	// caller's to check.
	OAuthStateConsume(ctx context.Context, stateHash string) (*OAuthState, error)
	// OAuthStateDeleteExpired removes states that expired before now and
	// returns how many.
	OAuthStateDeleteExpired(ctx context.Context, now time.Time) (int, error)
}
