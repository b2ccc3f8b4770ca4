package oauth_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/storage"
)

// byURLs configures the Custom provider by its endpoint URLs, as an admin
// without an issuer URL does: no discovery document says which scope
// brings a refresh token.
func byURLs(offlineScope string) func(*oauth.Settings, string) {
	return func(s *oauth.Settings, issuer string) {
		s.IssuerURL, s.AuthURL, s.TokenURL, s.OfflineScope = "", issuer+"/auth", issuer+"/oauth/token", offlineScope
	}
}

// startScope starts the flow and returns the scope parameter it asks for.
func (e *env) startScope(t *testing.T) string {
	t.Helper()
	a, err := e.conn.Start(e.ctx, &oauth.StartParams{OrganizationID: e.org, IntegrationID: e.in.ID})
	require.NoError(t, err)
	u, err := url.Parse(a.URL)
	require.NoError(t, err)
	return u.Query().Get("scope")
}

// connectDirect runs the flow up to the provider's redirect and completes
// it with Callback, returning the Connection.
func (e *env) connectDirect(t *testing.T) *oauth.Connection {
	t.Helper()
	cb := e.login(t, e.startURL())
	conn, err := e.conn.Callback(e.ctx, callbackParams(cb))
	require.NoError(t, err)
	return conn
}

// TestCustomByURLsWithoutRefreshTokenWarns is the fault the real
// authorization server showed: a Custom provider given by URLs, which
// issues refresh tokens only for offline_access, connected "successfully"
// and died at the first expiry. The connection now says so at once.
func TestCustomByURLsWithoutRefreshTokenWarns(t *testing.T) {
	t.Parallel()
	onBackends(t, envOpts{settings: byURLs("")}, func(t *testing.T, e *env) {
		require.Equal(t, "openid profile", e.startScope(t), "no unknown scope is sent to a provider given by URLs")

		conn := e.connectDirect(t)
		require.False(t, conn.RefreshToken)
		tok := e.stored(t)
		require.Empty(t, tok.RefreshToken, "the provider issued none")
		want := "No refresh token: your Custom OAuth 2.0 connection will need a reconnect at " +
			tok.ExpiresAt.UTC().Format("2006-01-02 15:04:05 UTC") + "; enable offline access: set the offline access scope"
		require.True(t, strings.HasPrefix(conn.Warning, want), conn.Warning)

		in := e.integration(t)
		require.Equal(t, storage.IntegrationActive, in.Status, "a warning: the connection works until it expires")
		require.Equal(t, conn.Warning, in.ErrorMessage)

		st, err := e.conn.Status(e.ctx, e.org, e.in.ID)
		require.NoError(t, err)
		require.Equal(t, oauth.StateNoRefreshToken, st.State)
		require.Equal(t, conn.Warning, st.Message)
		require.True(t, st.Connected())
		require.False(t, st.RefreshToken)
		require.Equal(t, tok.ExpiresAt, st.ExpiresAt)
		requireNoSecrets(t, e.logs.String(), tok)
	})
}

// TestHandlerShowsNoRefreshWarning: the browser's page says it too.
func TestHandlerShowsNoRefreshWarning(t *testing.T) {
	t.Parallel()
	e := setupWith(t, envOpts{settings: byURLs("")})
	cb := e.login(t, e.startURL())
	status, body := get(t, cb.String())
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, "Connected, with a warning. No refresh token: your Custom OAuth 2.0 connection will need a reconnect")
}

// TestCustomOfflineScopeSetting: the setting makes the same provider issue
// a refresh token, and OfflineScopeNone turns the discovery default off.
func TestCustomOfflineScopeSetting(t *testing.T) {
	t.Parallel()
	t.Run("ByURLs", func(t *testing.T) {
		t.Parallel()
		e := setupWith(t, envOpts{settings: byURLs("offline_access")})
		require.Equal(t, "openid profile offline_access", e.startScope(t))
		conn := e.connectDirect(t)
		require.True(t, conn.RefreshToken)
		require.Empty(t, conn.Warning)
		require.NotEmpty(t, e.stored(t).RefreshToken)
		require.Empty(t, e.integration(t).ErrorMessage)
	})
	t.Run("NoneOverridesDiscovery", func(t *testing.T) {
		t.Parallel()
		e := setupWith(t, envOpts{settings: func(s *oauth.Settings, _ string) { s.OfflineScope = oauth.OfflineScopeNone }})
		require.Equal(t, "openid profile", e.startScope(t))
		conn := e.connectDirect(t)
		require.False(t, conn.RefreshToken)
		require.NotEmpty(t, conn.Warning)
	})
	t.Run("AuthParams", func(t *testing.T) {
		t.Parallel()
		e := setupWith(t, envOpts{settings: func(s *oauth.Settings, _ string) {
			s.AuthParams = map[string]string{"prompt": "consent", "audience": "https://api.example.com"}
		}})
		a, err := e.conn.Start(e.ctx, &oauth.StartParams{OrganizationID: e.org, IntegrationID: e.in.ID})
		require.NoError(t, err)
		u, err := url.Parse(a.URL)
		require.NoError(t, err)
		require.Equal(t, "consent", u.Query().Get("prompt"))
		require.Equal(t, "https://api.example.com", u.Query().Get("audience"))
	})
}

// TestNoRefreshTokenServesUntilExpiry: without a refresh token the access
// token is used to its end (the skew cannot help: nothing renews it), then
// the connection needs a reconnect, as the warning said.
func TestNoRefreshTokenServesUntilExpiry(t *testing.T) {
	t.Parallel()
	onBackends(t, envOpts{settings: byURLs("")}, func(t *testing.T, e *env) {
		e.connectDirect(t)
		tok := e.stored(t)
		ts := e.conn.TokenSource(e.org, e.in.ID)

		e.clock.Advance(tok.ExpiresAt.Sub(e.clock.Now()) - 10*time.Second)
		got, err := ts.Token(e.ctx)
		require.NoError(t, err, "ten seconds before its expiry the token still works")
		require.Equal(t, tok.AccessToken, got.AccessToken)
		require.Equal(t, storage.IntegrationActive, e.integration(t).Status)

		e.clock.Advance(11 * time.Second)
		_, err = ts.Token(e.ctx)
		require.True(t, oauth.NeedsReconnect(err), "%v", err)
		in := e.integration(t)
		require.Equal(t, storage.IntegrationError, in.Status)
		require.Equal(t, "Please reconnect your Custom OAuth 2.0 account", in.ErrorMessage)
		st, err := e.conn.Status(e.ctx, e.org, e.in.ID)
		require.NoError(t, err)
		require.Equal(t, oauth.StateReconnectNeeded, st.State)
		require.Equal(t, in.ErrorMessage, st.Message)
		require.Zero(t, e.as.refreshes.Load(), "no refresh request without a refresh token")
	})
}

// TestProviderOfflineConventions: each built-in provider's authorization
// request asks for offline access as the provider documents it.
func TestProviderOfflineConventions(t *testing.T) {
	t.Parallel()
	s, _ := openSQLite(t, nil)
	conn, err := oauth.New(s, &oauth.Config{BaseURL: "https://app.intime.example"})
	require.NoError(t, err)
	tests := []struct {
		provider, scope string
		params          map[string]string
	}{
		{oauth.ProviderGoogle, "https://www.googleapis.com/auth/calendar", map[string]string{"access_type": "offline", "prompt": "consent"}},
		{oauth.ProviderMicrosoft, "https://graph.microsoft.com/Calendars.ReadWrite offline_access", nil},
		{oauth.ProviderSalesforce, "api refresh_token", nil},
		{oauth.ProviderZoom, "meeting:write", nil},
		{oauth.ProviderLinkedIn, "openid", nil},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			t.Parallel()
			org := uuid.New()
			in := createIntegration(t, s, org, &oauth.Settings{Provider: tt.provider, ClientID: "client-1",
				ClientSecret: "s", Scopes: strings.Fields(tt.scope)[:1]})
			a, err := conn.Start(t.Context(), &oauth.StartParams{OrganizationID: org, IntegrationID: in.ID})
			require.NoError(t, err)
			u, err := url.Parse(a.URL)
			require.NoError(t, err)
			require.Equal(t, tt.scope, u.Query().Get("scope"))
			for k, v := range tt.params {
				require.Equal(t, v, u.Query().Get(k), k)
			}
			p, _ := oauth.ProviderByKey(tt.provider)
			require.NotEmpty(t, p.OfflineHelp, "the warning can say what to do")
		})
	}
}

func createIntegration(t *testing.T, s oauth.Store, org uuid.UUID, set *oauth.Settings) *storage.Integration {
	t.Helper()
	cfg, err := json.Marshal(set)
	require.NoError(t, err)
	in, err := s.IntegrationCreate(t.Context(), &storage.IntegrationCreateParams{
		OrganizationID: org, Type: "calendar", Provider: set.Provider, Name: set.Provider, Config: cfg,
	})
	require.NoError(t, err)
	return in
}
