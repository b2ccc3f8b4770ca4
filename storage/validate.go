package storage

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// Column limits, in characters. Every backend enforces them alike (SQLite
// does not enforce VARCHAR(n) itself, PostgreSQL does), before any
// statement runs.
const (
	// NameMaxLen bounds integration, webhook and API token names
	// (VARCHAR(100)).
	NameMaxLen = 100
	// TypeMaxLen bounds integration types and providers, event types and
	// OAuth state providers (VARCHAR(50)).
	TypeMaxLen = 50
	// MetricMaxLen bounds metric names (VARCHAR(100)).
	MetricMaxLen = 100
	// TokenTypeMaxLen bounds OAuth token types (VARCHAR(20)).
	TokenTypeMaxLen = 20
	// PrefixMaxLen bounds API token prefixes (VARCHAR(16)).
	PrefixMaxLen = 16
	// KeyMaxLen bounds what a unique index holds and what lookups search
	// it for: idempotency keys, alert de-duplication keys, OAuth state
	// hashes and API token hashes. PostgreSQL's B-tree refuses entries
	// over about 2.7 kB; 255 characters are at most 1,020 bytes.
	KeyMaxLen = 255
)

// Bounds of a webhook signing secret once base64-decoded, as the Standard
// Webhooks specification gives them. The SDK generates 24 bytes.
const (
	SecretMinBytes = 24
	SecretMaxBytes = 64
)

// wantSecret ends every secret error with what is wanted.
const wantSecret = "want 24 to 64 random bytes in standard base64, optionally prefixed whsec_ " +
	"(webhook.GenerateSecret makes one)"

// checker validates the fields of one parameter struct and keeps the first
// problem it finds.
type checker struct {
	typ string
	err error
}

func check(typ string) *checker { return &checker{typ: typ} }

// fail records a problem with field unless one is already recorded.
func (c *checker) fail(field, problem string) {
	if c.err != nil {
		return
	}
	if c.typ != "" {
		field = c.typ + "." + field
	}
	c.err = &InvalidError{Field: field, Problem: problem}
}

// text requires valid UTF-8 without NUL bytes: what PostgreSQL's TEXT
// stores (SQLite stores anything, so the rule is PostgreSQL's).
func (c *checker) text(field, s string) {
	if p := textProblem(s); p != "" {
		c.fail(field, p)
	}
}

// textMax is text of at most n characters.
func (c *checker) textMax(field, s string, n int) {
	c.text(field, s)
	if l := utf8.RuneCountInString(s); l > n {
		c.fail(field, fmt.Sprintf("is %d characters; want at most %d", l, n))
	}
}

// textPtr checks an optional text.
func (c *checker) textPtr(field string, s *string, n int) {
	if s != nil {
		c.textMax(field, *s, n)
	}
}

// texts checks every element of a list.
func texts[T ~string](c *checker, field string, vs []T, n int) {
	for _, v := range vs {
		c.textMax(field, string(v), n)
	}
}

// enum requires v to be one of allowed, or "" when empty is allowed.
func enum[T ~string](c *checker, field string, v T, emptyOK bool, allowed ...T) {
	if v == "" && emptyOK {
		return
	}
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	c.fail(field, "is not one of "+strings.Join(names, ", "))
}

// int32 requires n to fit a 32-bit INTEGER column.
func (c *checker) int32(field string, n int) {
	if n > math.MaxInt32 || n < math.MinInt32 {
		c.fail(field, fmt.Sprintf("is %d; want at most %d", n, math.MaxInt32))
	}
}

// document requires JSON text, for a column that keeps the bytes as given
// (a sealed config, a delivery payload). Empty is allowed when emptyOK.
func (c *checker) document(field string, b []byte, emptyOK bool) {
	switch {
	case len(b) == 0 && emptyOK:
	case len(b) == 0:
		c.fail(field, "is empty; want a JSON document")
	case !utf8.Valid(b):
		c.fail(field, "is not valid UTF-8")
	case !json.Valid(b):
		c.fail(field, "is not valid JSON")
	}
}

// jsonb requires JSON that PostgreSQL's jsonb stores (nil is NULL).
func (c *checker) jsonb(field string, b []byte) {
	if b == nil {
		return
	}
	c.document(field, b, false)
	if c.err == nil {
		if p := jsonbProblem(b); p != "" {
			c.fail(field, p)
		}
	}
}

// secret requires a webhook signing secret.
func (c *checker) secret(field, s string) {
	if p := secretProblem(s); p != "" {
		c.fail(field, p)
	}
}

// nonNil reports a nil parameter struct.
func nonNil[T any](typ string, p *T) *checker {
	c := check(typ)
	if p == nil {
		c.err = &InvalidError{Field: typ, Problem: "is nil"}
	}
	return c
}

// textProblem says why a TEXT column would refuse s, or "".
func textProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case strings.IndexByte(s, 0) >= 0:
		return "holds a NUL byte"
	}
	return ""
}

// secretProblem says why s is not a webhook signing secret, or "". The
// signature of the Standard Webhooks is keyed by the decoded secret, so
// text that is not base64 would be signed with as raw bytes that no
// receiver's library reproduces.
func secretProblem(s string) string {
	k := strings.TrimPrefix(s, "whsec_")
	if k == "" {
		return "is empty; " + wantSecret
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(k)
	if err != nil || strings.ContainsAny(k, "\r\n") {
		return "is not standard base64; " + wantSecret
	}
	if len(raw) < SecretMinBytes || len(raw) > SecretMaxBytes {
		return fmt.Sprintf("decodes to %d bytes; %s", len(raw), wantSecret)
	}
	return ""
}

// CheckKey validates a key that a lookup searches a unique index for (an
// OAuth state hash, an API token hash): text of at most [KeyMaxLen]
// characters. name is the argument's name, for the error.
func CheckKey(name, key string) error {
	c := &checker{}
	c.textMax(name, key, KeyMaxLen)
	return c.err
}

// ValidateBatch validates every element of a batch (a nil element is
// invalid) and returns the first problem, saying which element it is in.
func ValidateBatch[T interface{ Validate() error }](ps []T) error {
	for i, p := range ps {
		err := p.Validate()
		if err == nil {
			continue
		}
		if ie, ok := err.(*InvalidError); ok {
			return &InvalidError{Field: ie.Field, Problem: fmt.Sprintf("%s (element %d of the batch)", ie.Problem, i)}
		}
		return err
	}
	return nil
}
