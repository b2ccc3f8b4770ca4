package storagetest

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func oauthRefreshTests() []test {
	return []test{
		{"RefreshAppliesUpdateWithVersion", testOAuthRefreshApplies},
		{"RefreshNilUpdateKeepsRow", testOAuthRefreshNil},
		{"RefreshErrorWritesNothing", testOAuthRefreshError},
		{"RefreshIgnoresCallerIdentity", testOAuthRefreshIdentity},
		{"RefreshOtherOrganizationNotFound", testOAuthRefreshIsolation},
		{"RefreshSerialisesAndRereads", testOAuthRefreshSerialises},
		{"ClaimExpiringLeases", testOAuthClaimLeases},
		{"ClaimExpiringSkipsWithoutRefreshToken", testOAuthClaimSkips},
		{"ClaimExpiringLimitOldestFirst", testOAuthClaimLimit},
	}
}

func refreshedParams(suffix string, exp time.Time) *storage.OAuthTokenUpdateParams {
	return &storage.OAuthTokenUpdateParams{
		AccessToken: "access-" + suffix, RefreshToken: "refresh-" + suffix,
		TokenType: "Bearer", ExpiresAt: &exp, Scope: "calendar",
	}
}

func testOAuthRefreshApplies(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	tok := mustCreateOAuthToken(t, b, b.org, in.ID)
	exp := fixedTime.Add(2 * time.Hour)
	var seen *storage.OAuthToken
	got, err := b.store.OAuthTokenRefresh(b.ctx, b.org, tok.ID, func(cur *storage.OAuthToken) (*storage.OAuthTokenUpdateParams, error) {
		seen = cur
		return refreshedParams("new", exp), nil
	})
	require.NoError(t, err)
	requireOAuthToken(t, tok, seen)
	require.Equal(t, tok.Version+1, got.Version)
	require.Equal(t, "access-new", got.AccessToken)
	require.Equal(t, "refresh-new", got.RefreshToken)
	requireTimePtr(t, &exp, got.ExpiresAt)
	requireOAuthToken(t, got, mustGetOAuthToken(t, b, b.org, tok.ID))
}

func testOAuthRefreshNil(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	tok := mustCreateOAuthToken(t, b, b.org, in.ID)
	got, err := b.store.OAuthTokenRefresh(b.ctx, b.org, tok.ID, func(*storage.OAuthToken) (*storage.OAuthTokenUpdateParams, error) {
		return nil, nil
	})
	require.NoError(t, err)
	requireOAuthToken(t, tok, got)
	requireOAuthToken(t, tok, mustGetOAuthToken(t, b, b.org, tok.ID))
}

func testOAuthRefreshError(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	tok := mustCreateOAuthToken(t, b, b.org, in.ID)
	boom := errors.New("token endpoint down")
	_, err := b.store.OAuthTokenRefresh(b.ctx, b.org, tok.ID, func(*storage.OAuthToken) (*storage.OAuthTokenUpdateParams, error) {
		return refreshedParams("lost", fixedTime), boom
	})
	require.ErrorIs(t, err, boom)
	requireOAuthToken(t, tok, mustGetOAuthToken(t, b, b.org, tok.ID))
}

func testOAuthRefreshIdentity(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	tok := mustCreateOAuthToken(t, b, b.org, in.ID)
	other := mustCreateOAuthToken(t, b, b.org, in.ID)
	got, err := b.store.OAuthTokenRefresh(b.ctx, b.org, tok.ID, func(*storage.OAuthToken) (*storage.OAuthTokenUpdateParams, error) {
		p := refreshedParams("new", fixedTime)
		p.OrganizationID, p.ID, p.ExpectVersion = b.other, other.ID, 99
		return p, nil
	})
	require.NoError(t, err)
	require.Equal(t, tok.ID, got.ID)
	require.Equal(t, "access-new", got.AccessToken)
	requireOAuthToken(t, other, mustGetOAuthToken(t, b, b.org, other.ID))
}

func testOAuthRefreshIsolation(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	tok := mustCreateOAuthToken(t, b, b.org, in.ID)
	called := false
	_, err := b.store.OAuthTokenRefresh(b.ctx, b.other, tok.ID, func(*storage.OAuthToken) (*storage.OAuthTokenUpdateParams, error) {
		called = true
		return refreshedParams("x", fixedTime), nil
	})
	require.ErrorIs(t, err, storage.ErrNotFound)
	require.False(t, called)
	_, err = b.store.OAuthTokenRefresh(b.ctx, b.org, uuid.New(), func(*storage.OAuthToken) (*storage.OAuthTokenUpdateParams, error) {
		called = true
		return nil, nil
	})
	require.ErrorIs(t, err, storage.ErrNotFound)
	require.False(t, called)
	requireOAuthToken(t, tok, mustGetOAuthToken(t, b, b.org, tok.ID))
}

// testOAuthRefreshSerialises runs refreshers at once: their functions never
// overlap, and each sees the row its predecessor wrote, so every refresh
// token is used exactly once.
func testOAuthRefreshSerialises(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	tok := mustCreateOAuthToken(t, b, b.org, in.ID)
	const n = 8
	var (
		inside atomic.Int32
		mu     sync.Mutex
		used   = map[string]int{}
		wg     sync.WaitGroup
	)
	for i := range n {
		wg.Go(func() {
			_, err := b.store.OAuthTokenRefresh(b.ctx, b.org, tok.ID, func(cur *storage.OAuthToken) (*storage.OAuthTokenUpdateParams, error) {
				if inside.Add(1) != 1 {
					return nil, errors.New("two refreshers inside the lock")
				}
				defer inside.Add(-1)
				time.Sleep(2 * time.Millisecond)
				mu.Lock()
				used[cur.RefreshToken]++
				mu.Unlock()
				return refreshedParams(uuid.NewString()+string(rune('a'+i)), fixedTime), nil
			})
			require.NoError(t, err)
		})
	}
	wg.Wait()
	require.Len(t, used, n, "every refresher saw a different refresh token")
	for rt, c := range used {
		require.Equal(t, 1, c, "refresh token %s used twice", rt)
	}
	require.Equal(t, tok.Version+n, mustGetOAuthToken(t, b, b.org, tok.ID).Version)
}

func testOAuthClaimLeases(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	soon := mustCreateOAuthToken(t, b, b.org, in.ID, func(p *storage.OAuthTokenCreateParams) { p.ExpiresAt = ptr(baseTime.Add(5 * time.Minute)) })
	mustCreateOAuthToken(t, b, b.org, in.ID, func(p *storage.OAuthTokenCreateParams) { p.ExpiresAt = ptr(baseTime.Add(time.Hour)) })
	lease := 2 * time.Minute

	got, err := b.store.OAuthTokenClaimExpiring(b.ctx, baseTime, 10*time.Minute, 10, lease)
	require.NoError(t, err)
	require.Len(t, got, 1)
	requireOAuthToken(t, soon, got[0])

	again, err := b.store.OAuthTokenClaimExpiring(b.ctx, baseTime.Add(time.Minute), 10*time.Minute, 10, lease)
	require.NoError(t, err)
	require.Empty(t, again, "leased")

	after, err := b.store.OAuthTokenClaimExpiring(b.ctx, baseTime.Add(lease), 10*time.Minute, 10, lease)
	require.NoError(t, err)
	require.Len(t, after, 1, "lease over")
	require.Equal(t, soon.ID, after[0].ID)
}

func testOAuthClaimSkips(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	mustCreateOAuthToken(t, b, b.org, in.ID, func(p *storage.OAuthTokenCreateParams) {
		p.ExpiresAt = ptr(baseTime.Add(-time.Minute))
		p.RefreshToken = ""
	})
	mustCreateOAuthToken(t, b, b.org, in.ID, func(p *storage.OAuthTokenCreateParams) { p.ExpiresAt = nil })
	got, err := b.store.OAuthTokenClaimExpiring(b.ctx, baseTime, 10*time.Minute, 10, time.Minute)
	require.NoError(t, err)
	require.Empty(t, got, "no refresh token, or no expiry")
}

func testOAuthClaimLimit(t *testing.T, b *bundle) {
	var want []uuid.UUID
	for i := range 5 {
		org := b.org
		if i%2 == 1 {
			org = b.other // claims span organizations
		}
		in := mustCreateIntegration(t, b, org)
		tok := mustCreateOAuthToken(t, b, org, in.ID, func(p *storage.OAuthTokenCreateParams) {
			p.ExpiresAt = ptr(baseTime.Add(time.Duration(5-i) * time.Minute))
		})
		want = append([]uuid.UUID{tok.ID}, want...)
	}
	first, err := b.store.OAuthTokenClaimExpiring(b.ctx, baseTime, 10*time.Minute, 3, time.Minute)
	require.NoError(t, err)
	second, err := b.store.OAuthTokenClaimExpiring(b.ctx, baseTime, 10*time.Minute, 3, time.Minute)
	require.NoError(t, err)
	var got []uuid.UUID
	for _, tok := range append(first, second...) {
		got = append(got, tok.ID)
	}
	require.Len(t, first, 3)
	require.Equal(t, want, got, "oldest expiry first, each row once")
}

// ExerciseOAuthRefreshAcrossStores checks that [storage.OAuthRefreshStore]
// locks across processes: stores a and b must be separate handles (separate
// pools, standing for two hosts) on the same database. Refreshers on both
// run at once; their functions never overlap and each reads what the
// previous one wrote.
func ExerciseOAuthRefreshAcrossStores(t *testing.T, a, b storage.Store) {
	t.Helper()
	ctx := t.Context()
	org := NewOrgID()
	in, err := a.IntegrationCreate(ctx, integrationParams(org))
	require.NoError(t, err)
	tok, err := a.OAuthTokenCreate(ctx, oauthTokenParams(org, in.ID))
	require.NoError(t, err)
	const perStore = 6
	var (
		inside atomic.Int32
		mu     sync.Mutex
		used   = map[string]int{}
		wg     sync.WaitGroup
	)
	fn := func(cur *storage.OAuthToken) (*storage.OAuthTokenUpdateParams, error) {
		if inside.Add(1) != 1 {
			return nil, errors.New("two refreshers inside the lock")
		}
		defer inside.Add(-1)
		time.Sleep(3 * time.Millisecond)
		mu.Lock()
		used[cur.RefreshToken]++
		mu.Unlock()
		return refreshedParams(uuid.NewString(), fixedTime), nil
	}
	for _, s := range []storage.Store{a, b} {
		for range perStore {
			wg.Go(func() {
				_, err := s.OAuthTokenRefresh(ctx, org, tok.ID, fn)
				require.NoError(t, err)
			})
		}
	}
	wg.Wait()
	require.Len(t, used, 2*perStore, "every refresher saw the refresh token its predecessor wrote")
	got, err := b.OAuthTokenGet(ctx, org, tok.ID)
	require.NoError(t, err)
	require.Equal(t, tok.Version+2*perStore, got.Version)
}
