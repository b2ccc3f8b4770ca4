package oauth_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/oauth"
)

// TestRefreshSkewCappedToLifetime: with 30-second access tokens the default
// two-minute skew made every Token call refresh (and rotate the refresh
// token). The skew is now at most a quarter of the lifetime.
func TestRefreshSkewCappedToLifetime(t *testing.T) {
	t.Parallel()
	onBackends(t, envOpts{accessTTL: 30 * time.Second}, func(t *testing.T, e *env) {
		first := e.connect(t)
		life := first.ExpiresAt.Sub(e.clock.Now())
		require.InDelta(t, 30, life.Seconds(), 1.5, "the server issues 30 s tokens")
		ts := e.conn.TokenSource(e.org, e.in.ID)

		for range 5 {
			got, err := ts.Token(e.ctx)
			require.NoError(t, err)
			require.Equal(t, first.AccessToken, got.AccessToken)
		}
		e.clock.Advance(life / 2)
		_, err := ts.Token(e.ctx)
		require.NoError(t, err)
		require.Zero(t, e.as.refreshes.Load(), "a token with half its life left is used as is")
		require.Equal(t, first.RefreshToken, e.stored(t).RefreshToken, "and its refresh token is not rotated")

		e.clock.Advance(life/2 - life/8) // an eighth of the life left: inside the capped skew
		for range 5 {
			got, err := ts.Token(e.ctx)
			require.NoError(t, err)
			require.NotEqual(t, first.AccessToken, got.AccessToken)
		}
		require.Equal(t, int64(1), e.as.refreshes.Load(), "one refresh, then the new token is used")
		require.NotEqual(t, first.RefreshToken, e.stored(t).RefreshToken)
	})
}

// TestRefreshSkewKeptForLongTokens: below the cap, the configured skew
// still decides (a five-minute token, a ten-second skew).
func TestRefreshSkewKeptForLongTokens(t *testing.T) {
	t.Parallel()
	e := setupWith(t, envOpts{config: func(c *oauth.Config) { c.RefreshSkew = 10 * time.Second }})
	first := e.connect(t)
	ts := e.conn.TokenSource(e.org, e.in.ID)
	e.clock.Advance(first.ExpiresAt.Sub(e.clock.Now()) - 11*time.Second)
	_, err := ts.Token(e.ctx)
	require.NoError(t, err)
	require.Zero(t, e.as.refreshes.Load())
	e.clock.Advance(2 * time.Second)
	got, err := ts.Token(e.ctx)
	require.NoError(t, err)
	require.NotEqual(t, first.AccessToken, got.AccessToken)
	require.Equal(t, int64(1), e.as.refreshes.Load())
}
