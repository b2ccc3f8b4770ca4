package storage

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// APIToken is a credential for the host's API (a row of api_tokens). Only a
// hash of the token is stored; Prefix is what the admin sees.
type APIToken struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	Name           string
	// Prefix is the first characters of the token, for recognition.
	Prefix string
	// Hash is a hash of the whole token, unique across organizations.
	Hash       string
	Scopes     []string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	ExpiresAt  *time.Time
	RevokedAt  *time.Time
}

// APITokenCreateParams are the fields of a new token.
type APITokenCreateParams struct {
	OrganizationID uuid.UUID
	Name           string
	Prefix         string
	Hash           string
	Scopes         []string
	ExpiresAt      *time.Time
}

// APITokenStore persists API tokens.
type APITokenStore interface {
	APITokenCreate(ctx context.Context, p *APITokenCreateParams) (*APIToken, error)
	APITokenList(ctx context.Context, orgID uuid.UUID) ([]*APIToken, error)
	// APITokenGetByHash finds a token by its hash, in any organization:
	// it is how a request is authenticated.
	APITokenGetByHash(ctx context.Context, hash string) (*APIToken, error)
	// APITokenTouch records a use of the token.
	APITokenTouch(ctx context.Context, orgID, id uuid.UUID, at time.Time) error
	APITokenRevoke(ctx context.Context, orgID, id uuid.UUID) (*APIToken, error)
}
