package secret_test

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/intimeos/integrations/secret"
	"github.com/stretchr/testify/require"
)

func TestParseKey(t *testing.T) {
	t.Parallel()
	raw, err := hex.DecodeString(hexK1)
	require.NoError(t, err)
	// Bytes chosen so that std and URL base64 differ (+ / versus - _).
	odd := []byte(strings.Repeat("\xfb\xff\xbf", 10) + "\xfb\xff")
	short := raw[:16]

	tests := []struct {
		name    string
		id      string
		encoded string
		want    []byte
		errText string
	}{
		{"hex lower", "k1", hexK1, raw, ""},
		{"hex upper", "k1", strings.ToUpper(hexK1), raw, ""},
		{"hex with spaces", "k1", "  " + hexK1 + "\n", raw, ""},
		{"base64 std padded", "k1", base64.StdEncoding.EncodeToString(odd), odd, ""},
		{"base64 std raw", "k1", base64.RawStdEncoding.EncodeToString(odd), odd, ""},
		{"base64 url padded", "k1", base64.URLEncoding.EncodeToString(odd), odd, ""},
		{"base64 url raw", "k1", base64.RawURLEncoding.EncodeToString(odd), odd, ""},
		{"short hex", "k1", hex.EncodeToString(short), nil, `secret: key "k1" is 16 bytes; want 32 bytes of hex or base64 (generate one with: openssl rand -base64 32)`},
		{"short base64", "k1", base64.StdEncoding.EncodeToString(short), nil, "is 16 bytes; want 32"},
		{"long base64", "k1", base64.StdEncoding.EncodeToString(append(raw, 1)), nil, "is 33 bytes; want 32"},
		{"odd length hex read as base64", "k1", hexK1[:63], nil, "is 47 bytes; want 32"},
		{"bad chars", "k1", strings.Repeat("!", 44), nil, "is neither hex nor base64"},
		{"embedded newline", "k1", hexK1[:32] + "\n" + hexK1[32:], nil, "is neither hex nor base64"},
		{"empty", "k1", "", nil, `secret: key "k1" is empty; want 32 bytes`},
		{"blank", "k1", "   ", nil, "is empty"},
		{"empty id", "", hexK1, nil, "secret: key ID is empty"},
		{"id with dot", "k.1", hexK1, nil, "ID has characters outside"},
		{"id too long", strings.Repeat("k", 33), hexK1, nil, "ID is 33 characters; want at most 32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := secret.ParseKey(tt.id, tt.encoded)
			if tt.errText != "" {
				require.ErrorIs(t, err, secret.ErrInvalidKey)
				require.ErrorContains(t, err, tt.errText)
				require.True(t, strings.HasPrefix(err.Error(), "secret: "))
				requireNoLeak(t, err, strings.TrimSpace(tt.encoded))
				var ke *secret.KeyError
				require.ErrorAs(t, err, &ke)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.id, k.ID)
			require.Equal(t, base64.StdEncoding.EncodeToString(tt.want), k.Encode())
		})
	}
}

func TestGenerateKey(t *testing.T) {
	t.Parallel()
	a, err := secret.GenerateKey("a")
	require.NoError(t, err)
	b, err := secret.GenerateKey("b")
	require.NoError(t, err)
	require.NotEqual(t, a.Encode(), b.Encode())

	back, err := secret.ParseKey("a", a.Encode())
	require.NoError(t, err)
	require.Equal(t, a.Encode(), back.Encode())

	_, err = secret.GenerateKey("bad id")
	require.ErrorIs(t, err, secret.ErrInvalidKey)
}

func TestKeyFormatHidesMaterial(t *testing.T) {
	t.Parallel()
	k := mustKey(t, "k1", hexK1)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%d", "%q"} {
		out := fmt.Sprintf(verb, k) + fmt.Sprintf(verb, []secret.Key{k}) + fmt.Sprintf(verb, &k)
		require.NotContains(t, strings.ToLower(out), hexK1[:16], verb)
		require.NotContains(t, out, k.Encode(), verb)
		require.NotContains(t, out, "[0 1 2 3", verb)
	}
	require.Equal(t, `secret.Key{ID:"k1"}`, k.String())
}
