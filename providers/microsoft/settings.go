package microsoft

import (
	"net/url"
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// DefaultBaseURL is Microsoft Graph; the API version is in each path
// (/v1.0).
const DefaultBaseURL = "https://graph.microsoft.com"

// DefaultMailbox is the connected account's own mailbox.
const DefaultMailbox = "me"

// The settings keys. The OAuth client (tenant, client ID, secret, scopes)
// is the oauth package's connection, not a field here; the access token
// arrives with each call under [providers.SettingAccessToken].
const (
	// FieldMailbox is the mailbox whose calendar holds the events and who
	// organizes the Teams meetings: "me" (the connected account) or a
	// user's principal name or object ID, which needs the Calendars.ReadWrite
	// application permission or a delegate's access (required, "me" in the
	// form).
	FieldMailbox = "mailbox"
	// FieldTimeZone is the IANA time zone of events and meetings that name
	// none (optional, default UTC).
	FieldTimeZone = "timeZone"
	// FieldBaseURL overrides [DefaultBaseURL] (optional): a national cloud
	// such as https://graph.microsoft.us.
	FieldBaseURL = "baseUrl"
)

// The settings' validation messages.
const (
	msgMailboxEmpty   = "Mailbox is required"
	msgMailboxInvalid = "Mailbox must be me, a user principal name or a user ID"
)

func fields() []providers.Field {
	return []providers.Field{
		{Name: FieldMailbox, Label: "Mailbox", Type: providers.FieldText, Required: true, MaxLength: 254,
			Default: DefaultMailbox, Placeholder: "me or recruiting@company.com",
			Pattern:  `me|[^\s@/]+@[^\s@/]+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`,
			Messages: providers.FieldMessages{Empty: msgMailboxEmpty, Invalid: msgMailboxInvalid, TooLong: msgMailboxInvalid}},
		httpapi.TimeZoneField(FieldTimeZone),
		httpapi.BaseURLField(FieldBaseURL, "Graph Base URL", DefaultBaseURL),
	}
}

// settings are parsed, valid settings.
type settings struct {
	mailbox, timeZone string
	base              *url.URL
}

// parseSettings validates s and returns its values, or a
// *providers.ValidationError.
func parseSettings(s providers.Settings) (*settings, error) {
	if err := providers.ValidateSettings(fields(), s); err != nil {
		return nil, err
	}
	st := &settings{mailbox: strings.TrimSpace(s[FieldMailbox])}
	var err error
	if st.timeZone, err = httpapi.ParseTimeZone(s, FieldTimeZone); err != nil {
		return nil, err
	}
	st.base, err = httpapi.ParseBaseURL(s, FieldBaseURL, DefaultBaseURL)
	return st, err
}

// userURL is the URL of the mailbox's resource suffix: /v1.0/me... or
// /v1.0/users/{mailbox}....
func (st *settings) userURL(suffix string) string {
	if st.mailbox == DefaultMailbox {
		return st.base.String() + "/v1.0/me" + suffix
	}
	return st.base.String() + "/v1.0/users/" + url.PathEscape(st.mailbox) + suffix
}
