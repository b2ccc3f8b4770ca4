package zoom

import (
	"net/url"
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/calendar"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// DefaultBaseURL is Zoom's API host; the API version is in each path (/v2).
const DefaultBaseURL = "https://api.zoom.us"

// DefaultUser is the connected account.
const DefaultUser = "me"

// DefaultTimeZone is the time zone of meetings that name none.
const DefaultTimeZone = "UTC"

// The waiting room choices of [FieldWaitingRoom].
const (
	WaitingRoomOn  = "on"
	WaitingRoomOff = "off"
)

// The settings keys. The OAuth app (client ID, secret, scopes) is the oauth
// package's connection, not a field here; the access token arrives with
// each call under [providers.SettingAccessToken].
const (
	// FieldUserID is the Zoom user who hosts the meetings: "me" (the
	// connected account), or a user's email address or ID, which an admin
	// account may schedule for (required, "me" in the form).
	FieldUserID = "userId"
	// FieldTimeZone is the IANA time zone of meetings that name none
	// (optional, default UTC).
	FieldTimeZone = "timeZone"
	// FieldWaitingRoom holds participants in a waiting room until the host
	// admits them: on or off (optional, default on).
	FieldWaitingRoom = "waitingRoom"
	// FieldBaseURL overrides [DefaultBaseURL] (optional).
	FieldBaseURL = "baseUrl"
)

// The settings' validation messages.
const (
	msgUserEmpty   = "Zoom user is required"
	msgUserInvalid = "Zoom user must be me, an email address or a user ID"
	msgTimeZone    = "Please enter an IANA time zone such as America/New_York"
	msgWaitingRoom = "Please choose on or off"
	msgBaseURL     = "Please enter a valid https URL"
)

func fields() []providers.Field {
	return []providers.Field{
		{Name: FieldUserID, Label: "Zoom User", Type: providers.FieldText, Required: true, MaxLength: 128,
			Default: DefaultUser, Placeholder: "me or recruiter@company.com", Pattern: `me|[^\s@/]+@[^\s@/]+|[A-Za-z0-9_-]{6,64}`,
			Messages: providers.FieldMessages{Empty: msgUserEmpty, Invalid: msgUserInvalid, TooLong: msgUserInvalid}},
		{Name: FieldTimeZone, Label: "Time Zone", Type: providers.FieldText, Default: DefaultTimeZone, MaxLength: 64,
			Placeholder: "America/New_York", Messages: providers.FieldMessages{Invalid: msgTimeZone, TooLong: msgTimeZone}},
		{Name: FieldWaitingRoom, Label: "Waiting Room", Type: providers.FieldRadio, Default: WaitingRoomOn,
			Options: []string{WaitingRoomOn, WaitingRoomOff}, Messages: providers.FieldMessages{Invalid: msgWaitingRoom}},
		{Name: FieldBaseURL, Label: "API Base URL", Type: providers.FieldURL, Default: DefaultBaseURL,
			Placeholder: DefaultBaseURL, MaxLength: 500, Messages: providers.FieldMessages{Invalid: msgBaseURL, TooLong: msgBaseURL}},
	}
}

// settings are parsed, valid settings.
type settings struct {
	userID, timeZone string
	waitingRoom      bool
	base             *url.URL
}

// parseSettings validates s and returns its values, or a
// *providers.ValidationError.
func parseSettings(s providers.Settings) (*settings, error) {
	if err := providers.ValidateSettings(fields(), s); err != nil {
		return nil, err
	}
	st := &settings{userID: strings.TrimSpace(s[FieldUserID]), timeZone: or(s[FieldTimeZone], DefaultTimeZone),
		waitingRoom: or(s[FieldWaitingRoom], WaitingRoomOn) == WaitingRoomOn}
	if !calendar.ValidTimeZone(st.timeZone) {
		return nil, invalidField(FieldTimeZone, msgTimeZone)
	}
	base, ok := httpapi.ParseSecureURL(or(s[FieldBaseURL], DefaultBaseURL))
	if !ok {
		return nil, invalidField(FieldBaseURL, msgBaseURL)
	}
	st.base = base
	return st, nil
}

func invalidField(name, msg string) error {
	return &providers.ValidationError{Fields: []providers.FieldError{{Field: name, Message: msg}}}
}

func or(v, def string) string {
	if v = strings.TrimSpace(v); v != "" {
		return v
	}
	return def
}

// apiURL is the URL of an API path under /v2.
func (st *settings) apiURL(path string) string {
	return st.base.String() + "/v2" + path
}
