package webhook

import (
	"errors"
	"net/netip"
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
// absolute https URL with a host, without spaces, a fragment or characters
// a URL may not hold, and no address the SSRF guard would refuse (see
// checkHost).
func checkURL(raw string, allow []netip.Prefix) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return MsgURLRequired
	}
	if utf8.RuneCountInString(raw) > URLMaxLen {
		return MsgURLTooLong
	}
	if !plainText(raw) || strings.ContainsFunc(raw, notInURL) {
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
		return checkHost(u.Hostname(), allow)
	case "http":
		return MsgURLNotHTTPS
	}
	return MsgURLInvalid
}

// notInURL reports the characters refused in a URL: white space, which
// would be sent percent-encoded and is a typing mistake; '#', as a fragment
// is never sent to the server; and the ASCII characters RFC 3986 never
// allows unencoded. Other non-ASCII characters are accepted (IRIs).
func notInURL(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune("#\"<>\\^`{|}", r)
}

// checkHost refuses, when allow does not admit them, the hosts the SSRF
// guard would refuse at every attempt: an IP literal outside the public
// address space ([AddrAllowed]), and localhost, which always names
// loopback (RFC 6761). A host whose last label is a number, which is not a
// name and which some resolvers read as an IPv4 address in another form
// ("2130706433", "127.1", "0x7f.1"), is not a valid URL. Other names are
// checked after DNS resolution, on every attempt.
func checkHost(host string, allow []netip.Prefix) string {
	if a, err := netip.ParseAddr(host); err == nil {
		if !AddrAllowed(a, allow) {
			return MsgURLNotPublic
		}
		return ""
	}
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		if !AddrAllowed(netip.IPv6Loopback(), allow) && !AddrAllowed(netip.AddrFrom4([4]byte{127, 0, 0, 1}), allow) {
			return MsgURLNotPublic
		}
		return ""
	}
	if numericLabel(name[strings.LastIndexByte(name, '.')+1:]) {
		return MsgURLInvalid
	}
	return ""
}

// numericLabel reports a label of decimal digits, or "0x" and hex digits.
func numericLabel(l string) bool {
	digits := "0123456789"
	if len(l) > 2 && (l[:2] == "0x") {
		l, digits = l[2:], "0123456789abcdef"
	}
	return l != "" && strings.Trim(l, digits) == ""
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
