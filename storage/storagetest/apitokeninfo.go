package storagetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func apiTokenInfoTests() []test {
	return []test{
		{"CreateGet", testTokenInfoCreateGet},
		{"PlainTokenHasNoSettings", testTokenInfoPlain},
		{"RotateAtOnce", testTokenInfoRotateAtOnce},
		{"RotateWithGrace", testTokenInfoRotateGrace},
		{"RotateRefusals", testTokenInfoRotateRefusals},
		{"RotateConcurrent", testTokenInfoRotateConcurrent},
		{"RevokeWritesFeed", testTokenInfoRevoke},
		{"LimitsSet", testTokenInfoLimits},
		{"ChangesSince", testTokenInfoChangesSince},
		{"OtherOrganizationNotFound", testTokenInfoIsolation},
	}
}

func mustCreateTokenInfo(t *testing.T, b *bundle, org uuid.UUID, perMin, perHour *int) *storage.APITokenInfo {
	t.Helper()
	tok, err := b.store.APITokenInfoCreate(b.ctx, &storage.APITokenInfoCreateParams{
		APITokenCreateParams: *apiTokenParams(org), PerMinute: perMin, PerHour: perHour})
	require.NoError(t, err)
	return tok
}

func mustGetTokenInfo(t *testing.T, b *bundle, org, id uuid.UUID) *storage.APITokenInfo {
	t.Helper()
	tok, err := b.store.APITokenInfoGet(b.ctx, org, id)
	require.NoError(t, err)
	return tok
}

// changesOf returns the change feed entries of one token since the epoch.
func changesOf(t *testing.T, b *bundle, id uuid.UUID) []*storage.APITokenChange {
	t.Helper()
	all, err := b.store.APITokenChanges(b.ctx, time.Unix(0, 0))
	require.NoError(t, err)
	var out []*storage.APITokenChange
	for _, c := range all {
		if c.TokenID == id {
			out = append(out, c)
		}
	}
	return out
}

func testTokenInfoCreateGet(t *testing.T, b *bundle) {
	tok := mustCreateTokenInfo(t, b, b.org, ptr(100), ptr(1000))
	requireStamp(t, tok.CreatedAt)
	require.Equal(t, 100, *tok.PerMinute)
	require.Equal(t, 1000, *tok.PerHour)
	require.Nil(t, tok.RotatedFrom)
	require.Nil(t, tok.ReplacedBy)
	requireTimePtr(t, apiTokenParams(b.org).ExpiresAt, tok.ExpiresAt)

	byHash, err := b.store.APITokenInfoGetByHash(b.ctx, tok.Hash)
	require.NoError(t, err)
	require.Equal(t, tok, byHash)
	require.Equal(t, tok, mustGetTokenInfo(t, b, b.org, tok.ID))
	requireAPIToken(t, &tok.APIToken, mustGetAPIToken(t, b, tok.Hash))

	dflt := mustCreateTokenInfo(t, b, b.org, nil, nil)
	require.Nil(t, dflt.PerMinute)
	require.Nil(t, dflt.PerHour)

	list, err := b.store.APITokenInfoList(b.ctx, b.org)
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, []uuid.UUID{dflt.ID, tok.ID}, []uuid.UUID{list[0].ID, list[1].ID}, "newest first")
	require.Empty(t, changesOf(t, b, tok.ID), "creating a token changes no cached copy")

	p := &storage.APITokenInfoCreateParams{APITokenCreateParams: *apiTokenParams(b.other)}
	p.Hash = tok.Hash
	_, err = b.store.APITokenInfoCreate(b.ctx, p)
	require.ErrorIs(t, err, storage.ErrConflict)
	list, err = b.store.APITokenInfoList(b.ctx, b.other)
	require.NoError(t, err)
	require.Empty(t, list, "a refused create leaves nothing")
}

func testTokenInfoPlain(t *testing.T, b *bundle) {
	plain := mustCreateAPIToken(t, b, b.org)
	got, err := b.store.APITokenInfoGetByHash(b.ctx, plain.Hash)
	require.NoError(t, err)
	requireAPIToken(t, plain, &got.APIToken)
	require.Nil(t, got.PerMinute)
	require.Nil(t, got.PerHour)
	require.Nil(t, got.ReplacedBy)
}

func rotate(b *bundle, org, id uuid.UUID, until *time.Time) (*storage.APITokenInfo, error) {
	return b.store.APITokenInfoRotate(b.ctx, &storage.APITokenRotateParams{OrganizationID: org, ID: id,
		Prefix: "itk_new", Hash: "sha256:" + uuid.NewString(), ExpiresAt: ptr(fixedTime.Add(24 * time.Hour)),
		OldValidUntil: until})
}

func testTokenInfoRotateAtOnce(t *testing.T, b *bundle) {
	old := mustCreateTokenInfo(t, b, b.org, ptr(7), nil)
	before := b.store.Now()
	repl, err := rotate(b, b.org, old.ID, nil)
	require.NoError(t, err)

	require.NotEqual(t, old.ID, repl.ID)
	require.Equal(t, old.Name, repl.Name)
	require.Equal(t, old.Scopes, repl.Scopes)
	require.Equal(t, "itk_new", repl.Prefix)
	require.Equal(t, 7, *repl.PerMinute, "limits carry over")
	require.Nil(t, repl.PerHour)
	require.Equal(t, old.ID, *repl.RotatedFrom)
	requireTimePtr(t, ptr(fixedTime.Add(24*time.Hour)), repl.ExpiresAt)
	require.Nil(t, repl.RevokedAt)

	got := mustGetTokenInfo(t, b, b.org, old.ID)
	require.NotNil(t, got.RevokedAt)
	require.False(t, got.RevokedAt.Before(before))
	require.Equal(t, repl.ID, *got.ReplacedBy)
	requireTimePtr(t, old.ExpiresAt, got.ExpiresAt, "expiry kept")

	ch := changesOf(t, b, old.ID)
	require.Len(t, ch, 1)
	require.Equal(t, old.Hash, ch[0].Hash)
	require.Equal(t, b.org, ch[0].OrganizationID)
	requireStamp(t, ch[0].ChangedAt)
}

func testTokenInfoRotateGrace(t *testing.T, b *bundle) {
	now := b.store.Now()
	old := mustCreateTokenInfo(t, b, b.org, nil, nil) // expires in 2031
	until := now.Add(time.Hour)
	_, err := rotate(b, b.org, old.ID, &until)
	require.NoError(t, err)
	got := mustGetTokenInfo(t, b, b.org, old.ID)
	require.Nil(t, got.RevokedAt, "still valid during the grace period")
	requireTimePtr(t, &until, got.ExpiresAt)
	require.NotNil(t, got.ReplacedBy)
	require.Len(t, changesOf(t, b, old.ID), 1)

	// A token without expiry gets one; an earlier expiry is kept.
	early := now.Add(10 * time.Minute)
	for _, tc := range []struct {
		expires, want *time.Time
	}{{nil, &until}, {&early, &early}} {
		tok, err := b.store.APITokenInfoCreate(b.ctx, &storage.APITokenInfoCreateParams{APITokenCreateParams: storage.APITokenCreateParams{
			OrganizationID: b.org, Name: "n", Prefix: "p", Hash: "sha256:" + uuid.NewString(), ExpiresAt: tc.expires}})
		require.NoError(t, err)
		_, err = rotate(b, b.org, tok.ID, &until)
		require.NoError(t, err)
		requireTimePtr(t, tc.want, mustGetTokenInfo(t, b, b.org, tok.ID).ExpiresAt)
	}

	// A grace period that has already ended revokes.
	past := now.Add(-time.Second)
	gone := mustCreateTokenInfo(t, b, b.org, nil, nil)
	_, err = rotate(b, b.org, gone.ID, &past)
	require.NoError(t, err)
	require.NotNil(t, mustGetTokenInfo(t, b, b.org, gone.ID).RevokedAt)
}

func testTokenInfoRotateRefusals(t *testing.T, b *bundle) {
	tok := mustCreateTokenInfo(t, b, b.org, nil, nil)
	_, err := rotate(b, b.other, tok.ID, nil)
	require.ErrorIs(t, err, storage.ErrNotFound, "another organization's token")
	_, err = rotate(b, b.org, uuid.New(), nil)
	require.ErrorIs(t, err, storage.ErrNotFound)

	// A replacement whose hash is taken leaves the old token as it was.
	taken := mustCreateTokenInfo(t, b, b.org, nil, nil)
	_, err = b.store.APITokenInfoRotate(b.ctx, &storage.APITokenRotateParams{OrganizationID: b.org, ID: tok.ID,
		Prefix: "p", Hash: taken.Hash})
	require.ErrorIs(t, err, storage.ErrConflict)
	require.Equal(t, tok, mustGetTokenInfo(t, b, b.org, tok.ID))
	require.Empty(t, changesOf(t, b, tok.ID))

	_, err = rotate(b, b.org, tok.ID, ptr(b.store.Now().Add(time.Hour)))
	require.NoError(t, err)
	_, err = rotate(b, b.org, tok.ID, nil)
	require.ErrorIs(t, err, storage.ErrConflict, "already rotated")

	rev := mustCreateTokenInfo(t, b, b.org, nil, nil)
	_, err = b.store.APITokenInfoRevoke(b.ctx, b.org, rev.ID)
	require.NoError(t, err)
	_, err = rotate(b, b.org, rev.ID, nil)
	require.ErrorIs(t, err, storage.ErrConflict, "revoked")
}

func testTokenInfoRotateConcurrent(t *testing.T, b *bundle) {
	tok := mustCreateTokenInfo(t, b, b.org, nil, nil)
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { _, errs[i] = rotate(b, b.org, tok.ID, nil) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		require.True(t, errors.Is(err, storage.ErrConflict), "got %v", err)
	}
	require.Equal(t, 1, ok, "one rotation wins")
	list, err := b.store.APITokenInfoList(b.ctx, b.org)
	require.NoError(t, err)
	require.Len(t, list, 2, "one replacement")
}

func testTokenInfoRevoke(t *testing.T, b *bundle) {
	tok := mustCreateTokenInfo(t, b, b.org, nil, nil)
	got, err := b.store.APITokenInfoRevoke(b.ctx, b.org, tok.ID)
	require.NoError(t, err)
	require.NotNil(t, got.RevokedAt)
	first := *got.RevokedAt
	again, err := b.store.APITokenInfoRevoke(b.ctx, b.org, tok.ID)
	require.NoError(t, err)
	requireTime(t, first, *again.RevokedAt, "the first revocation time stays")
	require.Len(t, changesOf(t, b, tok.ID), 2)

	plain := mustCreateAPIToken(t, b, b.org)
	_, err = b.store.APITokenInfoRevoke(b.ctx, b.org, plain.ID)
	require.NoError(t, err)
	require.NotNil(t, mustGetAPIToken(t, b, plain.Hash).RevokedAt)
}

func testTokenInfoLimits(t *testing.T, b *bundle) {
	plain := mustCreateAPIToken(t, b, b.org)
	got, err := b.store.APITokenInfoLimitsSet(b.ctx, &storage.APITokenLimitsParams{OrganizationID: b.org, ID: plain.ID,
		PerMinute: ptr(5), PerHour: ptr(50)})
	require.NoError(t, err)
	require.Equal(t, 5, *got.PerMinute)
	require.Equal(t, 50, *got.PerHour)
	got, err = b.store.APITokenInfoLimitsSet(b.ctx, &storage.APITokenLimitsParams{OrganizationID: b.org, ID: plain.ID,
		PerHour: ptr(60)})
	require.NoError(t, err)
	require.Nil(t, got.PerMinute, "nil clears")
	require.Equal(t, 60, *got.PerHour)
	require.Equal(t, got, mustGetTokenInfo(t, b, b.org, plain.ID))
	require.Len(t, changesOf(t, b, plain.ID), 2)
}

func testTokenInfoChangesSince(t *testing.T, b *bundle) {
	a := mustCreateTokenInfo(t, b, b.org, nil, nil)
	o := mustCreateTokenInfo(t, b, b.other, nil, nil)
	_, err := b.store.APITokenInfoRevoke(b.ctx, b.org, a.ID)
	require.NoError(t, err)
	_, err = b.store.APITokenInfoRevoke(b.ctx, b.other, o.ID)
	require.NoError(t, err)
	all, err := b.store.APITokenChanges(b.ctx, time.Unix(0, 0))
	require.NoError(t, err)
	require.Len(t, all, 2, "the feed spans organizations")
	require.False(t, all[1].ChangedAt.Before(all[0].ChangedAt), "oldest first")
	later, err := b.store.APITokenChanges(b.ctx, b.store.Now().Add(time.Second))
	require.NoError(t, err)
	require.Empty(t, later)
	from, err := b.store.APITokenChanges(b.ctx, all[1].ChangedAt)
	require.NoError(t, err)
	require.NotEmpty(t, from, "since is inclusive")
}

func testTokenInfoIsolation(t *testing.T, b *bundle) {
	tok := mustCreateTokenInfo(t, b, b.org, nil, nil)
	_, err := b.store.APITokenInfoGet(b.ctx, b.other, tok.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = b.store.APITokenInfoRevoke(b.ctx, b.other, tok.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = b.store.APITokenInfoLimitsSet(b.ctx, &storage.APITokenLimitsParams{OrganizationID: b.other, ID: tok.ID, PerMinute: ptr(1)})
	require.ErrorIs(t, err, storage.ErrNotFound)
	require.Empty(t, changesOf(t, b, tok.ID), "refused changes write no feed entry")
	require.Equal(t, tok, mustGetTokenInfo(t, b, b.org, tok.ID))
}
