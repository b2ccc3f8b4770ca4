// Package payload holds the checks that the typed operation packages
// (calendar, meeting) apply to their payloads: each returns nil or an
// error naming the field, to be joined into one
// [providers.KindInvalidInput] error by [Invalid].
package payload

import (
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // time zones validate the same on every host and plugin
	"unicode"
	"unicode/utf8"

	"github.com/intimeos/integrations/providers"
)

// MaxID bounds identifiers and idempotency keys, in bytes.
const MaxID = 1024

// Invalid joins errs (nils ignored) into a [providers.KindInvalidInput]
// error prefixed by pkg, or returns nil.
func Invalid(pkg string, errs []error) error {
	if err := errors.Join(errs...); err != nil {
		return providers.InvalidInput(fmt.Errorf("%s: %w", pkg, err))
	}
	return nil
}

// Text checks v's length in characters and, if required, that it is not
// blank.
func Text(what, v string, max int, required bool) error {
	switch n := utf8.RuneCountInString(v); {
	case required && strings.TrimSpace(v) == "":
		return fmt.Errorf("%s is required", what)
	case n > max:
		return fmt.Errorf("%s has %d characters, more than %d", what, n, max)
	}
	return nil
}

// ID checks an identifier: printable, without spaces, at most [MaxID]
// bytes.
func ID(what, v string, required bool) error {
	switch {
	case v == "" && required:
		return fmt.Errorf("%s is required", what)
	case len(v) > MaxID:
		return fmt.Errorf("%s is longer than %d bytes", what, MaxID)
	case strings.IndexFunc(v, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0:
		return fmt.Errorf("%s contains spaces or control characters", what)
	}
	return nil
}

// Times checks that both are set and end is after start, by at most max.
func Times(start, end time.Time, max time.Duration) error {
	switch {
	case start.IsZero() || end.IsZero():
		return errors.New("start and end are required")
	case !end.After(start):
		return errors.New("end must be after start")
	case end.Sub(start) > max:
		return fmt.Errorf("end is more than %s after start", max)
	}
	return nil
}

// Move checks a change of time: start and end both set or both nil.
func Move(start, end *time.Time, max time.Duration) error {
	switch {
	case (start == nil) != (end == nil):
		return errors.New("start and end are changed together")
	case start != nil:
		return Times(*start, *end, max)
	}
	return nil
}

// Zone checks an optional IANA time zone name.
func Zone(tz string) error {
	if tz != "" && !ValidTimeZone(tz) {
		return fmt.Errorf("time zone %q is not an IANA time zone such as America/New_York", tz)
	}
	return nil
}

// ValidTimeZone reports whether tz names an IANA time zone ("UTC",
// "Europe/Paris"). The empty string and "Local" are not time zones.
func ValidTimeZone(tz string) bool {
	if tz == "" || tz == "Local" || len(tz) > 64 {
		return false
	}
	_, err := time.LoadLocation(tz)
	return err == nil
}

// Emails checks a list of addresses: at most max, each valid, none twice
// (case-insensitively).
func Emails(what string, list []string, max int) []error {
	var errs []error
	if len(list) > max {
		errs = append(errs, fmt.Errorf("%d %ss, more than %d", len(list), what, max))
	}
	seen := map[string]bool{}
	for _, a := range list {
		key := strings.ToLower(a)
		switch {
		case !providers.ValidEmail(a):
			errs = append(errs, fmt.Errorf("%s %q is not an email address", what, a))
		case seen[key]:
			errs = append(errs, fmt.Errorf("%s %q is listed twice", what, a))
		}
		seen[key] = true
	}
	return errs
}
