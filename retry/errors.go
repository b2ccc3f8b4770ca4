package retry

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ClassedError is implemented by errors that carry their own class. It is
// how [Permanent], [WithClass], [StatusError] and [*Error] tell
// [ClassifyError] what they are, and how a caller's own error type (for
// example one rebuilt from a provider plugin's reply) can do the same.
type ClassedError interface {
	error
	RetryClass() Class
}

// DelayedError is implemented by errors that carry a server's requested wait,
// such as a 429 response's Retry-After.
type DelayedError interface {
	error
	RetryDelay() time.Duration
}

// Permanent marks err as final: [Do] returns it without retrying and
// [ClassifyError] reports [ClassPermanent]. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &classError{err: err, class: ClassPermanent}
}

// WithClass attaches class c to err, overriding what [ClassifyError] would
// infer. WithClass(nil, c) is nil.
func WithClass(err error, c Class) error {
	if err == nil {
		return nil
	}
	return &classError{err: err, class: c}
}

// RateLimited marks err as [ClassRateLimited] with the server's requested
// wait (0 if unknown). RateLimited(nil, d) is nil.
func RateLimited(err error, after time.Duration) error {
	if err == nil {
		return nil
	}
	return &classError{err: err, class: ClassRateLimited, after: after}
}

// classError wraps an error with a class and an optional wait.
type classError struct {
	err   error
	class Class
	after time.Duration
}

func (e *classError) Error() string             { return e.err.Error() }
func (e *classError) Unwrap() error             { return e.err }
func (e *classError) RetryClass() Class         { return e.class }
func (e *classError) RetryDelay() time.Duration { return e.after }

// IsRetryable reports whether err is a transient failure (see
// [Class.Transient]) by its behaviour, as [ClassifyError] sees it. It ignores
// any policy: 429 counts as transient here even though the spec's default
// policy does not retry it. Use [Policy.RetriesOn] for the configured answer.
func IsRetryable(err error) bool {
	return ClassifyError(err).Class.Transient()
}

// StatusError is an HTTP response with an error status, as returned in
// [Outcome.Err] by [ClassifyResponse]. An operation passed to [Do] can return it.
//
// Its text is meant to be wrapped, so it carries no package prefix: a
// provider's "sendgrid: send: http status 503 Service Unavailable", or [Do]'s
// "retry: gave up after 4 attempts (server_error): http status 503 Service
// Unavailable", say each thing once.
type StatusError struct {
	// StatusCode is the response's status code.
	StatusCode int
	// RetryAfter is the parsed Retry-After header, 0 if absent.
	RetryAfter time.Duration
}

// Error returns "http status 503 Service Unavailable".
func (e *StatusError) Error() string {
	return fmt.Sprintf("http status %d %s", e.StatusCode, http.StatusText(e.StatusCode))
}

// RetryClass returns [ClassifyStatus] of the status code.
func (e *StatusError) RetryClass() Class { return ClassifyStatus(e.StatusCode) }

// RetryDelay returns the Retry-After wait.
func (e *StatusError) RetryDelay() time.Duration { return e.RetryAfter }

// Error is what [Do] returns when it gives up.
type Error struct {
	// Attempts is the number of attempts made.
	Attempts int
	// Last is the outcome that ended the run; [ClassCanceled] when the
	// caller's context ended.
	Last Outcome
	// Err is the last attempt's error, joined with the context's error when
	// the caller's context ended.
	Err error
}

// Error returns "retry: gave up after 4 attempts (server_error): ...".
func (e *Error) Error() string {
	unit := "attempts"
	if e.Attempts == 1 {
		unit = "attempt"
	}
	return fmt.Sprintf("retry: gave up after %d %s (%s): %v", e.Attempts, unit, e.Last.Class, e.Err)
}

// Unwrap returns the last error.
func (e *Error) Unwrap() error { return e.Err }

// RetryClass returns the last outcome's class, so callers above [Do] can
// classify its error too.
func (e *Error) RetryClass() Class { return e.Last.Class }

// RetryDelay returns the last outcome's Retry-After wait.
func (e *Error) RetryDelay() time.Duration { return e.Last.RetryAfter }

var errNilResponse = errors.New("retry: nil response and nil error")
