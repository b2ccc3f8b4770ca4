package zoom

import (
	"net/url"
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// DefaultBaseURL is Zoom's API host; the API version is in each path (/v2).
const DefaultBaseURL = "https://api.zoom.us"

// DefaultUser is the connected account.
const DefaultUser = "me"

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
	msgWaitingRoom = "Please choose on or off"
)

func fields() []providers.Field {
	return []providers.Field{
		{Name: FieldUserID, Label: "Zoom User", Type: providers.FieldText, Required: true, MaxLength: 128,
			Default: DefaultUser, Placeholder: "me or recruiter@company.com", Pattern: `me|[^\s@/]+@[^\s@/]+|[A-Za-z0-9_-]{6,64}`,
			Messages: providers.FieldMessages{Empty: msgUserEmpty, Invalid: msgUserInvalid, TooLong: msgUserInvalid}},
		httpapi.TimeZoneField(FieldTimeZone),
		{Name: FieldWaitingRoom, Label: "Waiting Room", Type: providers.FieldRadio, Default: WaitingRoomOn,
			Options: []string{WaitingRoomOn, WaitingRoomOff}, Messages: providers.FieldMessages{Invalid: msgWaitingRoom}},
		httpapi.BaseURLField(FieldBaseURL, "API Base URL", DefaultBaseURL),
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
	st := &settings{userID: strings.TrimSpace(s[FieldUserID]),
		waitingRoom: httpapi.Or(s[FieldWaitingRoom], WaitingRoomOn) == WaitingRoomOn}
	var err error
	if st.timeZone, err = httpapi.ParseTimeZone(s, FieldTimeZone); err != nil {
		return nil, err
	}
	st.base, err = httpapi.ParseBaseURL(s, FieldBaseURL, DefaultBaseURL)
	return st, err
}

// apiURL is the URL of an API path under /v2.
func (st *settings) apiURL(path string) string {
	return st.base.String() + "/v2" + path
}
