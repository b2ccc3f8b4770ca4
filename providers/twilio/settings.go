package twilio

import (
	"net/url"
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/sms"
)

// DefaultBaseURL is Twilio's REST API.
const DefaultBaseURL = "https://api.twilio.com"

// The settings keys.
const (
	// FieldAccountSID is the account SID, AC followed by 32 hexadecimal
	// characters (required).
	FieldAccountSID = "accountSid"
	// FieldAuthToken is the account's auth token (required, secret): the
	// password of HTTP Basic auth and the key of webhook signatures.
	FieldAuthToken = "authToken"
	// FieldFromNumber is the sending phone number, E.164 (required).
	FieldFromNumber = "fromNumber"
	// FieldMessagingServiceSID sends through a Messaging Service, MG
	// followed by 32 hexadecimal characters (optional).
	FieldMessagingServiceSID = "messagingServiceSid"
	// FieldStatusCallbackURL is the host's public URL where Twilio posts
	// delivery status callbacks (optional; without it no callbacks are
	// asked for and HandleWebhook cannot verify one). It is the URL the
	// signature covers, so it must be exactly the URL Twilio calls.
	FieldStatusCallbackURL = "statusCallbackUrl"
	// FieldBaseURL overrides [DefaultBaseURL] (optional).
	FieldBaseURL = "baseUrl"
)

// The settings' validation messages.
const (
	msgSIDEmpty       = "Account SID is required"
	msgSIDInvalid     = "Account SID must be AC followed by 32 hexadecimal characters"
	msgTokenEmpty     = "Auth token is required"
	msgFromEmpty      = "From phone number is required"
	msgFromInvalid    = "Please enter a phone number in E.164 format, such as +15551234567"
	msgServiceInvalid = "Messaging Service SID must be MG followed by 32 hexadecimal characters"
	msgCallbackURL    = "Please enter a valid URL"
	msgBaseURL        = "Please enter a valid https URL"
)

func fields() []providers.Field {
	return []providers.Field{
		{Name: FieldAccountSID, Label: "Account SID", Type: providers.FieldText, Required: true, MaxLength: 34,
			Placeholder: "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", Pattern: `AC[0-9a-fA-F]{32}`,
			Messages: providers.FieldMessages{Empty: msgSIDEmpty, Invalid: msgSIDInvalid, TooLong: msgSIDInvalid}},
		{Name: FieldAuthToken, Label: "Auth Token", Type: providers.FieldPassword, Required: true, Secret: true,
			MaxLength: 500, Messages: providers.FieldMessages{Empty: msgTokenEmpty, TooLong: "Auth token is too long"}},
		{Name: FieldFromNumber, Label: "From Phone Number", Type: providers.FieldText, Required: true, MaxLength: 16,
			Placeholder: "+15551234567", Pattern: `\+[1-9][0-9]{1,14}`,
			Messages: providers.FieldMessages{Empty: msgFromEmpty, Invalid: msgFromInvalid, TooLong: msgFromInvalid}},
		{Name: FieldMessagingServiceSID, Label: "Messaging Service SID", Type: providers.FieldText, MaxLength: 34,
			Pattern: `MG[0-9a-fA-F]{32}`, Messages: providers.FieldMessages{Invalid: msgServiceInvalid, TooLong: msgServiceInvalid}},
		{Name: FieldStatusCallbackURL, Label: "Status Callback URL", Type: providers.FieldURL, MaxLength: 500,
			Placeholder: "https://app.example.com/integrations/sms/webhook",
			Messages:    providers.FieldMessages{Invalid: msgCallbackURL, TooLong: msgCallbackURL}},
		{Name: FieldBaseURL, Label: "API Base URL", Type: providers.FieldURL, Default: DefaultBaseURL,
			Placeholder: DefaultBaseURL, MaxLength: 500, Messages: providers.FieldMessages{Invalid: msgBaseURL, TooLong: msgBaseURL}},
	}
}

// settings are parsed, valid settings.
type settings struct {
	sid, token, from, service, callback string
	base                                *url.URL
}

// parseSettings validates s and returns its values, or a
// *providers.ValidationError.
func parseSettings(s providers.Settings) (*settings, error) {
	if err := providers.ValidateSettings(fields(), s); err != nil {
		return nil, err
	}
	baseText := strings.TrimSpace(s[FieldBaseURL])
	if baseText == "" {
		baseText = DefaultBaseURL
	}
	base, ok := httpapi.ParseSecureURL(baseText)
	if !ok {
		return nil, &providers.ValidationError{Fields: []providers.FieldError{{Field: FieldBaseURL, Message: msgBaseURL}}}
	}
	st := &settings{sid: s[FieldAccountSID], token: s[FieldAuthToken], from: s[FieldFromNumber],
		service: s[FieldMessagingServiceSID], callback: strings.TrimSpace(s[FieldStatusCallbackURL]), base: base}
	if !sms.ValidPhone(st.from) {
		return nil, &providers.ValidationError{Fields: []providers.FieldError{{Field: FieldFromNumber, Message: msgFromInvalid}}}
	}
	return st, nil
}

// accountURL is the account's resource URL, suffix appended.
func (st *settings) accountURL(suffix string) string {
	return st.base.String() + "/2010-04-01/Accounts/" + url.PathEscape(st.sid) + suffix
}
