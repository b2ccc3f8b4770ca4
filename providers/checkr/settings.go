package checkr

import (
	"net/url"
	"strings"

	"github.com/intimeos/integrations/providers"
)

// DefaultBaseURL is Checkr's API, version 1.
const DefaultBaseURL = "https://api.checkr.com/v1"

// The settings keys.
const (
	// FieldAPIKey is the secret API key (required).
	FieldAPIKey = "apiKey"
	// FieldBaseURL overrides [DefaultBaseURL] (optional).
	FieldBaseURL = "baseUrl"
)

// The settings' validation messages.
const (
	msgAPIKeyEmpty  = "API Key is required"
	msgBaseURLValid = "Please enter a valid https URL"
)

func fields() []providers.Field {
	return []providers.Field{
		{Name: FieldAPIKey, Label: "API Key", Type: providers.FieldPassword, Required: true, Secret: true,
			MaxLength: 200, Messages: providers.FieldMessages{Empty: msgAPIKeyEmpty, TooLong: "API Key is too long"}},
		// https, or http to a loopback test server: the API key must not
		// cross a network in clear text.
		{Name: FieldBaseURL, Label: "API Base URL", Type: providers.FieldURL, Default: DefaultBaseURL,
			Schemes: []string{"https"}, LoopbackHTTP: true,
			Placeholder: DefaultBaseURL, MaxLength: 500, Messages: providers.FieldMessages{Invalid: msgBaseURLValid}},
	}
}

// settings are parsed, valid settings.
type settings struct {
	apiKey string
	// base is the API base URL without a trailing slash.
	base string
}

// parseSettings validates s and returns its values, or a
// *providers.ValidationError.
func parseSettings(s providers.Settings) (*settings, error) {
	if err := providers.ValidateSettings(fields(), s); err != nil {
		return nil, err
	}
	base := strings.TrimSpace(s.WithDefaults(fields())[FieldBaseURL])
	if u, err := url.Parse(base); err != nil || u.User != nil {
		// Credentials belong in the API key, not in a URL that gets logged.
		return nil, &providers.ValidationError{Fields: []providers.FieldError{{Field: FieldBaseURL, Message: msgBaseURLValid}}}
	}
	return &settings{apiKey: s[FieldAPIKey], base: strings.TrimRight(base, "/")}, nil
}
