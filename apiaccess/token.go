package apiaccess

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"hash/crc32"
	"strings"
)

// The token format. A token is TokenPrefix, 30 random base62 characters
// (178 bits) and a 6-character base62 CRC-32 of everything before it:
//
//	itk_NUUIQES0QsgjGFeE0IJqLg9ylcJ1oE0083OY
//	└──┘└────────── random ──────────┘└crc─┘
//
// The fixed prefix and the checksum let secret scanners (GitHub secret
// scanning, gitleaks, trufflehog) find leaked tokens with few false
// positives, with [TokenPattern], and let the middleware refuse a mistyped
// token without a database lookup.
const (
	// TokenPrefix begins every token.
	TokenPrefix = "itk_"
	// TokenLen is the length of a token in bytes (ASCII).
	TokenLen = len(TokenPrefix) + tokenRandomLen + tokenCRCLen
	// TokenPattern is a regular expression (RE2 and PCRE) that matches a
	// token, for secret scanners. Verify a match with [ParseToken]: the
	// checksum tells a token from a look-alike.
	TokenPattern = `\bitk_[0-9A-Za-z]{36}\b`
	// DisplayPrefixLen is how much of a token is kept in clear and shown to
	// admins: the prefix and 8 random characters.
	DisplayPrefixLen = len(TokenPrefix) + 8

	tokenRandomLen = 30
	tokenCRCLen    = 6
	base62         = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	// hashPrefix marks the hash scheme of the stored hash.
	hashPrefix = "sha256:"
	// maskTail is what replaces the secret part of a token for display.
	maskTail = "••••••••"
)

// TokenFormatError says why a string is not a token. It never holds the
// string itself.
type TokenFormatError struct {
	// Reason is "length", "prefix", "character" or "checksum".
	Reason string
}

// Error returns "apiaccess: malformed API token (checksum)".
func (e *TokenFormatError) Error() string { return "apiaccess: malformed API token (" + e.Reason + ")" }

// ParseToken checks that s is a well-formed token: length, prefix, alphabet
// and checksum. It does not say whether the token exists.
func ParseToken(s string) error {
	if len(s) != TokenLen {
		return &TokenFormatError{Reason: "length"}
	}
	if !strings.HasPrefix(s, TokenPrefix) {
		return &TokenFormatError{Reason: "prefix"}
	}
	for i := len(TokenPrefix); i < len(s); i++ {
		if base62Value(s[i]) < 0 {
			return &TokenFormatError{Reason: "character"}
		}
	}
	body := s[:len(s)-tokenCRCLen]
	if encodeCRC(crc32.ChecksumIEEE([]byte(body))) != s[len(body):] {
		return &TokenFormatError{Reason: "checksum"}
	}
	return nil
}

// GenerateToken returns a new random token.
func GenerateToken() (string, error) {
	var b strings.Builder
	b.Grow(TokenLen)
	b.WriteString(TokenPrefix)
	buf := make([]byte, 64)
	for b.Len() < len(TokenPrefix)+tokenRandomLen {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, c := range buf {
			// Rejection sampling: 248 = 4 × 62, so c % 62 is uniform.
			if c < 248 && b.Len() < len(TokenPrefix)+tokenRandomLen {
				b.WriteByte(base62[c%62])
			}
		}
	}
	body := b.String()
	return body + encodeCRC(crc32.ChecksumIEEE([]byte(body))), nil
}

// encodeCRC writes a CRC-32 as 6 base62 digits, most significant first
// (62^6 > 2^32).
func encodeCRC(v uint32) string {
	var out [tokenCRCLen]byte
	n := uint64(v)
	for i := tokenCRCLen - 1; i >= 0; i-- {
		out[i] = base62[n%62]
		n /= 62
	}
	return string(out[:])
}

func base62Value(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 36
	}
	return -1
}

// HashToken returns the stored form of a token: "sha256:" and the hex
// SHA-256 of the whole token. A token holds 178 random bits, so a plain
// hash cannot be reversed by guessing; no salt is needed, and the hash can
// be looked up directly.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hashPrefix + hex.EncodeToString(sum[:])
}

// displayPrefix returns the part of a token shown to admins.
func displayPrefix(token string) string { return token[:DisplayPrefixLen] }

// maskToken renders a token from its display prefix.
func maskToken(prefix string) string { return prefix + maskTail }

// bearerToken returns the credentials of an "Authorization: Bearer ..."
// header value (RFC 6750: the scheme is case-insensitive). ok is false
// when the header is empty or names another scheme.
func bearerToken(header string) (token string, ok bool) {
	const scheme = "bearer"
	if len(header) <= len(scheme) || !strings.EqualFold(header[:len(scheme)], scheme) || header[len(scheme)] != ' ' {
		return "", false
	}
	token = strings.Trim(header[len(scheme):], " \t")
	return token, token != ""
}
