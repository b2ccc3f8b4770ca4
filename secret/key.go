package secret

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// KeySize is the length of a key in bytes (AES-256).
const KeySize = 32

// MaxKeyIDLen is the longest key ID accepted.
const MaxKeyIDLen = 32

// wantKey ends every key-format error with the fix.
const wantKey = "want 32 bytes of hex or base64 (generate one with: openssl rand -base64 32)"

// Key is one named AES-256 key. The zero Key holds no material and is
// rejected by [NewKeyring]; make keys with [ParseKey] or [GenerateKey].
// Printing a Key with fmt shows only its ID.
type Key struct {
	// ID names the key inside sealed values: 1 to 32 characters of
	// A-Z, a-z, 0-9, '_' or '-'.
	ID string

	material []byte
}

// ParseKey builds a key from its ID and its encoded material: 64 hex
// characters, or base64 in the standard or URL alphabet, padded or not.
// Surrounding white space is ignored. The error never contains the material.
func ParseKey(id, encoded string) (Key, error) {
	if err := validateID(id); err != nil {
		return Key{}, err
	}
	raw, err := decodeKey(id, strings.TrimSpace(encoded))
	if err != nil {
		return Key{}, err
	}
	return Key{ID: id, material: raw}, nil
}

// GenerateKey returns a new random key from crypto/rand.
func GenerateKey(id string) (Key, error) {
	if err := validateID(id); err != nil {
		return Key{}, err
	}
	raw := make([]byte, KeySize)
	if _, err := rand.Read(raw); err != nil {
		return Key{}, fmt.Errorf("secret: generate key %q: %w", id, err)
	}
	return Key{ID: id, material: raw}, nil
}

// Encode returns the key material as padded standard base64, the form
// [ParseKey] and [KeyringFromEnv] read back. Treat the result as a secret.
func (k Key) Encode() string {
	return base64.StdEncoding.EncodeToString(k.material)
}

// String returns the key's ID only, never its material.
func (k Key) String() string {
	return fmt.Sprintf("secret.Key{ID:%q}", k.ID)
}

// Format implements [fmt.Formatter] so that no verb prints the material.
func (k Key) Format(f fmt.State, _ rune) {
	_, _ = f.Write([]byte(k.String()))
}

// decodeKey decodes hex (when every character is a hex digit) or base64.
func decodeKey(id, s string) ([]byte, error) {
	if s == "" {
		return nil, &KeyError{ID: id, Problem: "is empty; " + wantKey}
	}
	raw, ok := decodeHex(s)
	if !ok {
		raw, ok = decodeBase64(s)
	}
	if !ok {
		return nil, &KeyError{ID: id, Problem: "is neither hex nor base64; " + wantKey}
	}
	if len(raw) != KeySize {
		return nil, &KeyError{ID: id, Problem: fmt.Sprintf("is %d bytes; %s", len(raw), wantKey)}
	}
	return raw, nil
}

// decodeHex decodes s if it is an even-length run of hex digits.
func decodeHex(s string) ([]byte, bool) {
	if len(s)%2 != 0 || strings.Trim(s, "0123456789abcdefABCDEF") != "" {
		return nil, false
	}
	raw, err := hex.DecodeString(s)
	return raw, err == nil
}

// decodeBase64 accepts the standard and URL alphabets, padded or not.
func decodeBase64(s string) ([]byte, bool) {
	s = strings.TrimRight(s, "=")
	if strings.ContainsAny(s, "\r\n") {
		return nil, false
	}
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if raw, err := enc.DecodeString(s); err == nil {
			return raw, true
		}
	}
	return nil, false
}

// validateID checks a key ID without echoing it: an invalid ID may be key
// material pasted in the wrong place.
func validateID(id string) error {
	if id == "" {
		return &KeyError{Problem: "ID is empty; want 1 to 32 characters of A-Z, a-z, 0-9, _ or -"}
	}
	if len(id) > MaxKeyIDLen {
		return &KeyError{Problem: fmt.Sprintf("ID is %d characters; want at most %d", len(id), MaxKeyIDLen)}
	}
	if !validIDChars(id) {
		return &KeyError{Problem: "ID has characters outside A-Z, a-z, 0-9, _ and -"}
	}
	return nil
}

// validIDChars reports whether s uses only [A-Za-z0-9_-].
func validIDChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}
