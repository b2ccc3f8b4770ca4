package google

import (
	"net/url"
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/calendar"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// DefaultBaseURL is Google's API host; the Calendar API is under
// /calendar/v3.
const DefaultBaseURL = "https://www.googleapis.com"

// DefaultCalendarID is the connected account's own calendar.
const DefaultCalendarID = "primary"

// The settings keys. The OAuth client (client ID, secret, scopes) is the
// oauth package's connection, not a field here; the access token arrives
// with each call under [providers.SettingAccessToken].
const (
	// FieldCalendarID is the calendar events are created in: "primary"
	// (the connected account's) or a calendar's ID, which is an email
	// address such as recruiting@company.com or
	// c_123@group.calendar.google.com (required, "primary" in the form).
	FieldCalendarID = "calendarId"
	// FieldTimeZone is the IANA time zone of events that name none
	// (optional, default UTC).
	FieldTimeZone = "timeZone"
	// FieldSendUpdates says who Google emails about new, changed and
	// cancelled events: all, externalOnly or none (optional, default all).
	FieldSendUpdates = "sendUpdates"
	// FieldBaseURL overrides [DefaultBaseURL] (optional).
	FieldBaseURL = "baseUrl"
)

// The settings' validation messages.
const (
	msgCalendarEmpty   = "Calendar ID is required"
	msgCalendarInvalid = "Calendar ID must be primary or a calendar's email address"
	msgSendUpdates     = "Please select who is notified: all, externalOnly or none"
)

func fields() []providers.Field {
	return []providers.Field{
		{Name: FieldCalendarID, Label: "Calendar ID", Type: providers.FieldText, Required: true, MaxLength: 254,
			Default: DefaultCalendarID, Placeholder: "primary or recruiting@company.com", Pattern: `primary|[^\s@/]+@[^\s@/]+`,
			Messages: providers.FieldMessages{Empty: msgCalendarEmpty, Invalid: msgCalendarInvalid, TooLong: msgCalendarInvalid}},
		httpapi.TimeZoneField(FieldTimeZone),
		{Name: FieldSendUpdates, Label: "Notify Attendees", Type: providers.FieldSelect, Default: string(calendar.NotifyAll),
			Options:  []string{string(calendar.NotifyAll), string(calendar.NotifyExternal), string(calendar.NotifyNone)},
			Messages: providers.FieldMessages{Invalid: msgSendUpdates}},
		httpapi.BaseURLField(FieldBaseURL, "API Base URL", DefaultBaseURL),
	}
}

// settings are parsed, valid settings.
type settings struct {
	calendarID, timeZone string
	notify               calendar.Notify
	base                 *url.URL
}

// parseSettings validates s and returns its values, or a
// *providers.ValidationError.
func parseSettings(s providers.Settings) (*settings, error) {
	if err := providers.ValidateSettings(fields(), s); err != nil {
		return nil, err
	}
	st := &settings{calendarID: strings.TrimSpace(s[FieldCalendarID]),
		notify: calendar.Notify(httpapi.Or(s[FieldSendUpdates], string(calendar.NotifyAll)))}
	var err error
	if st.timeZone, err = httpapi.ParseTimeZone(s, FieldTimeZone); err != nil {
		return nil, err
	}
	st.base, err = httpapi.ParseBaseURL(s, FieldBaseURL, DefaultBaseURL)
	return st, err
}

// calendarURL is the URL of the calendar's resource suffix.
func (st *settings) calendarURL(suffix string) string {
	return st.base.String() + "/calendar/v3/calendars/" + url.PathEscape(st.calendarID) + suffix
}
