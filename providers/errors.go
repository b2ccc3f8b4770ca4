package providers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/intimeos/integrations/retry"
)

// Kind is what a provider error means to the caller: whether to try again,
// later, elsewhere, or not at all. Its text form (see [Kind.String]) is how it
// crosses the plugin boundary.
type Kind int

// The kinds of provider errors.
const (
	// KindUnknown is an error that carries no kind; it is treated as
	// retryable only if its [retry.Class] is transient.
	KindUnknown Kind = iota
	// KindRetryable is a transient failure (5xx, timeout, connection
	// refused, DNS, network, a crashed plugin): another attempt or another
	// provider may succeed. Its Class says which.
	KindRetryable
	// KindRateLimited is the provider's 429 or a quota: wait RetryAfter.
	KindRateLimited
	// KindAuth means the provider rejected the credentials.
	KindAuth
	// KindInvalidInput means the settings or the payload are invalid; a
	// retry with the same input fails the same way.
	KindInvalidInput
	// KindPermanent is any other final failure.
	KindPermanent
	// KindUnsupported means the provider does not implement the method or
	// operation (see [UnimplementedProvider]).
	KindUnsupported
	// KindCanceled means the caller's context ended.
	KindCanceled

	kindCount = iota
)

var kindNames = [kindCount]string{
	KindUnknown:      "unknown",
	KindRetryable:    "retryable",
	KindRateLimited:  "rate_limited",
	KindAuth:         "auth",
	KindInvalidInput: "invalid_input",
	KindPermanent:    "permanent",
	KindUnsupported:  "unsupported",
	KindCanceled:     "canceled",
}

// String returns the kind's name, for example "rate_limited".
func (k Kind) String() string {
	if k < 0 || int(k) >= kindCount {
		return fmt.Sprintf("kind(%d)", int(k))
	}
	return kindNames[k]
}

// parseKind returns the kind named name, or KindUnknown.
func parseKind(name string) Kind {
	for k, n := range kindNames {
		if n == name {
			return Kind(k)
		}
	}
	return KindUnknown
}

// Error is a provider error with its classification. It is what every method
// of a plugin-backed [Provider] returns, rebuilt on the host side from the
// plugin's reply, and what providers should return themselves (through
// [NewError], [AuthFailed], [InvalidInput], [Unavailable] or
// [retry.RateLimited]). It implements [retry.ClassedError] and
// [retry.DelayedError], so [retry.ClassifyError] and [retry.IsRetryable] see
// its class.
type Error struct {
	// Kind is what the error means to the caller.
	Kind Kind
	// Class is the retry class (server_error, timeout, ...). Zero means the
	// default for Kind.
	Class retry.Class
	// RetryAfter is the wait a rate-limited provider asked for (0 if
	// unknown).
	RetryAfter time.Duration
	// Provider names the provider instance, for messages such as
	// "SendGrid is currently unavailable". The host fills it in.
	Provider string
	// Message describes the failure. It is shown to administrators and must
	// not contain secrets.
	Message string
	// Err is the underlying error, if any. It does not cross the plugin
	// boundary (its text does, in Message).
	Err error
}

// NewError returns an *Error of kind k whose message is err's text.
func NewError(k Kind, err error) *Error {
	e := &Error{Kind: k, Err: err}
	if err != nil {
		e.Message = err.Error()
	}
	return e
}

// AuthFailed marks err as rejected credentials ([KindAuth]).
func AuthFailed(err error) error { return NewError(KindAuth, err) }

// InvalidInput marks err as invalid settings or payload ([KindInvalidInput]).
func InvalidInput(err error) error { return NewError(KindInvalidInput, err) }

// Unavailable marks err as a transient failure of class c ([KindRetryable]).
func Unavailable(err error, c retry.Class) error {
	e := NewError(KindRetryable, err)
	e.Class = c
	return e
}

// Error returns "providers: <provider>: <kind>: <message>".
func (e *Error) Error() string {
	s := "providers: "
	if e.Provider != "" {
		s += e.Provider + ": "
	}
	s += e.Kind.String()
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// RetryClass implements [retry.ClassedError].
func (e *Error) RetryClass() retry.Class {
	if e.Class != retry.ClassNone {
		return e.Class
	}
	switch e.Kind {
	case KindRetryable:
		return retry.ClassServerError
	case KindRateLimited:
		return retry.ClassRateLimited
	case KindAuth, KindInvalidInput:
		return retry.ClassClientError
	case KindPermanent, KindUnsupported:
		return retry.ClassPermanent
	case KindCanceled:
		return retry.ClassCanceled
	}
	return retry.ClassUnknown
}

// RetryDelay implements [retry.DelayedError].
func (e *Error) RetryDelay() time.Duration { return e.RetryAfter }

// Is reports whether target is [ErrUnsupported] and e is of that kind, so
// that errors.Is works on errors rebuilt from a plugin's reply.
func (e *Error) Is(target error) bool {
	return target == ErrUnsupported && e.Kind == KindUnsupported
}

// ErrUnsupported is returned (wrapped in an *Error of [KindUnsupported]) by
// the methods of [UnimplementedProvider] and for unknown operations. Test it
// with errors.Is.
var ErrUnsupported = errors.New("providers: not supported by this provider")

// AsError returns err as an *Error, classifying it if it is not one already:
// HTTP 401 and 403 ([retry.StatusError]) are [KindAuth], 400 and 422 are
// [KindInvalidInput], context errors are [KindCanceled], and the rest follow
// [retry.ClassifyError]. AsError(nil) is nil.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, ErrUnsupported) {
		return NewError(KindUnsupported, err)
	}
	if errors.Is(err, context.Canceled) {
		return &Error{Kind: KindCanceled, Class: retry.ClassCanceled, Message: err.Error(), Err: err}
	}
	o := retry.ClassifyError(err)
	e = &Error{Kind: kindOfClass(o.Class), Class: o.Class, RetryAfter: o.RetryAfter, Message: err.Error(), Err: err}
	var se *retry.StatusError
	if errors.As(err, &se) {
		switch se.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden:
			e.Kind = KindAuth
		case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
			e.Kind = KindInvalidInput
		}
	}
	return e
}

// kindOfClass maps a retry class to the kind a provider error of that class
// has when nothing more specific is known.
func kindOfClass(c retry.Class) Kind {
	switch {
	case c == retry.ClassRateLimited:
		return KindRateLimited
	case c == retry.ClassCanceled:
		return KindCanceled
	case c == retry.ClassClientError:
		return KindInvalidInput
	case c == retry.ClassPermanent, c == retry.ClassTLS:
		return KindPermanent
	case c.Transient():
		return KindRetryable
	}
	return KindUnknown
}

// KindOf returns the kind of err (see [AsError]); KindOf(nil) is KindUnknown.
func KindOf(err error) Kind {
	if e := AsError(err); e != nil {
		return e.Kind
	}
	return KindUnknown
}

// UserMessage returns the spec's message for err (UC-ADMIN-007 §16), naming
// the provider as given when err does not name one:
//
//   - timeout or connection refused: "Connection to [provider] timed out"
//   - auth: "Authentication failed. Please check credentials."
//   - rate limited: "Rate limit exceeded. Retry in [X] seconds."
//   - other transient failures: "[Provider] is currently unavailable"
//   - TLS: "SSL certificate verification failed"
//
// Other errors return their message.
func UserMessage(err error, provider string) string {
	var q *QuotaError
	if errors.As(err, &q) {
		return q.Error()
	}
	e := AsError(err)
	if e == nil {
		return ""
	}
	if e.Provider != "" {
		provider = e.Provider
	}
	switch {
	case e.Kind == KindAuth:
		return "Authentication failed. Please check credentials."
	case e.Kind == KindRateLimited:
		return RateLimitMessage(e.RetryAfter)
	case e.RetryClass() == retry.ClassTLS:
		return "SSL certificate verification failed"
	case e.RetryClass() == retry.ClassTimeout, e.RetryClass() == retry.ClassConnRefused:
		// Both mean the provider could not be reached (§16's "network
		// issue": check the network and firewall, retry); a blocked port
		// shows as one or the other depending on the firewall.
		return "Connection to " + provider + " timed out"
	case e.Kind == KindRetryable:
		return provider + " is currently unavailable"
	}
	return e.Message
}

// RateLimitMessage returns "Rate limit exceeded. Retry in [X] seconds." with
// d rounded up to whole seconds (at least 1).
func RateLimitMessage(d time.Duration) string {
	s := int64(math.Ceil(d.Seconds()))
	if s < 1 {
		s = 1
	}
	return fmt.Sprintf("Rate limit exceeded. Retry in %d seconds.", s)
}
