package bamboohr

import (
	"net/url"
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// DefaultBaseURL is BambooHR's API host.
const DefaultBaseURL = "https://api.bamboohr.com"

// The settings keys.
const (
	// FieldCompanyDomain is the company's subdomain: "acme" for
	// acme.bamboohr.com (required).
	FieldCompanyDomain = "companyDomain"
	// FieldAPIKey is an API key (required, secret), sent as the user name
	// of HTTP Basic auth with "x" as the password.
	FieldAPIKey = "apiKey"
	// FieldBaseURL overrides [DefaultBaseURL] (optional).
	FieldBaseURL = "baseUrl"
)

// The settings' validation messages.
const (
	msgDomainEmpty   = "Company domain is required"
	msgDomainInvalid = "Please enter your BambooHR company domain, the part before .bamboohr.com"
	msgKeyEmpty      = "API key is required"
	msgBaseURL       = "Please enter a valid https URL"
)

func fields() []providers.Field {
	return []providers.Field{
		{Name: FieldCompanyDomain, Label: "Company Domain", Type: providers.FieldText, Required: true, MaxLength: 63,
			Placeholder: "acme", Pattern: `[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?`,
			Messages: providers.FieldMessages{Empty: msgDomainEmpty, Invalid: msgDomainInvalid, TooLong: msgDomainInvalid}},
		{Name: FieldAPIKey, Label: "API Key", Type: providers.FieldPassword, Required: true, Secret: true, MaxLength: 200,
			Messages: providers.FieldMessages{Empty: msgKeyEmpty, TooLong: "API key is too long"}},
		{Name: FieldBaseURL, Label: "API Base URL", Type: providers.FieldURL, Default: DefaultBaseURL,
			Placeholder: DefaultBaseURL, MaxLength: 500, Messages: providers.FieldMessages{Invalid: msgBaseURL, TooLong: msgBaseURL}},
	}
}

// settings are parsed, valid settings.
type settings struct {
	company, key string
	base         *url.URL
}

// parseSettings validates s and returns its values, or a
// *providers.ValidationError.
func parseSettings(s providers.Settings) (*settings, error) {
	if err := providers.ValidateSettings(fields(), s); err != nil {
		return nil, err
	}
	base := strings.TrimSpace(s[FieldBaseURL])
	if base == "" {
		base = DefaultBaseURL
	}
	u, ok := httpapi.ParseSecureURL(base)
	if !ok {
		return nil, &providers.ValidationError{Fields: []providers.FieldError{{Field: FieldBaseURL, Message: msgBaseURL}}}
	}
	return &settings{company: strings.ToLower(s[FieldCompanyDomain]), key: s[FieldAPIKey], base: u}, nil
}

// url is the API URL of path (under /v1) with query q.
func (st *settings) url(path string, q url.Values) string {
	u := st.base.String() + "/api/gateway.php/" + url.PathEscape(st.company) + "/v1" + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}
