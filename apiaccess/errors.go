package apiaccess

import (
	"errors"
	"sort"
	"strings"
)

// Form fields of [ValidationError].
const (
	FieldName      = "name"
	FieldScopes    = "scopes"
	FieldExpiresAt = "expiresAt"
	FieldPerMinute = "perMinute"
	FieldPerHour   = "perHour"
	FieldGrace     = "grace"
)

// Messages of [ValidationError]. The spec has no token form; these follow
// the wording of its other forms.
const (
	MsgNameRequired   = "Token name is required"
	MsgNameTooLong    = "Token name must be 100 characters or less"
	MsgNamePlain      = "Token name must be plain text"
	MsgScopeInvalid   = "Scopes may use letters, digits and . : _ - (up to 64 characters each)"
	MsgScopeUnknown   = "Unknown scope: "
	MsgExpiryPast     = "Expiry must be in the future"
	MsgPerMinuteRange = "Per-minute limit must be between 1 and 100,000,000"
	MsgPerHourRange   = "Hourly rate limit must be between 1 and 100,000,000"
	MsgGraceRange     = "Grace period must be between 0 and "
)

// NameMaxLen is the longest token name, in characters.
const NameMaxLen = 100

// ValidationError lists what is wrong with a token form: one message per
// field.
type ValidationError struct {
	Fields map[string]string
}

// Error joins the messages in field order: "apiaccess: name: Token name is
// required; perHour: ...".
func (e *ValidationError) Error() string {
	names := make([]string, 0, len(e.Fields))
	for n := range e.Fields {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + ": " + e.Fields[n]
	}
	return "apiaccess: " + strings.Join(parts, "; ")
}

// Field returns the message for one field, or "" if it is valid.
func (e *ValidationError) Field(name string) string { return e.Fields[name] }

// validation collects field messages.
type validation map[string]string

func (v validation) add(field, msg string) {
	if _, ok := v[field]; !ok {
		v[field] = msg
	}
}

func (v validation) err() error {
	if len(v) == 0 {
		return nil
	}
	return &ValidationError{Fields: v}
}

// ErrTokenInactive is returned when rotating a token that is revoked,
// expired or already rotated.
var ErrTokenInactive = errors.New("apiaccess: the token is revoked, expired or already rotated")
