package oidc_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/oidc"
)

var okta = providers.Settings{oidc.FieldPreset: oidc.PresetOkta, oidc.FieldDomain: "dev-123456.okta.com",
	oidc.FieldClientID: "0oa1b2c3d4e5f6g7h8i9", oidc.FieldClientSecret: "s3cret"}

// TestValidate checks the form's rules and messages: §17's for the client
// ID and secret, and the preset's conditional fields.
func TestValidate(t *testing.T) {
	t.Parallel()
	auth0 := with(okta, oidc.FieldPreset, oidc.PresetAuth0, oidc.FieldDomain, "acme.us.auth0.com")
	custom := with(okta, oidc.FieldPreset, oidc.PresetCustom, oidc.FieldDomain, "", oidc.FieldIssuerURL, "https://sso.example.com/realms/staff")
	testkit.Validate(t, oidc.New(nil), []testkit.ValidateCase{
		{"Okta", okta, "", ""},
		{"Okta org server", with(okta, oidc.FieldAuthServer, oidc.OktaOrgServer), "", ""},
		{"Auth0", auth0, "", ""},
		{"Custom", custom, "", ""},
		{"Custom on a loopback test server", with(custom, oidc.FieldIssuerURL, "http://127.0.0.1:8080"), "", ""},
		{"everything set", with(okta, oidc.FieldScopes, "openid,email groups", oidc.FieldAllowedDomains, "example.com, example.org",
			oidc.FieldAllowedGroups, "Recruiters, Staffing Admins", oidc.FieldGroupsClaim, "https://intime.example/groups",
			oidc.FieldTokenAuthMethod, oidc.AuthMethodPost), "", ""},
		{"no provider", with(okta, oidc.FieldPreset, ""), oidc.FieldPreset, "Please select an SSO provider"},
		{"unknown provider", with(okta, oidc.FieldPreset, "Keycloak"), oidc.FieldPreset, "Please select Okta, Auth0 or Custom OpenID Connect"},
		{"Okta without domain", with(okta, oidc.FieldDomain, ""), oidc.FieldDomain, "Domain is required"},
		{"Auth0 without domain", with(auth0, oidc.FieldDomain, " "), oidc.FieldDomain, "Domain is required"},
		{"domain as a URL", with(okta, oidc.FieldDomain, "https://dev-123456.okta.com"), oidc.FieldDomain,
			"Please enter a domain only, such as dev-123456.okta.com or acme.us.auth0.com"},
		{"domain as an IP", with(okta, oidc.FieldDomain, "10.0.0.1"), oidc.FieldDomain,
			"Please enter a domain only, such as dev-123456.okta.com or acme.us.auth0.com"},
		{"domain of one label", with(auth0, oidc.FieldDomain, "acme"), oidc.FieldDomain,
			"Please enter a domain only, such as dev-123456.okta.com or acme.us.auth0.com"},
		{"auth server with a slash", with(okta, oidc.FieldAuthServer, "default/v1"), oidc.FieldAuthServer, "Authorization server ID format is invalid"},
		{"Custom without issuer", with(custom, oidc.FieldIssuerURL, ""), oidc.FieldIssuerURL, "Issuer URL is required"},
		{"Custom issuer over http", with(custom, oidc.FieldIssuerURL, "http://sso.example.com"), oidc.FieldIssuerURL, "Issuer URL must be an HTTPS URL"},
		{"Custom issuer with a query", with(custom, oidc.FieldIssuerURL, "https://sso.example.com/?tenant=1"), oidc.FieldIssuerURL, "Issuer URL must be an HTTPS URL"},
		{"Custom issuer with a fragment", with(custom, oidc.FieldIssuerURL, "https://sso.example.com/#x"), oidc.FieldIssuerURL, "Issuer URL must be an HTTPS URL"},
		{"Custom issuer not a URL", with(custom, oidc.FieldIssuerURL, "sso.example.com"), oidc.FieldIssuerURL, "Issuer URL must be an HTTPS URL"},
		{"no client ID", with(okta, oidc.FieldClientID, ""), oidc.FieldClientID, "Client ID is required"},
		{"client ID with a slash", with(okta, oidc.FieldClientID, "abc/def"), oidc.FieldClientID, "Client ID format is invalid"},
		{"client ID too long", with(okta, oidc.FieldClientID, strings.Repeat("a", 501)), oidc.FieldClientID, "Client ID format is invalid"},
		{"no client secret", with(okta, oidc.FieldClientSecret, ""), oidc.FieldClientSecret, "Client secret is required"},
		{"client secret too long", with(okta, oidc.FieldClientSecret, strings.Repeat("s", 501)), oidc.FieldClientSecret,
			"Client secret must be at most 500 characters"},
		{"scope with a quote", with(okta, oidc.FieldScopes, `openid "email"`), oidc.FieldScopes, "Permission scope format is invalid"},
		{"allowed domain not a domain", with(okta, oidc.FieldAllowedDomains, "example.com, @example.org"), oidc.FieldAllowedDomains,
			"Allowed email domains must be domain names separated by commas"},
		{"allowed group with a control character", with(okta, oidc.FieldAllowedGroups, "Admins\x00"), oidc.FieldAllowedGroups,
			"Allowed groups must be group names separated by commas"},
		{"groups claim with a space", with(okta, oidc.FieldGroupsClaim, "my groups"), oidc.FieldGroupsClaim, "Groups claim name format is invalid"},
		{"unknown auth method", with(okta, oidc.FieldTokenAuthMethod, "private_key_jwt"), oidc.FieldTokenAuthMethod,
			"Token authentication must be client_secret_basic or client_secret_post"},
	})
}

// TestValidateAllMessages: an empty Okta form gets every missing field's
// message at once, in the form's order.
func TestValidateAllMessages(t *testing.T) {
	t.Parallel()
	err := oidc.New(nil).Validate(t.Context(), providers.Settings{oidc.FieldPreset: oidc.PresetOkta})
	var ve *providers.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, []providers.FieldError{
		{Field: oidc.FieldDomain, Message: "Domain is required"},
		{Field: oidc.FieldClientID, Message: "Client ID is required"},
		{Field: oidc.FieldClientSecret, Message: "Client secret is required"},
	}, ve.Fields)
}
