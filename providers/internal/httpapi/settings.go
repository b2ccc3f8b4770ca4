package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/payload"
)

// MsgTimeZone is the message of an invalid [TimeZoneField].
const MsgTimeZone = "Please enter an IANA time zone such as America/New_York"

// MsgBaseURL is the message of an invalid base URL field.
const MsgBaseURL = "Please enter a valid https URL"

// TimeZoneField is the optional field name holding the IANA time zone of
// events that name none, defaulting to UTC.
func TimeZoneField(name string) providers.Field {
	return providers.Field{Name: name, Label: "Time Zone", Type: providers.FieldText, Default: "UTC", MaxLength: 64,
		Placeholder: "America/New_York", Messages: providers.FieldMessages{Invalid: MsgTimeZone, TooLong: MsgTimeZone}}
}

// BaseURLField is the optional field name overriding a service's API host
// def.
func BaseURLField(name, label, def string) providers.Field {
	return providers.Field{Name: name, Label: label, Type: providers.FieldURL, Default: def, Placeholder: def,
		MaxLength: 500, Messages: providers.FieldMessages{Invalid: MsgBaseURL, TooLong: MsgBaseURL}}
}

// ParseTimeZone returns the time zone in s[name], UTC when empty, or a
// *providers.ValidationError when it names no IANA zone.
func ParseTimeZone(s providers.Settings, name string) (string, error) {
	tz := Or(s[name], "UTC")
	if !payload.ValidTimeZone(tz) {
		return "", InvalidField(name, MsgTimeZone)
	}
	return tz, nil
}

// ParseBaseURL returns the URL in s[name], def when empty, or a
// *providers.ValidationError when [SecureURL] refuses it.
func ParseBaseURL(s providers.Settings, name, def string) (*url.URL, error) {
	u, ok := ParseSecureURL(Or(s[name], def))
	if !ok {
		return nil, InvalidField(name, MsgBaseURL)
	}
	return u, nil
}

// InvalidField is a *providers.ValidationError of one field.
func InvalidField(name, msg string) error {
	return &providers.ValidationError{Fields: []providers.FieldError{{Field: name, Message: msg}}}
}

// Or returns v without surrounding spaces, or def when that is empty.
func Or(v, def string) string {
	if v = strings.TrimSpace(v); v != "" {
		return v
	}
	return def
}

// BearerCheck runs [Check] against base with, as the authentication
// stage, a GET of authURL with the call's access token (a cheap read such
// as the signed-in user) whose answer is ignored.
func (c *Client) BearerCheck(ctx context.Context, base *url.URL, s providers.Settings, authURL string) *providers.CheckResult {
	return Check(ctx, base, c.Now, func() error {
		tok, err := AccessToken(c.Name, s)
		if err != nil {
			return err
		}
		var ignored map[string]any
		_, err = c.BearerJSON(ctx, http.MethodGet, authURL, tok, nil, &ignored)
		return err
	})
}
