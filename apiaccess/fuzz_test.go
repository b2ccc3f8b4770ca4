package apiaccess

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseToken checks ParseToken on any input: it never panics, what it
// accepts has the token's shape, and a token it accepts is refused once any
// one character is changed (the checksum catches a typo).
func FuzzParseToken(f *testing.F) {
	tok, err := GenerateToken()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tok)
	f.Fuzz(func(t *testing.T, s string) {
		err := ParseToken(s)
		if err != nil {
			var fe *TokenFormatError
			if !errors.As(err, &fe) || !strings.Contains("length prefix character checksum", fe.Reason) || fe.Reason == "" {
				t.Fatalf("error %v for %q: not a TokenFormatError with a known reason", err, s)
			}
			return
		}
		if len(s) != TokenLen || !strings.HasPrefix(s, TokenPrefix) {
			t.Fatalf("accepted %q", s)
		}
		for i := len(TokenPrefix); i < len(s); i++ {
			for _, c := range []byte{'0', 'Z', 'z'} {
				if c == s[i] {
					continue
				}
				if ParseToken(s[:i]+string(c)+s[i+1:]) == nil {
					t.Fatalf("a change at %d of %q passed the checksum", i, s)
				}
			}
		}
	})
}

// FuzzBearer checks the Authorization header parser: it never panics, and
// what it returns is a non-empty, trimmed part of the header after the
// scheme.
func FuzzBearer(f *testing.F) {
	for _, s := range []string{"Bearer itk_x", "bearer   t  ", "Basic abc", "Bearer", "Bearer ", "BEARER\tx", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		tok, ok := bearerToken(h)
		if !ok {
			if tok != "" {
				t.Fatalf("not ok but returned %q", tok)
			}
			return
		}
		if tok == "" || strings.Trim(tok, " \t") != tok {
			t.Fatalf("token %q not trimmed", tok)
		}
		if !strings.EqualFold(h[:6], "bearer") || !strings.Contains(h[6:], tok) {
			t.Fatalf("token %q is not from header %q", tok, h)
		}
	})
}

// TestTokenFormat checks generated tokens and the shape of the format.
func TestTokenFormat(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 1000 {
		tok, err := GenerateToken()
		if err != nil {
			t.Fatal(err)
		}
		if err := ParseToken(tok); err != nil || len(tok) != 40 || seen[tok] {
			t.Fatalf("token %q: %v", tok, err)
		}
		seen[tok] = true
	}
	// The example of the package doc, made outside Go (the seed corpus's
	// generator): the format is the same on both sides.
	if err := ParseToken("itk_NUUIQES0QsgjGFeE0IJqLg9ylcJ1oE0083OY"); err != nil {
		t.Fatal(err)
	}
	for s, reason := range map[string]string{
		"":                                     "length",
		"itk_short":                            "length",
		"xtk_" + strings.Repeat("a", 36):       "prefix",
		"itk_" + strings.Repeat("a", 35) + "!": "character",
		"itk_" + strings.Repeat("a", 36):       "checksum",
	} {
		var fe *TokenFormatError
		if !errors.As(ParseToken(s), &fe) || fe.Reason != reason {
			t.Errorf("%q: want %s, got %v", s, reason, ParseToken(s))
		}
	}
}
