package retry

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Class is the kind of outcome an attempt had. The zero value, [ClassNone],
// means the attempt succeeded. Its text form (see [Class.String]) is the name
// used in the JSON field retryOn and across process boundaries.
type Class int

// The classes an attempt's outcome can fall into.
const (
	// ClassNone means the attempt succeeded.
	ClassNone Class = iota
	// ClassServerError is an HTTP 5xx response ("5xx Server Errors").
	ClassServerError
	// ClassTimeout is a timed-out attempt: ETIMEDOUT, a network timeout or
	// an expired per-attempt deadline ("Connection Timeout").
	ClassTimeout
	// ClassConnRefused is ECONNREFUSED ("Connection Refused").
	ClassConnRefused
	// ClassDNS is a failed name resolution, ENOTFOUND ("DNS Resolution Failure").
	ClassDNS
	// ClassRateLimited is HTTP 429 ("429 Too Many Requests").
	ClassRateLimited
	// ClassClientError is any other HTTP 4xx ("4xx Client Errors").
	ClassClientError
	// ClassTLS is a TLS handshake or certificate verification failure.
	ClassTLS
	// ClassPermanent marks an error the caller declared final with [Permanent].
	ClassPermanent
	// ClassCanceled means the caller's context ended; it is never retried.
	ClassCanceled
	// ClassNetwork is any other network failure (connection reset, broken
	// pipe, unexpected EOF, unreachable host).
	ClassNetwork
	// ClassUnknown is an error this package cannot classify.
	ClassUnknown

	classCount = iota
)

var classNames = [classCount]string{
	ClassNone:        "none",
	ClassServerError: "server_error",
	ClassTimeout:     "timeout",
	ClassConnRefused: "connection_refused",
	ClassDNS:         "dns",
	ClassRateLimited: "rate_limited",
	ClassClientError: "client_error",
	ClassTLS:         "tls",
	ClassPermanent:   "permanent",
	ClassCanceled:    "canceled",
	ClassNetwork:     "network",
	ClassUnknown:     "unknown",
}

// String returns the class name, for example "server_error".
func (c Class) String() string {
	if c < 0 || int(c) >= classCount {
		return fmt.Sprintf("class(%d)", int(c))
	}
	return classNames[c]
}

// ParseClass returns the class with the given name, as printed by [Class.String].
func ParseClass(name string) (Class, error) {
	for c, n := range classNames {
		if n == name {
			return Class(c), nil
		}
	}
	return ClassUnknown, fmt.Errorf("retry: unknown class %q", name)
}

// MarshalText encodes the class as its name.
func (c Class) MarshalText() ([]byte, error) {
	if c < 0 || int(c) >= classCount {
		return nil, fmt.Errorf("retry: invalid class %d", int(c))
	}
	return []byte(c.String()), nil
}

// UnmarshalText decodes a class name.
func (c *Class) UnmarshalText(b []byte) error {
	v, err := ParseClass(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Transient reports whether the class is a failure that is expected to pass:
// 5xx, timeout, connection refused, DNS, 429 and other network failures. It is
// the policy-free answer used by [IsRetryable]; [Policy.RetriesOn] is the
// configured one.
func (c Class) Transient() bool {
	switch c {
	case ClassServerError, ClassTimeout, ClassConnRefused, ClassDNS, ClassRateLimited, ClassNetwork:
		return true
	}
	return false
}

// selectable reports whether the class may appear in a policy's RetryOn.
func (c Class) selectable() bool {
	return c > ClassNone && c < classCount && c != ClassPermanent && c != ClassCanceled
}

// ClassSet is a set of classes, the type of [Policy.RetryOn]. Its JSON form is
// a list of class names.
type ClassSet uint32

// DefaultRetryOn is the spec's default selection: 5xx, connection timeout,
// connection refused and DNS failure; 429 and other 4xx are off.
const DefaultRetryOn = ClassSet(1<<ClassServerError | 1<<ClassTimeout | 1<<ClassConnRefused | 1<<ClassDNS)

// NewClassSet returns the set holding the given classes.
func NewClassSet(classes ...Class) ClassSet {
	var s ClassSet
	for _, c := range classes {
		s = s.With(c)
	}
	return s
}

// Has reports whether c is in the set.
func (s ClassSet) Has(c Class) bool {
	return c >= 0 && int(c) < classCount && s&(1<<c) != 0
}

// With returns the set plus c.
func (s ClassSet) With(c Class) ClassSet {
	if c < 0 || int(c) >= classCount {
		return s
	}
	return s | 1<<c
}

// Without returns the set minus c.
func (s ClassSet) Without(c Class) ClassSet {
	if c < 0 || int(c) >= classCount {
		return s
	}
	return s &^ (1 << c)
}

// Classes returns the members in class order.
func (s ClassSet) Classes() []Class {
	out := []Class{}
	for c := Class(0); int(c) < classCount; c++ {
		if s.Has(c) {
			out = append(out, c)
		}
	}
	return out
}

// String returns the member names joined by commas.
func (s ClassSet) String() string {
	names := make([]string, 0, classCount)
	for _, c := range s.Classes() {
		names = append(names, c.String())
	}
	return strings.Join(names, ",")
}

// MarshalJSON encodes the set as a list of class names.
func (s ClassSet) MarshalJSON() ([]byte, error) {
	return json.Marshal(s.Classes())
}

// UnmarshalJSON decodes a list of class names.
func (s *ClassSet) UnmarshalJSON(b []byte) error {
	var classes []Class
	if err := json.Unmarshal(b, &classes); err != nil {
		return err
	}
	*s = NewClassSet(classes...)
	return nil
}
