package secret_test

import (
	"os"
	"strings"
	"testing"

	"github.com/intimeos/integrations/secret"
	"github.com/stretchr/testify/require"
)

// TestKeyringFromEnv cannot be parallel: it uses t.Setenv.
func TestKeyringFromEnv(t *testing.T) {
	b := setup(t)
	const name = "INTIME_TEST_SECRET_KEYS"
	tests := []struct {
		name    string
		value   *string // nil: unset
		ids     []string
		errText string
	}{
		{"bare key gets k1", ptr(b.k1.Encode()), []string{"k1"}, ""},
		{"bare hex key", ptr(hexK1), []string{"k1"}, ""},
		{"one pair", ptr("main:" + hexK2), []string{"main"}, ""},
		{"two pairs oldest first", ptr("k1:" + b.k1.Encode() + ", k2:" + hexK2), []string{"k1", "k2"}, ""},
		{"spaces and newline", ptr(" k1 : " + hexK1 + " ,\n k2:" + hexK2 + "\n"), []string{"k1", "k2"}, ""},
		{"unset", nil, nil, "secret: environment variable " + name + " is not set; set it to id:key pairs"},
		{"empty", ptr(""), nil, "secret: environment variable " + name + " is empty"},
		{"blank", ptr("  "), nil, "is empty"},
		{"short key", ptr("k1:" + hexK1[:32]), nil, `secret: key "k1" is 16 bytes; want 32 bytes of hex or base64 (generate one with: openssl rand -base64 32) (in environment variable ` + name + ")"},
		{"two bare keys", ptr(hexK1 + "," + hexK2), nil, "entry 1 has no ID; write it as id:key"},
		{"trailing comma", ptr("k1:" + hexK1 + ","), nil, "entry 2 has no ID"},
		{"duplicate", ptr("k1:" + hexK1 + ",k1:" + hexK2), nil, `key "k1" appears twice`},
		{"bad id", ptr("k 1:" + hexK1), nil, "ID has characters outside"},
		{"missing key", ptr("k1:"), nil, `key "k1" is empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.value == nil {
				t.Setenv(name, "") // restores the old value after the test
				require.NoError(t, os.Unsetenv(name))
			} else {
				t.Setenv(name, *tt.value)
			}
			r, err := secret.KeyringFromEnv(name)
			if tt.errText != "" {
				require.ErrorContains(t, err, tt.errText)
				require.True(t, strings.HasPrefix(err.Error(), "secret: "))
				requireNoLeak(t, err, hexK1, hexK2, hexK1[:32], b.k1.Encode())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.ids, r.KeyIDs())
			require.Equal(t, tt.ids[len(tt.ids)-1], r.PrimaryID())
		})
	}
}

func TestParseKeyringBareKeyOpensOwnValues(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r, err := secret.ParseKeyring(hexK1)
	require.NoError(t, err)
	got, err := r.Open(mustSeal(t, b.old, "v"))
	require.NoError(t, err)
	require.Equal(t, "v", string(got))
}

func ptr(s string) *string { return &s }
