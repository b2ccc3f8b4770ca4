package webhook

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/intimeos/integrations/retry"
)

// Limits of the webhook form (§17).
const (
	NameMaxLen = 100
	URLMaxLen  = 2048
)

// fieldErrors collects one message per field.
type fieldErrors map[string]string

func (f fieldErrors) set(field, msg string) {
	if msg != "" {
		if _, ok := f[field]; !ok {
			f[field] = msg
		}
	}
}

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return &ValidationError{Fields: f}
}

// checkName applies the name rules except uniqueness, which the store
// enforces.
func checkName(name string) string {
	switch {
	case strings.TrimSpace(name) == "":
		return MsgNameRequired
	case utf8.RuneCountInString(strings.TrimSpace(name)) > NameMaxLen: // stored trimmed
		return MsgNameTooLong
	case !plainText(name):
		return MsgNameInvalid
	}
	return ""
}

// plainText reports whether s is valid UTF-8 without control characters:
// text a TEXT column stores (PostgreSQL refuses NUL and invalid UTF-8) and
// a screen shows.
func plainText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// checkURL applies the URL rules: required, at most 2048 characters, an
// absolute https URL with a host.
func checkURL(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return MsgURLRequired
	}
	if utf8.RuneCountInString(raw) > URLMaxLen {
		return MsgURLTooLong
	}
	if !plainText(raw) {
		return MsgURLInvalid
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" || u.Opaque != "" {
		if err == nil && strings.EqualFold(u.Scheme, "http") {
			return MsgURLNotHTTPS
		}
		return MsgURLInvalid
	}
	if u.User != nil {
		// A password would be stored and shown in the clear; endpoints
		// authenticate deliveries by their signatures.
		return MsgURLInvalid
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return MsgURLInvalid
		}
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return ""
	case "http":
		return MsgURLNotHTTPS
	}
	return MsgURLInvalid
}

// checkEvents requires at least one event, each in the catalog.
func checkEvents(c *Catalog, events []string) string {
	if len(events) == 0 {
		return MsgEventsRequired
	}
	for _, e := range events {
		if _, ok := c.Lookup(e); !ok {
			return MsgEventUnknown + e
		}
	}
	return ""
}

// checkPolicy adds a retry policy's field messages.
func checkPolicy(f fieldErrors, p *retry.Policy) {
	if p == nil {
		return
	}
	var ve *retry.ValidationError
	if err := p.Validate(); errors.As(err, &ve) {
		for k, v := range ve.Fields {
			f.set(k, v)
		}
	}
}

// dedupe removes repeated event names, keeping the first occurrence.
func dedupe(events []string) []string {
	seen := make(map[string]bool, len(events))
	out := make([]string, 0, len(events))
	for _, e := range events {
		e = strings.TrimSpace(e)
		if !seen[e] && e != "" {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}
