package workday

import (
	"net/url"
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// APIPath is the path of the REST API's common service, version 1, under
// which a tenant's resources are: https://{host}/ccx/api/v1/{tenant}.
const APIPath = "/ccx/api/v1/"

// The settings keys. The API client (client ID, secret, refresh token) is
// the oauth package's connection (Custom OAuth 2.0, with the tenant's
// endpoints https://{host}/ccx/oauth2/{tenant}/authorize and /token), not
// a field here; the access token arrives with each call under
// [providers.SettingAccessToken].
const (
	// FieldHost is the host of the tenant's REST API endpoint, as Workday's
	// View API Clients task shows it: wd2-impl-services1.workday.com
	// (required).
	FieldHost = "host"
	// FieldTenant is the tenant's name, the last segment of that endpoint
	// (required).
	FieldTenant = "tenant"
	// FieldBaseURL overrides https://{host} (optional; a proxy, or a test
	// server).
	FieldBaseURL = "baseUrl"
)

// The settings' validation messages.
const (
	msgHostEmpty     = "Workday host is required"
	msgHostInvalid   = "Please enter a valid hostname or IP address"
	msgTenantEmpty   = "Workday tenant is required"
	msgTenantInvalid = "Workday tenant must be letters, digits, _ or -"
)

func fields() []providers.Field {
	return []providers.Field{
		{Name: FieldHost, Label: "Workday REST API Host", Type: providers.FieldHost, Required: true, MaxLength: 253,
			Placeholder: "wd2-impl-services1.workday.com",
			Messages:    providers.FieldMessages{Empty: msgHostEmpty, Invalid: msgHostInvalid, TooLong: msgHostInvalid}},
		{Name: FieldTenant, Label: "Workday Tenant", Type: providers.FieldText, Required: true, MaxLength: 64,
			Placeholder: "acme", Pattern: `[A-Za-z0-9_-]+`,
			Messages: providers.FieldMessages{Empty: msgTenantEmpty, Invalid: msgTenantInvalid, TooLong: msgTenantInvalid}},
		{Name: FieldBaseURL, Label: "API Base URL", Type: providers.FieldURL, MaxLength: 500,
			Placeholder: "https://wd2-impl-services1.workday.com",
			Messages:    providers.FieldMessages{Invalid: httpapi.MsgBaseURL, TooLong: httpapi.MsgBaseURL}},
	}
}

// settings are parsed, valid settings.
type settings struct {
	tenant string
	base   *url.URL
}

// parseSettings validates s and returns its values, or a
// *providers.ValidationError.
func parseSettings(s providers.Settings) (*settings, error) {
	if err := providers.ValidateSettings(fields(), s); err != nil {
		return nil, err
	}
	base, err := httpapi.ParseBaseURL(s, FieldBaseURL, "https://"+strings.TrimSpace(s[FieldHost]))
	if err != nil {
		return nil, err
	}
	return &settings{tenant: strings.TrimSpace(s[FieldTenant]), base: base}, nil
}

// apiURL is the URL of a path under the tenant's API with query q.
func (st *settings) apiURL(path string, q url.Values) string {
	u := st.base.String() + APIPath + url.PathEscape(st.tenant) + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}
