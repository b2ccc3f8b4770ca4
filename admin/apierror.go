package admin

import (
	"errors"
	"net/http"
	"strings"

	"github.com/intimeos/integrations/apiaccess"
	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

// Error codes of [APIError].
const (
	CodeInvalidRequest   = "invalid_request"
	CodeUnauthorized     = "unauthorized"
	CodeForbidden        = "forbidden"
	CodeNotFound         = "not_found"
	CodeConflict         = "conflict"
	CodeValidation       = "validation_failed"
	CodePayloadTooLarge  = "payload_too_large"
	CodeNotConfigured    = "not_configured"
	CodeTestFailed       = "test_failed"
	CodeInternal         = "internal"
	msgValidationSummary = "Please correct the highlighted fields."
)

// ErrorBody is the body of every failed API call: {"error": {...}}.
type ErrorBody struct {
	Error *APIError `json:"error"`
}

// APIError is the one error shape of the API. Fields maps a form field to
// the spec's message for it (§17), under the field's name ("webhookUrl":
// "Webhook URLs must use HTTPS for security").
type APIError struct {
	// Status repeats the HTTP status.
	Status int `json:"status"`
	// Code is stable for programs: one of the Code constants.
	Code string `json:"code"`
	// Message is for people.
	Message string `json:"message"`
	// Fields holds one message per invalid field; absent otherwise.
	Fields map[string]string `json:"fields,omitempty"`
}

// Error returns the message.
func (e *APIError) Error() string { return "admin: " + e.Code + ": " + e.Message }

// FieldErrors is implemented by validation errors that the admin shows
// field by field (the integration Manager's, for one).
type FieldErrors interface {
	error
	FieldErrors() map[string]string
}

var (
	errUnauthorized = &APIError{Status: http.StatusUnauthorized, Code: CodeUnauthorized, Message: "Please sign in as an administrator."}
	errCrossOrigin  = &APIError{Status: http.StatusForbidden, Code: CodeForbidden, Message: "Cross-origin requests are not allowed."}
	errCSRF         = &APIError{Status: http.StatusForbidden, Code: CodeForbidden, Message: "The form has expired or did not come from this site. Reload the page and try again."}
	errNotFound     = &APIError{Status: http.StatusNotFound, Code: CodeNotFound, Message: "Not found."}
	errInternal     = &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "Something went wrong. Please try again."}
)

// badRequest is a 400 with a message.
func badRequest(msg string) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: CodeInvalidRequest, Message: msg}
}

// fieldError is a 422 for one field.
func fieldError(field, msg string) *APIError {
	return &APIError{Status: http.StatusUnprocessableEntity, Code: CodeValidation, Message: msgValidationSummary,
		Fields: map[string]string{field: msg}}
}

// notConfigured is a 501 for a feature the host has not set up.
func notConfigured(what string) *APIError {
	return &APIError{Status: http.StatusNotImplemented, Code: CodeNotConfigured, Message: what + " is not configured on this server."}
}

// toAPIError maps an error of the SDK's packages to the API's shape. It
// reports whether the error was expected (not worth an error log).
func toAPIError(err error) (*APIError, bool) {
	var (
		ae *APIError
		wv *webhook.ValidationError
		rv *retry.ValidationError
		ov *oauth.ValidationError
		fe FieldErrors
	)
	if ae, ok := managerError(err); ok {
		return ae, true
	}
	switch {
	case errors.As(err, &ae):
		return ae, true
	case errors.As(err, &wv):
		return validation(wv.Fields), true
	case errors.As(err, &rv):
		return validation(rv.Fields), true
	case errors.As(err, &ov):
		return validation(ov.Fields), true
	case errors.As(err, &fe):
		return validation(fe.FieldErrors()), true
	case errors.Is(err, storage.ErrNotFound):
		return errNotFound, true
	case errors.Is(err, storage.ErrConflict):
		return &APIError{Status: http.StatusConflict, Code: CodeConflict, Message: "It was changed meanwhile. Reload and try again."}, true
	case errors.Is(err, webhook.ErrReplayPending), errors.Is(err, webhook.ErrSecretChanged):
		return &APIError{Status: http.StatusConflict, Code: CodeConflict, Message: sentence(err)}, true
	case errors.Is(err, webhook.ErrUnknownEvent):
		return fieldError(webhook.FieldEvents, webhook.MsgEventUnknown+eventOf(err)), true
	case errors.Is(err, webhook.ErrPayloadTooLarge):
		return &APIError{Status: http.StatusRequestEntityTooLarge, Code: CodePayloadTooLarge, Message: webhook.ErrPayloadTooLarge.Error()}, true
	case errors.Is(err, webhook.ErrPayloadUnstorable):
		return fieldError("payload", sentence(err)), true
	}
	return errInternal, false
}

// managerError maps the integration Manager's and API access's errors.
func managerError(err error) (*APIError, bool) {
	var (
		iv  *integration.ValidationError
		av  *apiaccess.ValidationError
		cf  *integration.CheckFailedError
		de  *integration.DisabledError
		pn  *integration.ProviderNotInstalledError
		ut  *integration.UnknownTypeError
		nce *integration.NotConfiguredError
	)
	switch {
	case errors.As(err, &iv):
		fields := make(map[string]string, len(iv.Fields))
		for _, f := range iv.Fields {
			if _, dup := fields[f.Field]; !dup {
				fields[f.Field] = f.Message
			}
		}
		return validation(fields), true
	case errors.As(err, &av):
		return validation(av.Fields), true
	case errors.As(err, &cf):
		return &APIError{Status: http.StatusUnprocessableEntity, Code: CodeTestFailed,
			Message: "The connection test failed, so nothing was saved: " + cf.Message}, true
	case errors.As(err, &de):
		return &APIError{Status: http.StatusConflict, Code: CodeConflict,
			Message: "The integration " + de.Name + " is disabled. Enable it first."}, true
	case errors.As(err, &pn):
		return fieldError(integration.FieldProvider, integration.MsgProviderNotInstalled), true
	case errors.As(err, &ut):
		return fieldError(integration.FieldType, integration.MsgTypeRequired), true
	case errors.As(err, &nce):
		return &APIError{Status: http.StatusConflict, Code: CodeConflict,
			Message: "The organization has no integration of this type."}, true
	case errors.Is(err, apiaccess.ErrTokenInactive):
		return &APIError{Status: http.StatusConflict, Code: CodeConflict,
			Message: "The token is revoked, expired or already rotated."}, true
	}
	return nil, false
}

// validation is a 422 carrying every field's message.
func validation(fields map[string]string) *APIError {
	return &APIError{Status: http.StatusUnprocessableEntity, Code: CodeValidation, Message: msgValidationSummary, Fields: fields}
}

// sentence turns "webhook: a retry ... pending" into "A retry ... pending.".
func sentence(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": "); i > 0 && !strings.Contains(s[:i], " ") {
		s = s[i+2:]
	}
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// eventOf extracts the quoted event name of an ErrUnknownEvent.
func eventOf(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '"'); i >= 0 {
		return strings.Trim(s[i:], `"`)
	}
	return ""
}

// errAuditFailed refuses to show a secret whose showing cannot be recorded.
var errAuditFailed = &APIError{Status: http.StatusServiceUnavailable, Code: CodeInternal,
	Message: "The secret was not shown because the audit log could not record it. Please try again."}
