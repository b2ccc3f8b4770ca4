package webhook

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/retry"
)

// The form's field names (spec §17, Webhook Configuration Form); they key
// [ValidationError.Fields]. Retry policy fields use the names of the retry
// package ([retry.FieldMaxRetries], ...).
const (
	FieldName   = "webhookName"
	FieldURL    = "webhookUrl"
	FieldEvents = "events"
)

// The spec's messages for the webhook form (§17), plus the two length
// limits, a name that is not plain text, the unknown event and a URL to a
// non-public address, which the spec does not word.
const (
	MsgNameRequired   = "Webhook name is required"
	MsgNameTooLong    = "Webhook name must be at most 100 characters"
	MsgNameInvalid    = "Webhook name must be plain text, without control characters"
	MsgNameDuplicate  = "A webhook with this name already exists"
	MsgURLRequired    = "Webhook URL is required"
	MsgURLInvalid     = "Please enter a valid HTTPS URL"
	MsgURLNotHTTPS    = "Webhook URLs must use HTTPS for security"
	MsgURLTooLong     = "Webhook URL must be at most 2048 characters"
	MsgEventsRequired = "Please select at least one event to subscribe to"
	MsgEventUnknown   = "Unknown event type: "
	// MsgURLNotPublic refuses an IP address or localhost that the SSRF
	// guard would refuse at every attempt (Config.AllowAddrs admits some).
	// The spec's "Please enter a valid HTTPS URL" would puzzle the user of
	// a well-formed URL.
	MsgURLNotPublic = "Webhook URLs must point to a public address, not a private or local one"
	// MsgDisabledGone is the DisabledReason of a subscription whose
	// endpoint answered 410 Gone.
	MsgDisabledGone = "Webhook endpoint returned error: 410 (Gone); webhook disabled"
)

// ErrPayloadTooLarge is returned by the publish calls for an event whose
// payload exceeds [MaxPayloadSize]. Its text is the spec's message (§16).
//
//lint:ignore ST1005 the spec words the message
var ErrPayloadTooLarge = errors.New("Request payload too large (max 10 MB)")

// ErrPayloadUnstorable is returned by the publish calls for event data
// that is not valid UTF-8 or whose strings hold a NUL character (\u0000)
// or half of a surrogate pair (\ud800 alone): PostgreSQL cannot store
// them, so no store accepts them.
var ErrPayloadUnstorable = errors.New("webhook: event data contains invalid UTF-8, \\u0000 or an unpaired surrogate, which cannot be stored; remove or replace them")

// ErrReplayPending is returned by [Dispatcher.DeliveryReplay] for an event
// whose latest attempt to the subscription is still pending: a retry is
// already scheduled, and a replay beside it would deliver the event twice.
var ErrReplayPending = errors.New("webhook: a retry of this delivery is already pending; wait for it, or for the dead letter queue")

// ErrSecretChanged is returned by the secret regeneration calls when the
// subscription changed between reading and writing it (another admin
// regenerated at the same moment): no secret is shown that would never
// sign.
var ErrSecretChanged = errors.New("webhook: the subscription changed while its secret was being replaced; reload it and try again")

// ErrUnknownEvent is returned when an event type is not in the catalog.
var ErrUnknownEvent = errors.New("webhook: unknown event type")

// ValidationError lists what is wrong with a subscription form: one message
// per field, worded as in the spec.
type ValidationError struct {
	// Fields maps a field name ([FieldName], [FieldURL], [FieldEvents] or a
	// retry policy field) to its message.
	Fields map[string]string
}

// Error joins the messages in field order: "webhook: webhookName: Webhook
// name is required; events: ...".
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
	return "webhook: " + strings.Join(parts, "; ")
}

// Field returns the message for one field, or "" if the field is valid.
func (e *ValidationError) Field(name string) string { return e.Fields[name] }

func fieldRank(name string) string {
	switch name {
	case FieldName:
		return "0"
	case FieldURL:
		return "1"
	case FieldEvents:
		return "2"
	}
	return "3" + name
}

// DeliveryError describes a failed delivery attempt: what the endpoint
// answered (or the transport error) and how it was classified.
type DeliveryError struct {
	// DeliveryID is the attempt's row; EventID is stable across retries.
	DeliveryID uuid.UUID
	EventID    uuid.UUID
	// Attempt counts from 1.
	Attempt int
	// StatusCode is the HTTP status, 0 without a response.
	StatusCode int
	// Class is the retry classification of the outcome.
	Class retry.Class
	// RetryAfter is the endpoint's requested wait, 0 if none.
	RetryAfter time.Duration
	// Err is the transport error or a *retry.StatusError.
	Err error
}

// Error returns "webhook: delivery <id> attempt 2: Webhook endpoint returned
// error: 503" or the transport error.
func (e *DeliveryError) Error() string {
	return fmt.Sprintf("webhook: delivery %s attempt %d: %s", e.EventID, e.Attempt, e.Reason())
}

// Reason is the user-facing explanation: the spec's "Webhook endpoint
// returned error: [code]" for an error status, otherwise the transport error.
func (e *DeliveryError) Reason() string {
	if e.StatusCode != 0 {
		return fmt.Sprintf("Webhook endpoint returned error: %d", e.StatusCode)
	}
	if e.Err != nil {
		return e.Err.Error()
	}
	return e.Class.String()
}

// Unwrap returns the underlying error.
func (e *DeliveryError) Unwrap() error { return e.Err }

// RetryClass lets [retry.ClassifyError] see the class.
func (e *DeliveryError) RetryClass() retry.Class { return e.Class }

// RetryDelay returns the endpoint's Retry-After wait.
func (e *DeliveryError) RetryDelay() time.Duration { return e.RetryAfter }
