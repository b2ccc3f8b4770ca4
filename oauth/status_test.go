package oauth_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/storage"
)

// TestStatus follows one connection through its states: not connected,
// connected, refreshed, reconnect needed.
func TestStatus(t *testing.T) {
	t.Parallel()
	onBackends(t, envOpts{}, func(t *testing.T, e *env) {
		st, err := e.conn.Status(e.ctx, e.org, e.in.ID)
		require.NoError(t, err)
		require.Equal(t, &oauth.ConnectionStatus{IntegrationID: e.in.ID, Provider: oauth.ProviderCustom,
			ProviderName: "Custom OAuth 2.0", State: oauth.StateNotConnected}, st)
		require.False(t, st.Connected())

		connectedAt := e.clock.Now()
		tok := e.connect(t)
		st, err = e.conn.Status(e.ctx, e.org, e.in.ID)
		require.NoError(t, err)
		require.Equal(t, oauth.StateConnected, st.State)
		require.True(t, st.Connected())
		require.Empty(t, st.Message)
		require.True(t, st.RefreshToken)
		require.Equal(t, tok.ExpiresAt, st.ExpiresAt)
		require.Equal(t, []string{"openid", "profile", "offline_access"}, st.Scopes)
		require.Equal(t, connectedAt, st.ConnectedAt.UTC())
		require.Equal(t, &e.user, st.ConnectedBy)
		require.Nil(t, st.LastRefresh, "never refreshed")

		e.expire(t)
		refreshedAt := e.clock.Now()
		_, err = e.conn.TokenSource(e.org, e.in.ID).Token(e.ctx)
		require.NoError(t, err)
		st, err = e.conn.Status(e.ctx, e.org, e.in.ID)
		require.NoError(t, err)
		require.Equal(t, oauth.StateConnected, st.State)
		require.Equal(t, refreshedAt, st.LastRefresh.UTC())
		require.Equal(t, e.stored(t).ExpiresAt, st.ExpiresAt)

		spendRefreshToken(t, e, tok)
		st, err = e.conn.Status(e.ctx, e.org, e.in.ID)
		require.NoError(t, err)
		require.Equal(t, oauth.StateReconnectNeeded, st.State)
		require.Equal(t, "Please reconnect your Custom OAuth 2.0 account", st.Message)
		require.False(t, st.RefreshToken)
		require.False(t, st.Connected())
		requireNoSecrets(t, fmt.Sprintf("%+v", st), tok, e.stored(t))
	})
}

// spendRefreshToken puts an already rotated refresh token back and lets
// another host refresh with it: the provider answers invalid_grant.
func spendRefreshToken(t *testing.T, e *env, old *storage.OAuthToken) {
	t.Helper()
	cur := e.stored(t)
	_, err := e.store.OAuthTokenUpdate(e.ctx, &storage.OAuthTokenUpdateParams{
		OrganizationID: e.org, ID: cur.ID, ExpectVersion: cur.Version,
		AccessToken: old.AccessToken, RefreshToken: old.RefreshToken, ExpiresAt: old.ExpiresAt,
	})
	require.NoError(t, err)
	e.clock.Advance(old.ExpiresAt.Sub(e.clock.Now()) + time.Second)
	_, err = e.newConnector(t, e.store).TokenSource(e.org, e.in.ID).Token(e.ctx)
	require.True(t, oauth.NeedsReconnect(err), "%v", err)
}

// TestStatusReconnectMarkSurvivesStatusChange: a refresh token refused on
// a 401, while the access token's expiry is still ahead, is cleared; the
// connection needs a reconnect even if something else later resets the
// integration's status.
func TestStatusReconnectMarkSurvivesStatusChange(t *testing.T) {
	t.Parallel()
	e := setup(t)
	first := e.connect(t)
	e.expire(t)
	_, err := e.conn.TokenSource(e.org, e.in.ID).Token(e.ctx)
	require.NoError(t, err)
	cur := e.stored(t)
	_, err = e.store.OAuthTokenUpdate(e.ctx, &storage.OAuthTokenUpdateParams{
		OrganizationID: e.org, ID: cur.ID, ExpectVersion: cur.Version,
		AccessToken: cur.AccessToken, RefreshToken: first.RefreshToken, ExpiresAt: cur.ExpiresAt,
	})
	require.NoError(t, err, "a stale writer put the rotated refresh token back")
	revoke(t, e, cur.AccessToken)

	resp, err := e.newConnector(t, e.store).Client(e.org, e.in.ID).Get(resourceServer(t, e).URL)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	require.Empty(t, e.stored(t).RefreshToken, "the refused refresh token is cleared")
	require.True(t, e.clock.Now().Before(*e.stored(t).ExpiresAt), "the access token's expiry is still ahead")

	active, empty := storage.IntegrationActive, ""
	_, err = e.store.IntegrationUpdate(e.ctx, &storage.IntegrationUpdateParams{OrganizationID: e.org, ID: e.in.ID,
		Status: &active, ErrorMessage: &empty})
	require.NoError(t, err)
	st, err := e.conn.Status(e.ctx, e.org, e.in.ID)
	require.NoError(t, err)
	require.Equal(t, oauth.StateReconnectNeeded, st.State)
	require.Equal(t, "Please reconnect your Custom OAuth 2.0 account", st.Message)
}

func TestStatusUnknownIntegration(t *testing.T) {
	t.Parallel()
	e := setup(t)
	_, err := e.conn.Status(e.ctx, e.org, uuid.New())
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = e.conn.Status(e.ctx, uuid.New(), e.in.ID)
	require.ErrorIs(t, err, storage.ErrNotFound, "another organization's integration")
}

// TestCallbackInfersProvider: the caller need not pass the provider; the
// state names it. A wrong one passed is still refused.
func TestCallbackInfersProvider(t *testing.T) {
	t.Parallel()
	onBackends(t, envOpts{}, func(t *testing.T, e *env) {
		cb := e.login(t, e.startURL())
		p := callbackParams(cb)
		p.Provider = ""
		conn, err := e.conn.Callback(e.ctx, p)
		require.NoError(t, err)
		require.Equal(t, oauth.ProviderCustom, conn.Provider)
		require.True(t, conn.RefreshToken)
		require.Equal(t, storage.IntegrationActive, e.integration(t).Status)

		cb = e.login(t, e.startURL())
		p = callbackParams(cb)
		p.Provider = oauth.ProviderGoogle
		_, err = e.conn.Callback(e.ctx, p)
		require.ErrorIs(t, err, oauth.ErrStateInvalid)
	})
}
