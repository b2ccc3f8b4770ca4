package storagetest

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func apiTokenTests() []test {
	return []test{
		{"CreateGetByHash", testAPITokenCreateGet},
		{"ScopesRoundTrip", testAPITokenScopes},
		{"DuplicateHashIsConflict", testAPITokenDuplicateHash},
		{"List", testAPITokenList},
		{"Touch", testAPITokenTouch},
		{"Revoke", testAPITokenRevoke},
		{"OtherOrganizationNotFound", testAPITokenIsolation},
	}
}

func apiTokenParams(org uuid.UUID) *storage.APITokenCreateParams {
	return &storage.APITokenCreateParams{
		OrganizationID: org,
		Name:           "CI deploys ✓",
		Prefix:         "itk_4f9a",
		Hash:           "sha256:" + uuid.NewString(),
		Scopes:         []string{"webhooks:write", "integrations:read", "logs:read"},
		ExpiresAt:      ptr(fixedTime.Add(90 * 24 * time.Hour)),
	}
}

func mustCreateAPIToken(t *testing.T, b *bundle, org uuid.UUID, edits ...func(*storage.APITokenCreateParams)) *storage.APIToken {
	t.Helper()
	p := apiTokenParams(org)
	for _, edit := range edits {
		edit(p)
	}
	tok, err := b.store.APITokenCreate(b.ctx, p)
	require.NoError(t, err)
	return tok
}

func mustGetAPIToken(t *testing.T, b *bundle, hash string) *storage.APIToken {
	t.Helper()
	tok, err := b.store.APITokenGetByHash(b.ctx, hash)
	require.NoError(t, err)
	return tok
}

func requireAPIToken(t *testing.T, want, got *storage.APIToken) {
	t.Helper()
	require.Equal(t, want.ID, got.ID)
	require.Equal(t, want.OrganizationID, got.OrganizationID)
	require.Equal(t, want.Name, got.Name)
	require.Equal(t, want.Prefix, got.Prefix)
	require.Equal(t, want.Hash, got.Hash)
	if len(want.Scopes) == 0 {
		require.Empty(t, got.Scopes)
	} else {
		require.Equal(t, want.Scopes, got.Scopes)
	}
	requireTime(t, want.CreatedAt, got.CreatedAt, "CreatedAt")
	requireTimePtr(t, want.LastUsedAt, got.LastUsedAt, "LastUsedAt")
	requireTimePtr(t, want.ExpiresAt, got.ExpiresAt, "ExpiresAt")
	requireTimePtr(t, want.RevokedAt, got.RevokedAt, "RevokedAt")
}

func testAPITokenCreateGet(t *testing.T, b *bundle) {
	p := apiTokenParams(b.org)
	tok, err := b.store.APITokenCreate(b.ctx, p)
	require.NoError(t, err)
	require.NotEqual(t, uuid.Nil, tok.ID)
	requireStamp(t, tok.CreatedAt)
	requireAPIToken(t, &storage.APIToken{
		ID: tok.ID, OrganizationID: b.org, Name: p.Name, Prefix: p.Prefix, Hash: p.Hash,
		Scopes: p.Scopes, CreatedAt: tok.CreatedAt, ExpiresAt: p.ExpiresAt,
	}, tok)
	requireAPIToken(t, tok, mustGetAPIToken(t, b, p.Hash))

	_, err = b.store.APITokenGetByHash(b.ctx, "sha256:unknown")
	require.ErrorIs(t, err, storage.ErrNotFound)
}

func testAPITokenScopes(t *testing.T, b *bundle) {
	for _, scopes := range [][]string{
		{"z:last", "a:first"},
		{"*"},
		nil,
		{},
	} {
		tok := mustCreateAPIToken(t, b, b.org, func(p *storage.APITokenCreateParams) {
			p.Scopes = scopes
			p.ExpiresAt = nil
		})
		got := mustGetAPIToken(t, b, tok.Hash)
		if len(scopes) == 0 {
			require.Empty(t, got.Scopes)
		} else {
			require.Equal(t, scopes, got.Scopes, "order preserved")
		}
		require.Nil(t, got.ExpiresAt)
		require.Nil(t, got.LastUsedAt)
		require.Nil(t, got.RevokedAt)
	}
}

func testAPITokenDuplicateHash(t *testing.T, b *bundle) {
	tok := mustCreateAPIToken(t, b, b.org)
	for _, org := range []uuid.UUID{b.org, b.other} {
		p := apiTokenParams(org)
		p.Hash = tok.Hash
		_, err := b.store.APITokenCreate(b.ctx, p)
		require.ErrorIs(t, err, storage.ErrConflict, "hashes are unique across organizations")
	}
	requireAPIToken(t, tok, mustGetAPIToken(t, b, tok.Hash))
	list, err := b.store.APITokenList(b.ctx, b.other)
	require.NoError(t, err)
	require.Empty(t, list)
}

func testAPITokenList(t *testing.T, b *bundle) {
	a := mustCreateAPIToken(t, b, b.org)
	c := mustCreateAPIToken(t, b, b.org)
	o := mustCreateAPIToken(t, b, b.other)

	list, err := b.store.APITokenList(b.ctx, b.org)
	require.NoError(t, err)
	require.Len(t, list, 2)
	byID := map[uuid.UUID]*storage.APIToken{}
	for _, tok := range list {
		byID[tok.ID] = tok
	}
	for _, want := range []*storage.APIToken{a, c} {
		require.Contains(t, byID, want.ID)
		requireAPIToken(t, want, byID[want.ID])
	}

	list, err = b.store.APITokenList(b.ctx, b.other)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, o.ID, list[0].ID)

	list, err = b.store.APITokenList(b.ctx, NewOrgID())
	require.NoError(t, err)
	require.Empty(t, list)
}

func testAPITokenTouch(t *testing.T, b *bundle) {
	tok := mustCreateAPIToken(t, b, b.org)
	at := fixedTime.Add(time.Minute)
	require.NoError(t, b.store.APITokenTouch(b.ctx, b.org, tok.ID, at))
	want := *tok
	want.LastUsedAt = &at
	requireAPIToken(t, &want, mustGetAPIToken(t, b, tok.Hash))

	later := at.Add(time.Hour)
	require.NoError(t, b.store.APITokenTouch(b.ctx, b.org, tok.ID, later))
	want.LastUsedAt = &later
	requireAPIToken(t, &want, mustGetAPIToken(t, b, tok.Hash))

	require.ErrorIs(t, b.store.APITokenTouch(b.ctx, b.org, uuid.New(), at), storage.ErrNotFound, "unknown id")
}

func testAPITokenRevoke(t *testing.T, b *bundle) {
	tok := mustCreateAPIToken(t, b, b.org)
	keep := mustCreateAPIToken(t, b, b.org)
	before := b.store.Now()
	revoked, err := b.store.APITokenRevoke(b.ctx, b.org, tok.ID)
	require.NoError(t, err)
	after := b.store.Now()
	require.NotNil(t, revoked.RevokedAt)
	requireStamp(t, *revoked.RevokedAt)
	require.False(t, revoked.RevokedAt.Before(before))
	require.False(t, revoked.RevokedAt.After(after))
	want := *tok
	want.RevokedAt = revoked.RevokedAt
	requireAPIToken(t, &want, revoked)

	// A revoked token is still found, so that the caller can tell why it
	// is refused.
	requireAPIToken(t, &want, mustGetAPIToken(t, b, tok.Hash))
	require.Nil(t, mustGetAPIToken(t, b, keep.Hash).RevokedAt)

	_, err = b.store.APITokenRevoke(b.ctx, b.org, uuid.New())
	require.ErrorIs(t, err, storage.ErrNotFound, "unknown id")
}

func testAPITokenIsolation(t *testing.T, b *bundle) {
	tok := mustCreateAPIToken(t, b, b.org)
	require.ErrorIs(t, b.store.APITokenTouch(b.ctx, b.other, tok.ID, fixedTime), storage.ErrNotFound, "touch")
	_, err := b.store.APITokenRevoke(b.ctx, b.other, tok.ID)
	require.ErrorIs(t, err, storage.ErrNotFound, "revoke")
	list, err := b.store.APITokenList(b.ctx, b.other)
	require.NoError(t, err)
	require.Empty(t, list, "list")
	requireAPIToken(t, tok, mustGetAPIToken(t, b, tok.Hash))
}
