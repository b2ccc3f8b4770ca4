// Package headerjson writes an http.Header as the JSON object
// encoding/json writes for it ({"Name":["value",...],...}, names sorted),
// without reflection: the stores write the request and response headers of
// every delivery attempt, and json.Marshal was a tenth of the recorder's
// time.
package headerjson

import (
	"net/http"
	"slices"
	"unicode/utf8"
)

const hex = "0123456789abcdef"

// Marshal returns h as JSON; a nil h is nil (SQL NULL). Names are sorted;
// invalid UTF-8 becomes U+FFFD, as with encoding/json, and so does a NUL
// byte, which PostgreSQL's jsonb cannot hold (so that every store keeps the
// same headers). Unlike
// encoding/json it does not escape <, > and &, which are valid in JSON
// strings, so the bytes may differ but the value decoded is the same.
func Marshal(h http.Header) []byte {
	if h == nil {
		return nil
	}
	names := make([]string, 0, len(h))
	size := 2
	for name, vs := range h {
		names = append(names, name)
		size += len(name) + 6
		for _, v := range vs {
			size += len(v) + 3
		}
	}
	slices.Sort(names)
	b := make([]byte, 0, size)
	b = append(b, '{')
	for i, name := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, name)
		b = append(b, ':')
		vs := h[name]
		if vs == nil {
			b = append(b, "null"...)
			continue
		}
		b = append(b, '[')
		for j, v := range vs {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendString(b, v)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendString appends s as a JSON string.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case 0:
				b = append(b, `\ufffd`...) // jsonb cannot hold \u0000
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
