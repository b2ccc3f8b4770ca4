package oauth_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/oauth"
)

func validSettings() oauth.Settings {
	return oauth.Settings{Provider: oauth.ProviderGoogle, ClientID: "123456789-abc123.apps.googleusercontent.com",
		ClientSecret: "secret", Scopes: []string{"https://www.googleapis.com/auth/calendar"}}
}

func TestSettingsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(*oauth.Settings)
		field string
		msg   string
	}{
		{"ProviderEmpty", func(s *oauth.Settings) { s.Provider = "" }, oauth.FieldProvider, "Please select an OAuth provider"},
		{"ProviderUnknown", func(s *oauth.Settings) { s.Provider = "myspace" }, oauth.FieldProvider, "Please select an OAuth provider"},
		{"ClientIDEmpty", func(s *oauth.Settings) { s.ClientID = "" }, oauth.FieldClientID, "Client ID is required"},
		{"ClientIDInvalid", func(s *oauth.Settings) { s.ClientID = "abc/def" }, oauth.FieldClientID, "Client ID format is invalid"},
		{"ClientIDTooLong", func(s *oauth.Settings) { s.ClientID = strings.Repeat("a", 501) }, oauth.FieldClientID, "Client ID format is invalid"},
		{"ClientSecretEmpty", func(s *oauth.Settings) { s.ClientSecret = "" }, oauth.FieldClientSecret, "Client secret is required"},
		{"ClientSecretTooLong", func(s *oauth.Settings) { s.ClientSecret = strings.Repeat("s", 501) }, oauth.FieldClientSecret, oauth.MsgClientSecretTooLong},
		{"ScopesEmpty", func(s *oauth.Settings) { s.Scopes = nil }, oauth.FieldScopes, "Please select at least one permission scope"},
		{"ScopesBlank", func(s *oauth.Settings) { s.Scopes = []string{""} }, oauth.FieldScopes, "Please select at least one permission scope"},
		{"TenantInvalid", func(s *oauth.Settings) { s.Provider, s.Tenant = oauth.ProviderMicrosoft, "a/b" }, oauth.FieldTenant, oauth.MsgTenantInvalid},
		{"CustomNeedsAuthURL", func(s *oauth.Settings) { s.Provider, s.TokenURL = oauth.ProviderCustom, "https://id.example.com/token" }, oauth.FieldAuthURL, oauth.MsgAuthURLRequired},
		{"CustomHTTPRefused", func(s *oauth.Settings) {
			s.Provider, s.AuthURL, s.TokenURL = oauth.ProviderCustom, "http://id.example.com/auth", "https://id.example.com/token"
		}, oauth.FieldAuthURL, oauth.MsgAuthURLInvalid},
		{"CustomAuthStyle", func(s *oauth.Settings) {
			s.Provider, s.IssuerURL, s.AuthStyle = oauth.ProviderCustom, "https://id.example.com", "auto"
		}, oauth.FieldAuthStyle, oauth.MsgAuthStyleInvalid},
		{"OfflineScopeInvalid", func(s *oauth.Settings) {
			s.Provider, s.IssuerURL, s.OfflineScope = oauth.ProviderCustom, "https://id.example.com", "offline access"
		}, oauth.FieldOfflineScope, oauth.MsgOfflineScopeInvalid},
		{"OfflineScopeBuiltIn", func(s *oauth.Settings) { s.OfflineScope = "offline_access" }, oauth.FieldOfflineScope, oauth.MsgOfflineScopeCustom},
		{"AuthParamReserved", func(s *oauth.Settings) { s.AuthParams = map[string]string{"Redirect_URI": "https://evil.example"} },
			oauth.FieldAuthParams, oauth.MsgAuthParamsInvalid},
		{"AuthParamName", func(s *oauth.Settings) { s.AuthParams = map[string]string{"a b": "c"} }, oauth.FieldAuthParams, oauth.MsgAuthParamsInvalid},
		{"AuthParamControl", func(s *oauth.Settings) { s.AuthParams = map[string]string{"audience": "a\nb"} }, oauth.FieldAuthParams, oauth.MsgAuthParamsInvalid},
		{"AuthParamLong", func(s *oauth.Settings) { s.AuthParams = map[string]string{"audience": strings.Repeat("a", 201)} },
			oauth.FieldAuthParams, oauth.MsgAuthParamsInvalid},
		{"AuthParamsTooMany", func(s *oauth.Settings) {
			s.AuthParams = map[string]string{}
			for i := range oauth.MaxAuthParams + 1 {
				s.AuthParams[fmt.Sprintf("p%d", i)] = "v"
			}
		}, oauth.FieldAuthParams, oauth.MsgAuthParamsInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := validSettings()
			tt.edit(&s)
			var ve *oauth.ValidationError
			require.ErrorAs(t, s.Validate(), &ve)
			require.Equal(t, map[string]string{tt.field: tt.msg}, ve.Fields)
		})
	}
	t.Run("Valid", func(t *testing.T) {
		t.Parallel()
		s := validSettings()
		require.NoError(t, s.Validate())
		s = oauth.Settings{Provider: oauth.ProviderCustom, ClientID: "c", ClientSecret: "s", Scopes: []string{"read"},
			AuthURL: "http://127.0.0.1:8080/auth", TokenURL: "http://localhost/token"}
		require.NoError(t, s.Validate(), "http only for loopback")
		s.OfflineScope, s.AuthParams = "offline_access", map[string]string{"token_access_type": "offline"}
		require.NoError(t, s.Validate())
		s.OfflineScope = oauth.OfflineScopeNone
		require.NoError(t, s.Validate())
	})
}

func TestProviderTable(t *testing.T) {
	t.Parallel()
	want := []string{"google", "microsoft", "zoom", "salesforce", "linkedin", "custom"}
	var got []string
	for _, p := range oauth.Providers() {
		got = append(got, p.Key)
		require.NotEmpty(t, p.Name)
		require.NotZero(t, p.AuthStyle, "%s: explicit auth style", p.Key)
	}
	require.Equal(t, want, got)
	g, ok := oauth.ProviderByKey("google")
	require.True(t, ok)
	var scopes []string
	for _, s := range g.Scopes {
		scopes = append(scopes, s.Value)
	}
	require.Equal(t, []string{
		"https://www.googleapis.com/auth/calendar", "https://www.googleapis.com/auth/calendar.events",
		"https://www.googleapis.com/auth/gmail.send", "https://www.googleapis.com/auth/drive.readonly",
	}, scopes)
	require.Equal(t, "Please reconnect your Google account", (&oauth.ReconnectError{Provider: g.Name}).Error())
}
