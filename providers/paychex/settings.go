package paychex

import (
	"net/url"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// The default endpoints.
const (
	// DefaultBaseURL is Paychex's API.
	DefaultBaseURL = "https://api.paychex.com"
	// DefaultTokenURL is Paychex's OAuth 2.0 token endpoint.
	DefaultTokenURL = "https://api.paychex.com/auth/oauth/v2/token"
)

// The settings keys.
const (
	// FieldClientID is the API client's ID (required).
	FieldClientID = "clientId"
	// FieldClientSecret is the API client's secret (required, secret).
	FieldClientSecret = "clientSecret"
	// FieldCompanyID is the Paychex companyId used when an operation names
	// none (optional).
	FieldCompanyID = "companyId"
	// FieldBaseURL overrides [DefaultBaseURL] (optional).
	FieldBaseURL = "baseUrl"
	// FieldTokenURL overrides [DefaultTokenURL] (optional).
	FieldTokenURL = "tokenUrl"
)

// The settings' validation messages.
const (
	msgClientIDEmpty     = "Client ID is required"
	msgClientSecretEmpty = "Client Secret is required"
	msgCompanyID         = "Please enter the Paychex company ID (letters and digits)"
	msgURL               = "Please enter a valid https URL"
)

func fields() []providers.Field {
	return []providers.Field{
		{Name: FieldClientID, Label: "Client ID", Type: providers.FieldText, Required: true, MaxLength: 200,
			Messages: providers.FieldMessages{Empty: msgClientIDEmpty}},
		{Name: FieldClientSecret, Label: "Client Secret", Type: providers.FieldPassword, Required: true, Secret: true,
			MaxLength: 500, Messages: providers.FieldMessages{Empty: msgClientSecretEmpty}},
		{Name: FieldCompanyID, Label: "Company ID", Type: providers.FieldText, MaxLength: 64, Pattern: `[A-Za-z0-9]+`,
			Placeholder: "00H2A1IUJ5JSZ6FW9OX2", Messages: providers.FieldMessages{Invalid: msgCompanyID, TooLong: msgCompanyID}},
		{Name: FieldBaseURL, Label: "API Base URL", Type: providers.FieldURL, Default: DefaultBaseURL,
			Placeholder: DefaultBaseURL, MaxLength: 500, Messages: providers.FieldMessages{Invalid: msgURL, TooLong: msgURL}},
		{Name: FieldTokenURL, Label: "Token URL", Type: providers.FieldURL, Default: DefaultTokenURL,
			Placeholder: DefaultTokenURL, MaxLength: 500, Messages: providers.FieldMessages{Invalid: msgURL, TooLong: msgURL}},
	}
}

// settings are parsed, valid settings.
type settings struct {
	clientID, secret, company string
	base                      *url.URL
	oauth                     *clientcredentials.Config
}

// parseSettings validates s and returns its values, or a
// *providers.ValidationError.
func parseSettings(s providers.Settings) (*settings, error) {
	if err := providers.ValidateSettings(fields(), s); err != nil {
		return nil, err
	}
	var ve providers.ValidationError
	parse := func(field, def string) *url.URL {
		v := strings.TrimSpace(s[field])
		if v == "" {
			v = def
		}
		u, ok := httpapi.ParseSecureURL(v)
		if !ok {
			ve.Fields = append(ve.Fields, providers.FieldError{Field: field, Message: msgURL})
		}
		return u
	}
	st := &settings{clientID: s[FieldClientID], secret: s[FieldClientSecret], company: strings.TrimSpace(s[FieldCompanyID]),
		base: parse(FieldBaseURL, DefaultBaseURL)}
	token := parse(FieldTokenURL, DefaultTokenURL)
	if len(ve.Fields) > 0 {
		return nil, &ve
	}
	// Paychex takes the client credentials in the form body.
	st.oauth = &clientcredentials.Config{ClientID: st.clientID, ClientSecret: st.secret, TokenURL: token.String(),
		AuthStyle: oauth2.AuthStyleInParams}
	return st, nil
}
