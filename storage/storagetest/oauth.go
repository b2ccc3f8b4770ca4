package storagetest

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func oauthTokenTests() []test {
	return []test{
		{"CreateGet", testOAuthTokenCreateGet},
		{"CreateDefaultsTokenTypeBearer", testOAuthTokenDefaults},
		{"GetByIntegrationReturnsNewest", testOAuthTokenGetByIntegration},
		{"UpdateCurrentVersionIncrementsVersion", testOAuthTokenUpdate},
		{"UpdateStaleVersionIsConflict", testOAuthTokenUpdateStale},
		{"DeleteThenGetNotFound", testOAuthTokenDelete},
		{"OtherOrganizationNotFound", testOAuthTokenIsolation},
	}
}

func oauthStateTests() []test {
	return []test{
		{"CreateConsume", testOAuthStateCreateConsume},
		{"DuplicateHashIsConflict", testOAuthStateDuplicate},
		{"ConsumeTwiceIsNotFound", testOAuthStateConsumeTwice},
		{"DeleteExpired", testOAuthStateDeleteExpired},
	}
}

func oauthTokenParams(org, integrationID uuid.UUID) *storage.OAuthTokenCreateParams {
	return &storage.OAuthTokenCreateParams{
		OrganizationID: org,
		IntegrationID:  integrationID,
		UserID:         ptr(uuid.New()),
		AccessToken:    "ya29.access-token-ü-" + uuid.NewString(),
		RefreshToken:   "1//refresh-token-" + uuid.NewString(),
		TokenType:      "MAC",
		ExpiresAt:      ptr(fixedTime.Add(time.Hour)),
		Scope:          "openid email https://www.googleapis.com/auth/calendar",
	}
}

func mustCreateOAuthToken(t *testing.T, b *bundle, org, integrationID uuid.UUID, edits ...func(*storage.OAuthTokenCreateParams)) *storage.OAuthToken {
	t.Helper()
	p := oauthTokenParams(org, integrationID)
	for _, edit := range edits {
		edit(p)
	}
	tok, err := b.store.OAuthTokenCreate(b.ctx, p)
	require.NoError(t, err)
	return tok
}

func mustGetOAuthToken(t *testing.T, b *bundle, org, id uuid.UUID) *storage.OAuthToken {
	t.Helper()
	tok, err := b.store.OAuthTokenGet(b.ctx, org, id)
	require.NoError(t, err)
	return tok
}

// requireOAuthToken compares every field but UpdatedAt.
func requireOAuthToken(t *testing.T, want, got *storage.OAuthToken) {
	t.Helper()
	require.Equal(t, want.ID, got.ID)
	require.Equal(t, want.OrganizationID, got.OrganizationID)
	require.Equal(t, want.IntegrationID, got.IntegrationID)
	require.Equal(t, want.UserID, got.UserID)
	require.Equal(t, want.AccessToken, got.AccessToken)
	require.Equal(t, want.RefreshToken, got.RefreshToken)
	require.Equal(t, want.TokenType, got.TokenType)
	requireTimePtr(t, want.ExpiresAt, got.ExpiresAt, "ExpiresAt")
	require.Equal(t, want.Scope, got.Scope)
	require.Equal(t, want.Version, got.Version)
	requireTime(t, want.CreatedAt, got.CreatedAt, "CreatedAt")
}

func testOAuthTokenCreateGet(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	p := oauthTokenParams(b.org, in.ID)
	tok, err := b.store.OAuthTokenCreate(b.ctx, p)
	require.NoError(t, err)
	require.NotEqual(t, uuid.Nil, tok.ID)
	requireStamp(t, tok.CreatedAt)
	requireStamp(t, tok.UpdatedAt)
	requireOAuthToken(t, &storage.OAuthToken{
		ID: tok.ID, OrganizationID: b.org, IntegrationID: in.ID, UserID: p.UserID,
		AccessToken: p.AccessToken, RefreshToken: p.RefreshToken, TokenType: p.TokenType,
		ExpiresAt: p.ExpiresAt, Scope: p.Scope, Version: tok.Version, CreatedAt: tok.CreatedAt,
	}, tok)

	got := mustGetOAuthToken(t, b, b.org, tok.ID)
	requireOAuthToken(t, tok, got)
	requireTime(t, tok.UpdatedAt, got.UpdatedAt)
}

func testOAuthTokenDefaults(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	tok := mustCreateOAuthToken(t, b, b.org, in.ID, func(p *storage.OAuthTokenCreateParams) {
		p.TokenType = ""
		p.UserID = nil
		p.RefreshToken = ""
		p.ExpiresAt = nil
		p.Scope = ""
	})
	require.Equal(t, "Bearer", tok.TokenType)
	got := mustGetOAuthToken(t, b, b.org, tok.ID)
	require.Equal(t, "Bearer", got.TokenType)
	require.Nil(t, got.UserID)
	require.Empty(t, got.RefreshToken)
	require.Nil(t, got.ExpiresAt)
	require.Empty(t, got.Scope)
}

func testOAuthTokenGetByIntegration(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	otherIn := mustCreateIntegration(t, b, b.org)
	_, err := b.store.OAuthTokenGetByIntegration(b.ctx, b.org, in.ID)
	require.ErrorIs(t, err, storage.ErrNotFound, "no token yet")

	first := mustCreateOAuthToken(t, b, b.org, in.ID)
	second := mustCreateOAuthToken(t, b, b.org, in.ID)
	mustCreateOAuthToken(t, b, b.org, otherIn.ID)
	newest := newestFirst([]key{{first.CreatedAt, first.ID}, {second.CreatedAt, second.ID}})[0].id

	got, err := b.store.OAuthTokenGetByIntegration(b.ctx, b.org, in.ID)
	require.NoError(t, err)
	require.Equal(t, newest, got.ID)
	require.Equal(t, second.ID, got.ID, "the token created last is the newest")
	requireOAuthToken(t, second, got)

	_, err = b.store.OAuthTokenGetByIntegration(b.ctx, b.other, in.ID)
	require.ErrorIs(t, err, storage.ErrNotFound, "other organization")
}

func tokenUpdate(org uuid.UUID, tok *storage.OAuthToken) *storage.OAuthTokenUpdateParams {
	return &storage.OAuthTokenUpdateParams{
		OrganizationID: org,
		ID:             tok.ID,
		ExpectVersion:  tok.Version,
		AccessToken:    "rotated-access-" + uuid.NewString(),
		RefreshToken:   "rotated-refresh-" + uuid.NewString(),
		TokenType:      "Bearer",
		ExpiresAt:      ptr(fixedTime.Add(2 * time.Hour)),
		Scope:          "openid",
	}
}

func testOAuthTokenUpdate(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	tok := mustCreateOAuthToken(t, b, b.org, in.ID)
	for i := range 3 {
		u := tokenUpdate(b.org, tok)
		updated, err := b.store.OAuthTokenUpdate(b.ctx, u)
		require.NoError(t, err, "update %d", i)
		want := &storage.OAuthToken{
			ID: tok.ID, OrganizationID: b.org, IntegrationID: in.ID, UserID: tok.UserID,
			AccessToken: u.AccessToken, RefreshToken: u.RefreshToken, TokenType: u.TokenType,
			ExpiresAt: u.ExpiresAt, Scope: u.Scope, Version: tok.Version + 1, CreatedAt: tok.CreatedAt,
		}
		requireOAuthToken(t, want, updated)
		require.False(t, updated.UpdatedAt.Before(tok.UpdatedAt))
		requireOAuthToken(t, want, mustGetOAuthToken(t, b, b.org, tok.ID))
		tok = updated
	}
}

func testOAuthTokenUpdateStale(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	tok := mustCreateOAuthToken(t, b, b.org, in.ID)
	updated, err := b.store.OAuthTokenUpdate(b.ctx, tokenUpdate(b.org, tok))
	require.NoError(t, err)

	for _, stale := range []int64{tok.Version, tok.Version + 2, tok.Version - 1} {
		u := tokenUpdate(b.org, tok)
		u.ExpectVersion = stale
		_, err = b.store.OAuthTokenUpdate(b.ctx, u)
		require.ErrorIs(t, err, storage.ErrConflict, "version %d, current %d", stale, updated.Version)
	}
	got := mustGetOAuthToken(t, b, b.org, tok.ID)
	requireOAuthToken(t, updated, got)
	requireTime(t, updated.UpdatedAt, got.UpdatedAt)
}

func testOAuthTokenDelete(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	tok := mustCreateOAuthToken(t, b, b.org, in.ID)
	require.NoError(t, b.store.OAuthTokenDelete(b.ctx, b.org, tok.ID))
	_, err := b.store.OAuthTokenGet(b.ctx, b.org, tok.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = b.store.OAuthTokenGetByIntegration(b.ctx, b.org, in.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	require.ErrorIs(t, b.store.OAuthTokenDelete(b.ctx, b.org, tok.ID), storage.ErrNotFound, "second delete")
	mustGetIntegration(t, b, b.org, in.ID)
}

func testOAuthTokenIsolation(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	tok := mustCreateOAuthToken(t, b, b.org, in.ID)

	_, err := b.store.OAuthTokenGet(b.ctx, b.other, tok.ID)
	require.ErrorIs(t, err, storage.ErrNotFound, "get")
	_, err = b.store.OAuthTokenGetByIntegration(b.ctx, b.other, in.ID)
	require.ErrorIs(t, err, storage.ErrNotFound, "get by integration")
	_, err = b.store.OAuthTokenUpdate(b.ctx, tokenUpdate(b.other, tok))
	require.ErrorIs(t, err, storage.ErrNotFound, "update with the current version")
	require.ErrorIs(t, b.store.OAuthTokenDelete(b.ctx, b.other, tok.ID), storage.ErrNotFound, "delete")

	got := mustGetOAuthToken(t, b, b.org, tok.ID)
	requireOAuthToken(t, tok, got)
	requireTime(t, tok.UpdatedAt, got.UpdatedAt)
}

func oauthState(org, integrationID uuid.UUID, expires time.Time) *storage.OAuthState {
	return &storage.OAuthState{
		StateHash:      "sha256:" + uuid.NewString(),
		OrganizationID: org,
		IntegrationID:  integrationID,
		UserID:         ptr(uuid.New()),
		Provider:       "google",
		CodeVerifier:   "pkce-verifier-" + uuid.NewString() + "-~._",
		RedirectURI:    "https://app.example.com/oauth/callback?x=1&y=ü",
		ExpiresAt:      expires,
	}
}

func mustCreateOAuthState(t *testing.T, b *bundle, org uuid.UUID, expires time.Time) *storage.OAuthState {
	t.Helper()
	in := mustCreateIntegration(t, b, org)
	st := oauthState(org, in.ID, expires)
	require.NoError(t, b.store.OAuthStateCreate(b.ctx, st))
	return st
}

func testOAuthStateCreateConsume(t *testing.T, b *bundle) {
	before := b.store.Now()
	st := mustCreateOAuthState(t, b, b.org, fixedTime)
	second := mustCreateOAuthState(t, b, b.org, fixedTime)

	got, err := b.store.OAuthStateConsume(b.ctx, st.StateHash)
	require.NoError(t, err)
	require.Equal(t, st.StateHash, got.StateHash)
	require.Equal(t, st.OrganizationID, got.OrganizationID)
	require.Equal(t, st.IntegrationID, got.IntegrationID)
	require.Equal(t, st.UserID, got.UserID)
	require.Equal(t, st.Provider, got.Provider)
	require.Equal(t, st.CodeVerifier, got.CodeVerifier)
	require.Equal(t, st.RedirectURI, got.RedirectURI)
	requireTime(t, st.ExpiresAt, got.ExpiresAt, "ExpiresAt")
	requireStamp(t, got.CreatedAt)
	require.False(t, got.CreatedAt.Before(before), "CreatedAt is stamped by the store")

	// The other pending state is untouched.
	got, err = b.store.OAuthStateConsume(b.ctx, second.StateHash)
	require.NoError(t, err)
	require.Equal(t, second.CodeVerifier, got.CodeVerifier)
}

func testOAuthStateDuplicate(t *testing.T, b *bundle) {
	st := mustCreateOAuthState(t, b, b.org, fixedTime)
	dup := *st
	dup.CodeVerifier = "another"
	require.ErrorIs(t, b.store.OAuthStateCreate(b.ctx, &dup), storage.ErrConflict)

	otherIn := mustCreateIntegration(t, b, b.other)
	dup = *oauthState(b.other, otherIn.ID, fixedTime)
	dup.StateHash = st.StateHash
	require.ErrorIs(t, b.store.OAuthStateCreate(b.ctx, &dup), storage.ErrConflict, "hashes are unique across organizations")

	got, err := b.store.OAuthStateConsume(b.ctx, st.StateHash)
	require.NoError(t, err)
	require.Equal(t, st.CodeVerifier, got.CodeVerifier, "the first state is kept")
	require.Equal(t, b.org, got.OrganizationID)
}

func testOAuthStateConsumeTwice(t *testing.T, b *bundle) {
	st := mustCreateOAuthState(t, b, b.org, fixedTime)
	_, err := b.store.OAuthStateConsume(b.ctx, st.StateHash)
	require.NoError(t, err)
	_, err = b.store.OAuthStateConsume(b.ctx, st.StateHash)
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = b.store.OAuthStateConsume(b.ctx, "sha256:never-created")
	require.ErrorIs(t, err, storage.ErrNotFound)
}

func testOAuthStateDeleteExpired(t *testing.T, b *bundle) {
	now := b.store.Now()
	expired := []*storage.OAuthState{
		mustCreateOAuthState(t, b, b.org, now.Add(-time.Hour)),
		mustCreateOAuthState(t, b, b.other, now.Add(-time.Minute)),
	}
	live := []*storage.OAuthState{
		mustCreateOAuthState(t, b, b.org, now.Add(time.Minute)),
		mustCreateOAuthState(t, b, b.other, now.Add(time.Hour)),
	}
	n, err := b.store.OAuthStateDeleteExpired(b.ctx, now)
	require.NoError(t, err)
	require.Equal(t, len(expired), n)
	n, err = b.store.OAuthStateDeleteExpired(b.ctx, now)
	require.NoError(t, err)
	require.Zero(t, n, "nothing left to delete")

	for _, st := range expired {
		_, err := b.store.OAuthStateConsume(b.ctx, st.StateHash)
		require.ErrorIs(t, err, storage.ErrNotFound)
	}
	for _, st := range live {
		_, err := b.store.OAuthStateConsume(b.ctx, st.StateHash)
		require.NoError(t, err)
	}
}
