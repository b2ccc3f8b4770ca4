package oauth

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/intimeos/integrations/retry"
)

// ErrStateInvalid is returned by [Connector.Callback] for a state that is
// missing, unknown, already used or bound to another provider. Nothing is
// changed.
var ErrStateInvalid = errors.New("oauth: the authorization request is invalid or was already used; please connect again")

// ErrStateExpired is returned by [Connector.Callback] for a state older than
// [Config.StateTTL]. Nothing is changed.
var ErrStateExpired = errors.New("oauth: the authorization request expired; please connect again")

// ErrNotConnected is returned by a [TokenSource] whose integration has no
// tokens yet.
var ErrNotConnected = errors.New("oauth: the integration is not connected")

// ValidationError lists what is wrong with OAuth settings: one message per
// field, worded as in the spec.
type ValidationError struct {
	// Fields maps a field name ([FieldProvider], [FieldClientID], ...) to
	// its message.
	Fields map[string]string
}

// Error joins the messages in field order.
func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return fieldRank(keys[i]) < fieldRank(keys[j]) })
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return "oauth: " + strings.Join(parts, "; ")
}

// Field returns the message for one field, or "" if the field is valid.
func (e *ValidationError) Field(name string) string { return e.Fields[name] }

var fieldOrder = []string{FieldProvider, FieldClientID, FieldClientSecret, FieldRedirectURI, FieldScopes,
	FieldTenant, FieldIssuerURL, FieldAuthURL, FieldTokenURL, FieldAuthStyle, FieldOfflineScope, FieldAuthParams}

func fieldRank(name string) string {
	for i, f := range fieldOrder {
		if f == name {
			return fmt.Sprintf("%02d", i)
		}
	}
	return "99" + name
}

// ReconnectError means the connection's refresh token no longer works
// (invalid_grant, or a code the provider entry declares): the user must
// connect the account again. The integration is put in the error state with
// the same message.
type ReconnectError struct {
	// Provider is the provider's display name ("Google").
	Provider string
}

// Error is the spec's message (§16): "Please reconnect your Google account".
func (e *ReconnectError) Error() string {
	return "Please reconnect your " + e.Provider + " account"
}

// RetryClass marks the error permanent for [retry].
func (e *ReconnectError) RetryClass() retry.Class { return retry.ClassPermanent }

// NeedsReconnect reports whether err means the user must reconnect.
func NeedsReconnect(err error) bool {
	var re *ReconnectError
	return errors.As(err, &re)
}

// DeniedError is returned by [Connector.Callback] when the provider
// redirected back with an error instead of a code, such as access_denied
// when the user refused consent. Nothing is changed.
type DeniedError struct {
	Provider string
	// Code is the provider's error parameter ("access_denied").
	Code        string
	Description string
}

func (e *DeniedError) Error() string {
	if e.Code == "access_denied" {
		return "oauth: access to your " + e.Provider + " account was denied; nothing was connected"
	}
	return fmt.Sprintf("oauth: %s refused the authorization request (%s); nothing was connected", e.Provider, e.Code)
}

// TokenError is a failed token endpoint request (code exchange or refresh),
// reduced to what is safe to show and log: it never holds a token or the
// response body.
type TokenError struct {
	Provider string
	// Op is "exchange" or "refresh".
	Op         string
	StatusCode int
	// Code and Description are RFC 6749's error and error_description.
	Code        string
	Description string
	// RetryAfter is the server's Retry-After on a 429 or 503.
	RetryAfter time.Duration
}

func (e *TokenError) Error() string {
	s := fmt.Sprintf("oauth: %s token %s failed: HTTP %d", e.Provider, e.Op, e.StatusCode)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// RetryClass classifies the failure for [retry]: 5xx and 429 are transient,
// anything else is the provider's final word.
func (e *TokenError) RetryClass() retry.Class {
	switch {
	case e.StatusCode == http.StatusTooManyRequests:
		return retry.ClassRateLimited
	case e.StatusCode >= 500:
		return retry.ClassServerError
	}
	return retry.ClassPermanent
}

// RetryDelay is the server's requested wait.
func (e *TokenError) RetryDelay() time.Duration { return e.RetryAfter }
