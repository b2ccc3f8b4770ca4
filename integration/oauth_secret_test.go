package integration_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/secret"
)

// settingsSpy is whoami keeping every settings map it is given, by method.
type settingsSpy struct {
	whoami
	mu   sync.Mutex
	seen map[string][]providers.Settings
}

func (s *settingsSpy) keep(method string, set providers.Settings) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string][]providers.Settings{}
	}
	s.seen[method] = append(s.seen[method], maps.Clone(set))
}

func (s *settingsSpy) received() map[string][]providers.Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.seen)
}

func (s *settingsSpy) Validate(ctx context.Context, set providers.Settings) error {
	s.keep("Validate", set)
	return s.whoami.Validate(ctx, set)
}

func (s *settingsSpy) Check(ctx context.Context, set providers.Settings) (*providers.CheckResult, error) {
	s.keep("Check", set)
	return s.whoami.Check(ctx, set)
}

func (s *settingsSpy) Do(ctx context.Context, set providers.Settings, op *providers.Operation) (*providers.Result, error) {
	s.keep("Do", set)
	return s.whoami.Do(ctx, set, op)
}

// TestOAuthClientSecretStaysOnHost: the OAuth form's client secret is the
// host's, for its Connector to connect and refresh with. A provider that
// needs OAuth never receives it: not to validate its settings, not with a
// connection test, not with a call. It gets the call's access token
// instead, and the form's other fields.
func TestOAuthClientSecretStaysOnHost(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		var handler http.Handler
		host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
		t.Cleanup(host.Close)
		as := newAuthServer(t, oauth.RedirectURI(host.URL, oauth.ProviderCustom))
		spy := &settingsSpy{}
		e := setup(t, open, &envOpts{providers: map[string]providers.Provider{"whoami": spy}, oauthBaseURL: host.URL})
		handler = e.conn.Handler(&oauth.HandlerOpts{Authenticate: func(*http.Request) (uuid.UUID, *uuid.UUID, error) {
			return e.org, nil, nil
		}})
		in := e.create(t, &integration.CreateParams{Type: integration.TypeCalendar, Provider: "whoami", Name: "Calendar",
			Settings: providers.Settings{oauth.FieldProvider: oauth.ProviderCustom, oauth.FieldClientID: opClientID,
				oauth.FieldClientSecret: opClientSecret, oauth.FieldScopes: "openid,profile",
				oauth.FieldIssuerURL: as.srv.URL}})
		connect(t, as, host.URL, in.ID)
		_, err := e.mgr.Dispatch(e.ctx, e.org, integration.TypeCalendar, &providers.Operation{Name: "whoami"})
		require.NoError(t, err, "the provider called the API with the token and the issuer it was given")
		res, err := e.mgr.Test(e.ctx, &integration.TestParams{OrganizationID: e.org, ID: in.ID})
		require.NoError(t, err)
		require.True(t, res.OK, res.Message)

		got := spy.received()
		for _, method := range []string{"Validate", "Check", "Do"} {
			require.NotEmpty(t, got[method], "%s was called", method)
			for _, s := range got[method] {
				require.NotContains(t, s, oauth.FieldClientSecret, "%s received the client secret", method)
				for k, v := range s {
					require.NotContains(t, v, opClientSecret, "%s received the client secret under %s", method, k)
				}
				require.Equal(t, opClientID, s[oauth.FieldClientID], "the form's other fields are the provider's to read")
				_, token := s[providers.SettingAccessToken]
				require.Equal(t, method != "Validate", token, "%s: the access token comes with calls and checks only", method)
			}
		}
		require.Equal(t, opClientSecret, e.storedSettings(t, in.ID)[oauth.FieldClientSecret],
			"the host keeps the secret for its Connector")
	})
}

// formWhoami is whoami with a form field of its own, so that the Manager
// knows which of its fields are secret (none).
type formWhoami struct {
	whoami
}

func (w formWhoami) Info(ctx context.Context) (*providers.Info, error) {
	info, err := w.whoami.Info(ctx)
	if err != nil {
		return nil, err
	}
	info.Fields = []providers.Field{{Name: "calendarId", Label: "Calendar", Type: providers.FieldText}}
	return info, nil
}

// TestOAuthClientSecretMasked: the OAuth form's client secret is a secret
// of every integration whose provider needs OAuth, although the provider
// does not declare it: the admin's view masks it, and the view's settings
// sent back unchanged (masked) keep it, on update as on a test.
func TestOAuthClientSecretMasked(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, &envOpts{providers: map[string]providers.Provider{"whoami": formWhoami{}},
			oauthBaseURL: "https://intime.example"})
		in := e.create(t, &integration.CreateParams{Type: integration.TypeCalendar, Provider: "whoami", Name: "Calendar",
			Settings: providers.Settings{"calendarId": "primary", oauth.FieldProvider: oauth.ProviderCustom,
				oauth.FieldClientID: opClientID, oauth.FieldClientSecret: opClientSecret, oauth.FieldScopes: "openid",
				oauth.FieldIssuerURL: "https://issuer.example"}})
		masked := secret.Mask(opClientSecret)
		require.Equal(t, masked, in.Settings[oauth.FieldClientSecret], "created")
		require.Equal(t, "primary", in.Settings["calendarId"])
		got, err := e.mgr.IntegrationGet(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.Equal(t, masked, got.Settings[oauth.FieldClientSecret], "read")
		require.NotContains(t, fmt.Sprint(got), opClientSecret)

		_, err = e.mgr.Test(e.ctx, &integration.TestParams{OrganizationID: e.org, ID: in.ID, Settings: got.Settings})
		require.NoError(t, err)
		got.Settings["calendarId"] = "recruiting@example.com"
		updated, err := e.mgr.IntegrationUpdate(e.ctx, &integration.UpdateParams{OrganizationID: e.org, ID: in.ID,
			Settings: got.Settings})
		require.NoError(t, err)
		require.Equal(t, masked, updated.Settings[oauth.FieldClientSecret])
		stored := e.storedSettings(t, in.ID)
		require.Equal(t, opClientSecret, stored[oauth.FieldClientSecret], "the masked value kept the secret")
		require.Equal(t, "recruiting@example.com", stored["calendarId"])
	})
}
