package integration_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	exstorage "github.com/zitadel/oidc/v3/example/server/storage"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

const (
	opClientID     = "intime-manager-client"
	opClientSecret = "op-client-secret-5c4b3a"
)

// whoami is a provider that needs OAuth: its operation calls the
// authorization server's userinfo endpoint with the access token the host
// passed with the call, and answers 401 as an auth failure. It runs as a
// plugin in this test.
type whoami struct {
	providers.UnimplementedProvider
}

func (whoami) Info(context.Context) (*providers.Info, error) {
	return &providers.Info{Name: "whoami", DisplayName: "Who Am I", Types: []string{integration.TypeCalendar},
		Version: "1.0.0", Capabilities: []string{"whoami", providers.CapabilityOAuth}}, nil
}

func (whoami) Validate(context.Context, providers.Settings) error { return nil }

func (w whoami) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	res := &providers.CheckResult{}
	res.Run(providers.StageAuth, nil, func() error { _, err := w.userinfo(ctx, s); return err })
	return res, nil
}

func (w whoami) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	if op.Name != "whoami" {
		return nil, providers.UnknownOperation(op)
	}
	body, err := w.userinfo(ctx, s)
	if err != nil {
		return nil, err
	}
	return &providers.Result{Payload: body}, nil
}

func (whoami) userinfo(ctx context.Context, s providers.Settings) (json.RawMessage, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s[oauth.FieldIssuerURL]+"/userinfo", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", s[providers.SettingTokenType]+" "+s[providers.SettingAccessToken])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, providers.Unavailable(err, retry.ClassNetwork)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, providers.AuthFailed(fmt.Errorf("userinfo answered %d", resp.StatusCode))
	case resp.StatusCode != http.StatusOK:
		return nil, providers.Unavailable(fmt.Errorf("userinfo answered %d", resp.StatusCode), retry.ClassServerError)
	}
	return body, nil
}

// authServer is zitadel/oidc's example OpenID Provider, counting refreshes.
type authServer struct {
	srv       *httptest.Server
	refreshes atomic.Int64
}

func newAuthServer(t *testing.T, redirectURI string) *authServer {
	as := &authServer{}
	var op http.Handler
	as.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			_ = r.ParseForm()
			if r.PostForm.Get("grant_type") == "refresh_token" {
				as.refreshes.Add(1)
			}
		}
		op.ServeHTTP(w, r)
	}))
	t.Cleanup(as.srv.Close)
	clients := map[string]*exstorage.Client{opClientID: exstorage.WebClient(opClientID, opClientSecret, redirectURI)}
	op = exampleop.SetupServer(as.srv.URL, exstorage.NewStorageWithClients(exstorage.NewUserStore(as.srv.URL), clients), nil, false)
	return as
}

// revoke revokes an access token at the server.
func (as *authServer) revoke(t *testing.T, token string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, as.srv.URL+"/revoke", strings.NewReader(url.Values{"token": {token},
		"token_type_hint": {"access_token"}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(opClientID, opClientSecret)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// connect runs the connect flow as a browser would: start, log in at the
// server, follow the redirect to the host's callback.
func connect(t *testing.T, as *authServer, hostURL string, id uuid.UUID) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	var callback *url.URL
	b := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), hostURL+"/oauth/callback/") {
			callback = req.URL
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := b.Get(hostURL + "/oauth/start/" + id.String())
	require.NoError(t, err)
	_ = resp.Body.Close()
	authRequest := resp.Request.URL.Query().Get("authRequestID")
	require.NotEmpty(t, authRequest, "the server showed its login form")
	resp, err = b.PostForm(as.srv.URL+"/login/username", url.Values{"id": {authRequest}, "username": {"test-user2"},
		"password": {"verysecure"}})
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.NotNil(t, callback)
	resp, err = http.Get(callback.String())
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
}

// TestOAuthTokenPerCall: an integration whose provider (a plugin) needs
// OAuth gets its connection's access token with each call, never stored
// with its settings; when the provider answers 401 (the token was
// revoked), the host refreshes it once and calls once more.
func TestOAuthTokenPerCall(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		var handler http.Handler
		host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
		t.Cleanup(host.Close)
		as := newAuthServer(t, oauth.RedirectURI(host.URL, oauth.ProviderCustom))
		e := setup(t, open, &envOpts{plugins: []string{"whoami"}, oauthBaseURL: host.URL})
		conn := e.conn
		handler = conn.Handler(&oauth.HandlerOpts{Authenticate: func(*http.Request) (uuid.UUID, *uuid.UUID, error) {
			return e.org, nil, nil
		}})

		var err error
		settings := providers.Settings{oauth.FieldProvider: oauth.ProviderCustom, oauth.FieldClientID: opClientID,
			oauth.FieldClientSecret: opClientSecret, oauth.FieldScopes: "openid,profile", oauth.FieldIssuerURL: as.srv.URL}
		_, err = e.mgr.IntegrationCreate(e.ctx, &integration.CreateParams{OrganizationID: e.org, Type: integration.TypeCalendar,
			Provider: "whoami", Name: "Calendar", Settings: providers.Settings{oauth.FieldProvider: oauth.ProviderCustom}})
		requireFields(t, err, map[string]string{oauth.FieldClientID: oauth.MsgClientIDRequired,
			oauth.FieldClientSecret: oauth.MsgClientSecretRequired, oauth.FieldScopes: oauth.MsgScopesRequired,
			oauth.FieldAuthURL: oauth.MsgAuthURLRequired, oauth.FieldTokenURL: oauth.MsgTokenURLRequired})
		in := e.create(t, &integration.CreateParams{Type: integration.TypeCalendar, Provider: "whoami", Name: "Calendar",
			Settings: settings})
		require.Equal(t, storage.IntegrationError, in.Status, "not connected yet")
		_, err = e.mgr.Dispatch(e.ctx, e.org, integration.TypeCalendar, &providers.Operation{Name: "whoami"})
		require.ErrorIs(t, err, oauth.ErrNotConnected)

		connect(t, as, host.URL, in.ID)
		res, err := e.mgr.Dispatch(e.ctx, e.org, integration.TypeCalendar, &providers.Operation{Name: "whoami"})
		require.NoError(t, err)
		var info struct {
			Sub string `json:"sub"`
		}
		require.NoError(t, json.Unmarshal(res.Payload, &info))
		require.NotEmpty(t, info.Sub, "the plugin called the API with the token")
		for k := range e.storedSettings(t, in.ID) {
			require.False(t, strings.HasPrefix(k, "_"), "no token in the stored settings: %s", k)
		}

		tok, err := conn.TokenSource(e.org, in.ID).Token(e.ctx)
		require.NoError(t, err)
		as.revoke(t, tok.AccessToken)
		before := as.refreshes.Load()
		res, err = e.mgr.Dispatch(e.ctx, e.org, integration.TypeCalendar, &providers.Operation{Name: "whoami"})
		require.NoError(t, err, "refreshed once and called once more")
		require.NotEmpty(t, res.Payload)
		require.Equal(t, before+1, as.refreshes.Load(), "one refresh")
		fresh, err := conn.TokenSource(e.org, in.ID).Token(e.ctx)
		require.NoError(t, err)
		require.NotEqual(t, tok.AccessToken, fresh.AccessToken)

		checked, err := e.mgr.Test(e.ctx, &integration.TestParams{OrganizationID: e.org, ID: in.ID})
		require.NoError(t, err)
		require.True(t, checked.OK, checked.Message)
		got, err := e.mgr.IntegrationGet(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.Equal(t, storage.IntegrationActive, got.Status)
	})
}
