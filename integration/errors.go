package integration

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// ErrDisabled is matched (errors.Is) by the [*DisabledError] every call to
// a disabled integration gets.
var ErrDisabled = errors.New("integration: disabled")

// ErrNotConfigured is matched (errors.Is) by the [*NotConfiguredError] of a
// call to a type the organization has no integration of.
var ErrNotConfigured = errors.New("integration: not configured")

// The integration form's own field names, as [ValidationError] keys them.
// The provider's settings keep their names (smtpHost, apiKey, ...); the
// retry policy's fields are [retry]'s (maxRetries, retryStrategy, ...).
const (
	FieldName          = "integrationName"
	FieldType          = "integrationType"
	FieldProvider      = "integrationProvider"
	FieldCheckInterval = "checkInterval"
	FieldBackup        = "backupIntegration"
	FieldTestEmailTo   = "testEmailTo"
)

// The messages of the integration form's own fields. The spec words the
// email provider's ("Please select an email provider", §17); the others
// follow its style.
const (
	MsgNameRequired          = "Integration name is required"
	MsgNameTooLong           = "Integration name must be at most 100 characters"
	MsgNameInvalid           = "Integration name must be plain text"
	MsgTypeRequired          = "Please select an integration type"
	MsgEmailProviderRequired = "Please select an email provider"
	MsgProviderRequired      = "Please select a provider"
	MsgProviderNotInstalled  = "This provider is not installed"
	MsgCheckIntervalRange    = "Health check interval must be between 1 and 1,440 minutes"
	MsgBackupInvalid         = "The backup must be another integration of the same type"
	MsgTestEmailInvalid      = "Please enter a valid email address"
)

// FieldError is one invalid field and its message.
type FieldError struct {
	Field   string
	Message string
}

// ValidationError is what configuring an integration returns for invalid
// input: one message per invalid field, worded as in the spec (§17), in
// form order: the integration's own fields, then the provider's settings,
// then the retry policy. Nothing is saved.
type ValidationError struct {
	Fields []FieldError
}

// Error lists the fields and messages.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "integration: invalid: " + strings.Join(parts, "; ")
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

// RetryClass implements [retry.ClassedError]: invalid input is never
// retried.
func (e *ValidationError) RetryClass() retry.Class { return retry.ClassClientError }

// add appends a field's message unless the field already has one.
func (e *ValidationError) add(field, msg string) {
	if e.Field(field) == "" {
		e.Fields = append(e.Fields, FieldError{Field: field, Message: msg})
	}
}

// err returns e, or nil when it holds no field.
func (e *ValidationError) err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// UnknownTypeError is returned for a type the catalog does not list.
type UnknownTypeError struct{ Type string }

func (e *UnknownTypeError) Error() string {
	return fmt.Sprintf("integration: %q is not an integration type of the catalog", e.Type)
}

// ProviderNotInstalledError is returned when an integration names a
// provider the host has not installed (not registered, or a plugin that
// was not loaded).
type ProviderNotInstalledError struct{ Provider string }

func (e *ProviderNotInstalledError) Error() string {
	return fmt.Sprintf("integration: provider %q is not installed", e.Provider)
}

// RetryClass implements [retry.ClassedError]: a missing provider is a
// deployment problem, not a passing failure.
func (e *ProviderNotInstalledError) RetryClass() retry.Class { return retry.ClassPermanent }

// NotConfiguredError is returned by [Manager.Dispatch] when the
// organization has no integration of the type.
type NotConfiguredError struct {
	OrganizationID uuid.UUID
	Type           string
}

func (e *NotConfiguredError) Error() string {
	return fmt.Sprintf("integration: no %s integration is configured", e.Type)
}

// Is matches [ErrNotConfigured].
func (e *NotConfiguredError) Is(target error) bool { return target == ErrNotConfigured }

// RetryClass implements [retry.ClassedError].
func (e *NotConfiguredError) RetryClass() retry.Class { return retry.ClassPermanent }

// DisabledError is returned for every call to a disabled integration
// (ADMIN-INT-015) until it is enabled again.
type DisabledError struct {
	IntegrationID uuid.UUID
	Name          string
	Type          string
}

func (e *DisabledError) Error() string {
	return fmt.Sprintf("integration: %q (%s) is disabled; enable it to use it again", e.Name, e.Type)
}

// Is matches [ErrDisabled].
func (e *DisabledError) Is(target error) bool { return target == ErrDisabled }

// RetryClass implements [retry.ClassedError].
func (e *DisabledError) RetryClass() retry.Class { return retry.ClassPermanent }

// CheckFailedError is returned by Test & Save ([CreateParams.TestFirst],
// [UpdateParams.TestFirst]) when the connection test fails: nothing is
// saved, and Check says which stage failed and why.
type CheckFailedError struct {
	Check *providers.CheckResult
	// Message is the failed stage's message ("Connection to SendGrid timed
	// out"), or the reason the test could not run.
	Message string
}

func (e *CheckFailedError) Error() string {
	return "integration: connection test failed: " + e.Message
}

// CallError is returned by [Manager.Dispatch] when a call fails after its
// retries and failover.
type CallError struct {
	IntegrationID uuid.UUID
	Type          string
	Operation     string
	// Provider is the display name of the provider that answered last.
	Provider string
	Attempts int
	// Err is the last attempt's error, a *[providers.Error] when a
	// provider answered (errors.As reaches it).
	Err error
}

func (e *CallError) Error() string {
	return fmt.Sprintf("integration: %s failed after %d attempt(s): %s", e.Operation, e.Attempts, e.Message())
}

// Message is the spec's message for the failure (UC-ADMIN-007 §16):
// "Connection to SendGrid timed out", "Rate limit exceeded. Retry in 30
// seconds.", ...
func (e *CallError) Message() string { return providers.UserMessage(e.Err, e.Provider) }

// Unwrap returns the last attempt's error.
func (e *CallError) Unwrap() error { return e.Err }

// RetryClass implements [retry.ClassedError] with the last error's class.
func (e *CallError) RetryClass() retry.Class { return retry.ClassifyError(e.Err).Class }
