package providers

import (
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/intimeos/integrations/retry"
)

// Info describes a provider.
type Info struct {
	// Name identifies the provider, lower case: "sendgrid", "slack".
	Name string
	// DisplayName is shown to administrators and used in messages:
	// "SendGrid".
	DisplayName string
	// Types are the integration types the provider serves, e.g. "email".
	Types []string
	// Version is the provider's version, e.g. "1.2.0".
	Version string
	// Fields are the configuration form's fields in display order.
	Fields []Field
	// Capabilities are the operations the provider implements (e.g.
	// "email.send"), plus [CapabilityWebhook] if it handles inbound events.
	Capabilities []string
}

// CapabilityWebhook is listed in [Info.Capabilities] by providers that
// implement HandleWebhook.
const CapabilityWebhook = "webhook"

// Has reports whether the provider lists capability c.
func (i *Info) Has(c string) bool {
	for _, x := range i.Capabilities {
		if x == c {
			return true
		}
	}
	return false
}

// FieldType is the kind of a configuration field; it decides the input
// shown and the format checked by [ValidateSettings].
type FieldType string

// The field types.
const (
	FieldText     FieldType = "text"     // free text, optionally matching Pattern
	FieldPassword FieldType = "password" // a secret, masked in responses
	FieldNumber   FieldType = "number"   // an integer within Min and Max
	FieldSelect   FieldType = "select"   // one of Options
	FieldRadio    FieldType = "radio"    // one of Options
	FieldEmail    FieldType = "email"    // an email address
	FieldHost     FieldType = "host"     // a hostname or IP address
	FieldURL      FieldType = "url"      // an absolute http(s) URL
)

// Field is one configuration field with its validation rules and the
// messages shown when a rule fails (UC-ADMIN-007 §17).
type Field struct {
	// Name is the settings key, e.g. "smtpHost".
	Name     string
	Label    string
	Type     FieldType
	Required bool
	// Secret marks credentials: masked in responses, never logged.
	Secret bool
	// Default is the value the configuration form starts with. For an
	// optional field it is also the value an empty setting takes:
	// [ValidateSettings] validates it, and a provider called through the
	// SDK (a plugin, a provider registered on a [Host], an [Instance])
	// receives it (see [Settings.WithDefaults]). A required field left
	// empty is refused with Messages.Empty: the administrator cleared it,
	// as the spec's forms have it (rateLimitHour: default 1000, "Hourly
	// rate limit is required").
	Default     string
	Placeholder string
	// MaxLength, if positive, limits the value's length in characters.
	MaxLength int
	// Min and Max bound a number field; both zero means unbounded.
	Min, Max int64
	// Options are the allowed values of a select or radio field.
	Options []string
	// Pattern, if set, is a regular expression the whole value must match.
	Pattern string
	// Schemes are the URL schemes a FieldURL accepts; empty means http and
	// https. Schemes: []string{"https"} refuses plain http.
	Schemes []string
	// LoopbackHTTP makes a FieldURL also accept plain http to a loopback
	// host (localhost, 127.0.0.0/8, ::1) whatever Schemes says: "https, or
	// http to a local test server".
	LoopbackHTTP bool
	Messages     FieldMessages
}

// FieldMessages are a field's error messages. Empty messages fall back to
// generic ones.
type FieldMessages struct {
	Empty    string // required and empty
	Invalid  string // wrong format, option or pattern
	TooLong  string // over MaxLength
	BelowMin string // number below Min
	AboveMax string // number above Max
}

// FieldError is one invalid field and its message.
type FieldError struct {
	Field   string
	Message string
}

// ValidationError is returned by [Provider.Validate] with one message per
// invalid field, in the order of the provider's fields.
type ValidationError struct {
	Fields []FieldError
}

// Error lists the fields and messages.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "providers: invalid settings: " + strings.Join(parts, "; ")
}

// Field returns the message for the named field, or "".
func (e *ValidationError) Field(name string) string {
	for _, f := range e.Fields {
		if f.Field == name {
			return f.Message
		}
	}
	return ""
}

// RetryClass implements [retry.ClassedError]: invalid settings are a client
// error, never retried.
func (e *ValidationError) RetryClass() retry.Class { return retry.ClassClientError }

// ValidateSettings checks s against fields and returns a *[ValidationError],
// or nil if every field is valid. An empty optional field is checked as its
// Default. Providers use it to implement Validate.
func ValidateSettings(fields []Field, s Settings) error {
	var ve ValidationError
	s = s.WithDefaults(fields)
	for _, f := range fields {
		if msg := f.check(s[f.Name]); msg != "" {
			ve.Fields = append(ve.Fields, FieldError{Field: f.Name, Message: msg})
		}
	}
	if len(ve.Fields) == 0 {
		return nil
	}
	return &ve
}

// check returns the message for value v, or "" if it is valid.
func (f *Field) check(v string) string {
	if strings.TrimSpace(v) == "" {
		if f.Required {
			return or(f.Messages.Empty, f.label()+" is required")
		}
		return ""
	}
	if f.MaxLength > 0 && utf8.RuneCountInString(v) > f.MaxLength {
		return or(f.Messages.TooLong, f.label()+" must be at most "+strconv.Itoa(f.MaxLength)+" characters")
	}
	if f.Type == FieldNumber {
		return f.checkNumber(v)
	}
	if !f.validFormat(v) {
		return or(f.Messages.Invalid, f.label()+" is invalid")
	}
	return ""
}

func (f *Field) checkNumber(v string) string {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	switch {
	case err != nil:
		return or(f.Messages.Invalid, f.label()+" must be a number")
	case (f.Min != 0 || f.Max != 0) && n < f.Min:
		return or(f.Messages.BelowMin, f.label()+" must be at least "+strconv.FormatInt(f.Min, 10))
	case (f.Min != 0 || f.Max != 0) && n > f.Max:
		return or(f.Messages.AboveMax, f.label()+" must be at most "+strconv.FormatInt(f.Max, 10))
	}
	return ""
}

func (f *Field) validFormat(v string) bool {
	if f.Pattern != "" {
		re, err := regexp.Compile(`^(?:` + f.Pattern + `)$`)
		if err != nil || !re.MatchString(v) {
			return false
		}
	}
	switch f.Type {
	case FieldSelect, FieldRadio:
		return contains(f.Options, v)
	case FieldEmail:
		return ValidEmail(v)
	case FieldHost:
		return ValidHost(v)
	case FieldURL:
		return f.validURL(v)
	}
	return true
}

// validURL reports whether v is an absolute URL with a host and an accepted
// scheme.
func (f *Field) validURL(v string) bool {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return false
	}
	schemes := f.Schemes
	if len(schemes) == 0 {
		schemes = []string{"http", "https"}
	}
	if contains(schemes, u.Scheme) {
		return true
	}
	return f.LoopbackHTTP && u.Scheme == "http" && IsLoopback(u.Hostname())
}

// IsLoopback reports whether host is "localhost" (or a name under it) or a
// loopback IP address.
func IsLoopback(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// WithDefaults returns s with every empty optional field of fields set to
// its Default. It never modifies s; it returns s itself when no default
// applies. Required fields are left as they are (see [Field.Default]).
func (s Settings) WithDefaults(fields []Field) Settings {
	var out Settings
	for _, f := range fields {
		if f.Required || f.Default == "" || strings.TrimSpace(s[f.Name]) != "" {
			continue
		}
		if out == nil {
			out = make(Settings, len(s)+1)
			for k, v := range s {
				out[k] = v
			}
		}
		out[f.Name] = f.Default
	}
	if out == nil {
		return s
	}
	return out
}

func (f *Field) label() string { return or(f.Label, f.Name) }

var hostLabel = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// ValidHost reports whether s is an IP address or a hostname of valid labels.
func ValidHost(s string) bool {
	if net.ParseIP(s) != nil {
		return true
	}
	if len(s) > 253 || s == "" {
		return false
	}
	for _, l := range strings.Split(strings.TrimSuffix(s, "."), ".") {
		if !hostLabel.MatchString(l) {
			return false
		}
	}
	return true
}

// ValidEmail reports whether s is a bare email address (no display name).
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
