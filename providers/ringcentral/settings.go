package ringcentral

import (
	"net/url"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/sms"
)

// DefaultBaseURL is RingCentral's platform; the API is under
// /restapi/v1.0.
const DefaultBaseURL = "https://platform.ringcentral.com"

// The settings keys. The OAuth app (client ID, secret) is the oauth
// package's connection, not a field here; the access token arrives with
// each call under [providers.SettingAccessToken].
const (
	// FieldPhoneNumber is the connected extension's number, E.164: the
	// sender of text messages and the caller ID of calls (required).
	FieldPhoneNumber = "phoneNumber"
	// FieldRingOutFrom is the phone RingOut rings first, E.164, such as
	// the recruiter's desk or mobile (optional: a call may name its own).
	FieldRingOutFrom = "ringOutFrom"
	// FieldBaseURL overrides [DefaultBaseURL] (optional): the sandbox,
	// https://platform.devtest.ringcentral.com.
	FieldBaseURL = "baseUrl"
)

// The settings' validation messages.
const (
	msgPhoneEmpty   = "Phone number is required"
	msgPhoneInvalid = "Please enter a phone number in E.164 format, such as +15551234567"
)

func fields() []providers.Field {
	phone := providers.FieldMessages{Invalid: msgPhoneInvalid, TooLong: msgPhoneInvalid}
	required := phone
	required.Empty = msgPhoneEmpty
	return []providers.Field{
		{Name: FieldPhoneNumber, Label: "Phone Number", Type: providers.FieldText, Required: true, MaxLength: 16,
			Placeholder: "+15551234567", Pattern: `\+[1-9][0-9]{1,14}`, Messages: required},
		{Name: FieldRingOutFrom, Label: "RingOut From", Type: providers.FieldText, MaxLength: 16,
			Placeholder: "+15557654321", Pattern: `\+[1-9][0-9]{1,14}`, Messages: phone},
		httpapi.BaseURLField(FieldBaseURL, "API Base URL", DefaultBaseURL),
	}
}

// settings are parsed, valid settings.
type settings struct {
	phone, ringOutFrom string
	base               *url.URL
}

// parseSettings validates s and returns its values, or a
// *providers.ValidationError.
func parseSettings(s providers.Settings) (*settings, error) {
	if err := providers.ValidateSettings(fields(), s); err != nil {
		return nil, err
	}
	st := &settings{phone: s[FieldPhoneNumber], ringOutFrom: s[FieldRingOutFrom]}
	if !sms.ValidPhone(st.phone) {
		return nil, httpapi.InvalidField(FieldPhoneNumber, msgPhoneInvalid)
	}
	var err error
	st.base, err = httpapi.ParseBaseURL(s, FieldBaseURL, DefaultBaseURL)
	return st, err
}

// extensionURL is the URL of the connected extension's resource suffix
// (account and extension "~": the token's own).
func (st *settings) extensionURL(suffix string) string {
	return st.base.String() + "/restapi/v1.0/account/~/extension/~" + suffix
}
