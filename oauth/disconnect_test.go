package oauth_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/storage"
)

// TestDisconnect connects, disconnects and connects again: the tokens go,
// the token source stops handing out the cached one, and the status says so.
func TestDisconnect(t *testing.T) {
	t.Parallel()
	onBackends(t, envOpts{}, func(t *testing.T, e *env) {
		e.connect(t)
		src := e.conn.TokenSource(e.org, e.in.ID)
		_, err := src.Token(e.ctx)
		require.NoError(t, err, "cached after use")

		require.NoError(t, e.conn.Disconnect(e.ctx, e.org, e.in.ID))
		_, err = e.store.OAuthTokenGetByIntegration(e.ctx, e.org, e.in.ID)
		require.ErrorIs(t, err, storage.ErrNotFound)
		_, err = src.Token(e.ctx)
		require.ErrorIs(t, err, oauth.ErrNotConnected)
		st, err := e.conn.Status(e.ctx, e.org, e.in.ID)
		require.NoError(t, err)
		require.Equal(t, oauth.StateNotConnected, st.State)
		in := e.integration(t)
		require.Equal(t, storage.IntegrationInactive, in.Status)
		require.Empty(t, in.ErrorMessage)

		require.NoError(t, e.conn.Disconnect(e.ctx, e.org, e.in.ID), "twice is fine")
		require.ErrorIs(t, e.conn.Disconnect(e.ctx, uuid.New(), e.in.ID), storage.ErrNotFound, "another organization")

		e.connect(t)
		_, err = src.Token(e.ctx)
		require.NoError(t, err, "connected again")
	})
}
