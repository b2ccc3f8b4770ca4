package secret

import "unicode/utf8"

const (
	// maskBullets is the fixed-width prefix of every masked value, so the
	// mask says nothing about the secret's length.
	maskBullets = "••••••••"
	// maskMinLen is the shortest secret (in characters) whose tail is shown.
	maskMinLen = 12
	// maskTail is how many trailing characters are shown.
	maskTail = 4
)

// Mask renders a secret for display (API responses, logs, the dashboard).
// The rule:
//   - "" stays "" (so "not set" stays visible);
//   - a secret shorter than 12 characters becomes "••••••••";
//   - a longer one becomes "••••••••" followed by its last 4 characters.
//
// Lengths count characters (runes), not bytes, so a multi-byte character is
// never split. The output never reveals the length of the secret.
func Mask(s string) string {
	if s == "" {
		return ""
	}
	n := utf8.RuneCountInString(s)
	if n < maskMinLen {
		return maskBullets
	}
	tail := s
	for range n - maskTail {
		_, size := utf8.DecodeRuneInString(tail)
		tail = tail[size:]
	}
	return maskBullets + tail
}
