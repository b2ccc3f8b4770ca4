package secret_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/intimeos/integrations/secret"
	"github.com/stretchr/testify/require"
)

func TestNewKeyring(t *testing.T) {
	t.Parallel()
	k1 := mustKey(t, "k1", hexK1)
	k2 := mustKey(t, "k2", hexK2)
	dup := mustKey(t, "k1", hexK2)

	tests := []struct {
		name    string
		keys    []secret.Key
		primary string
		errText string
	}{
		{"one key", []secret.Key{k1}, "k1", ""},
		{"last is primary", []secret.Key{k1, k2}, "k2", ""},
		{"order matters", []secret.Key{k2, k1}, "k1", ""},
		{"none", nil, "", "ring is empty"},
		{"duplicate id", []secret.Key{k1, dup}, "", `key "k1" appears twice`},
		{"zero key", []secret.Key{{ID: "k9"}}, "", `key "k9" has no material`},
		{"empty id", []secret.Key{{}}, "", "ID is empty"},
		{"bad id", []secret.Key{{ID: "a b"}}, "", "ID has characters outside"},
		{"long id", []secret.Key{{ID: strings.Repeat("x", 33)}}, "", "at most 32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := secret.NewKeyring(tt.keys...)
			if tt.errText != "" {
				require.ErrorIs(t, err, secret.ErrInvalidKey)
				require.ErrorContains(t, err, tt.errText)
				require.Nil(t, r)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.primary, r.PrimaryID())
			require.NotContains(t, r.String(), hexK1[:16])
		})
	}
}

func TestSealOpenRoundTrip(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name      string
		plaintext string
	}{
		{"empty", ""},
		{"short", "x"},
		{"token", "sk_live_51HxYzAbCdEf"},
		{"json", `{"api_key":"abc","quote":"\"","nl":"\n"}`},
		{"binary", "\x00\xff\xfe\x01"},
		{"long", strings.Repeat("0123456789", 1000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := mustSeal(t, b.ring, tt.plaintext)
			require.True(t, strings.HasPrefix(s, "v1.k2."), s)
			require.True(t, secret.IsSealed(s))
			require.NotContains(t, s, tt.plaintext[:min(len(tt.plaintext), 8)]+"\x00") // sanity
			requireTextSafe(t, s)

			got, err := b.ring.Open(s)
			require.NoError(t, err)
			require.NotNil(t, got)
			require.Equal(t, tt.plaintext, string(got))
		})
	}
}

// requireTextSafe checks s is printable ASCII that JSON does not escape.
func requireTextSafe(t *testing.T, s string) {
	t.Helper()
	for i := 0; i < len(s); i++ {
		require.True(t, s[i] > ' ' && s[i] < 0x7f, "byte %d of %q", i, s)
	}
	j, err := json.Marshal(s)
	require.NoError(t, err)
	require.Equal(t, `"`+s+`"`, string(j))
}

func TestSealIsRandomized(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NotEqual(t, mustSeal(t, b.ring, "same"), mustSeal(t, b.ring, "same"))
}

func TestTwoKeyRing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	onlyK2, err := secret.NewKeyring(b.k2)
	require.NoError(t, err)

	tests := []struct {
		name   string
		sealer *secret.Keyring
		keyID  string
	}{
		{"old key opens", b.old, "k1"},
		{"new key opens", onlyK2, "k2"},
		{"ring seals with newest", b.ring, "k2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := mustSeal(t, tt.sealer, "payload")
			id, err := b.ring.KeyID(s)
			require.NoError(t, err)
			require.Equal(t, tt.keyID, id)
			require.Equal(t, tt.keyID == "k2", b.ring.IsCurrent(s))

			got, err := b.ring.Open(s)
			require.NoError(t, err)
			require.Equal(t, "payload", string(got))
		})
	}
	require.Equal(t, "k2", b.ring.PrimaryID())
	require.Equal(t, []string{"k1", "k2"}, b.ring.KeyIDs())
}

func TestReseal(t *testing.T) {
	t.Parallel()
	b := setup(t)

	t.Run("old moves to primary", func(t *testing.T) {
		t.Parallel()
		oldSealed := mustSeal(t, b.old, "token")
		require.False(t, b.ring.IsCurrent(oldSealed))

		out, changed, err := b.ring.Reseal(oldSealed)
		require.NoError(t, err)
		require.True(t, changed)
		require.True(t, b.ring.IsCurrent(out))
		id, err := b.ring.KeyID(out)
		require.NoError(t, err)
		require.Equal(t, "k2", id)
		got, err := b.ring.Open(out)
		require.NoError(t, err)
		require.Equal(t, "token", string(got))

		_, err = b.old.Open(out)
		require.ErrorIs(t, err, secret.ErrUnknownKey)
	})
	t.Run("current unchanged", func(t *testing.T) {
		t.Parallel()
		cur := mustSeal(t, b.ring, "token")
		out, changed, err := b.ring.Reseal(cur)
		require.NoError(t, err)
		require.False(t, changed)
		require.Equal(t, cur, out)
	})
	t.Run("tampered current fails", func(t *testing.T) {
		t.Parallel()
		cur := flipPayloadByte(t, mustSeal(t, b.ring, "token"), 20)
		out, changed, err := b.ring.Reseal(cur)
		require.ErrorIs(t, err, secret.ErrDecrypt)
		require.False(t, changed)
		require.Empty(t, out)
	})
	t.Run("unknown key fails", func(t *testing.T) {
		t.Parallel()
		_, _, err := b.old.Reseal(mustSeal(t, b.ring, "token"))
		require.ErrorIs(t, err, secret.ErrUnknownKey)
	})
}

// flipPayloadByte flips one bit of decoded payload byte i and re-encodes.
func flipPayloadByte(t *testing.T, s string, i int) string {
	t.Helper()
	cut := strings.LastIndexByte(s, '.')
	payload, err := base64.RawURLEncoding.DecodeString(s[cut+1:])
	require.NoError(t, err)
	payload[i] ^= 0x01
	return s[:cut+1] + base64.RawURLEncoding.EncodeToString(payload)
}

func TestTamperPayloadFailsWithErrDecrypt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := mustSeal(t, b.ring, "attack at dawn")
	cut := strings.LastIndexByte(s, '.')
	n := base64.RawURLEncoding.DecodedLen(len(s) - cut - 1)
	require.Equal(t, 12+len("attack at dawn")+16, n)
	for i := range n {
		_, err := b.ring.Open(flipPayloadByte(t, s, i))
		require.ErrorIs(t, err, secret.ErrDecrypt, "payload byte %d", i)
	}
}

func TestTamperAnyCharacterFails(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := mustSeal(t, b.ring, "attack at dawn")
	for i := range len(s) {
		for _, c := range []byte{'A', 'a', '0', '-', '_', '.', '='} {
			if s[i] == c {
				continue
			}
			tampered := s[:i] + string(c) + s[i+1:]
			_, err := b.ring.Open(tampered)
			require.Error(t, err, "char %d -> %q", i, c)
			require.True(t,
				errors.Is(err, secret.ErrDecrypt) || errors.Is(err, secret.ErrMalformed) || errors.Is(err, secret.ErrUnknownKey),
				"char %d: %v", i, err)
		}
	}
}

func TestSwappedKeyIDFails(t *testing.T) {
	t.Parallel()
	k1 := mustKey(t, "k1", hexK1)
	alias := mustKey(t, "alias", hexK1) // same material, other ID
	r, err := secret.NewKeyring(k1, alias)
	require.NoError(t, err)

	s := mustSeal(t, r, "value") // sealed as "alias"
	swapped := strings.Replace(s, "v1.alias.", "v1.k1.", 1)
	_, err = r.Open(swapped)
	require.ErrorIs(t, err, secret.ErrDecrypt)

	b := setup(t)
	s = mustSeal(t, b.ring, "value")
	_, err = b.ring.Open(strings.Replace(s, "v1.k2.", "v1.k1.", 1))
	require.ErrorIs(t, err, secret.ErrDecrypt)
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	good := mustSeal(t, b.ring, "value")
	body := good[len("v1.k2."):]

	tests := []struct {
		name   string
		sealed string
		target error
	}{
		{"empty", "", secret.ErrMalformed},
		{"plaintext", "hello world", secret.ErrMalformed},
		{"wrong version", "v2.k2." + body, secret.ErrMalformed},
		{"no id", "v1.." + body, secret.ErrMalformed},
		{"bad id", "v1.k!2." + body, secret.ErrMalformed},
		{"long id", "v1." + strings.Repeat("k", 33) + "." + body, secret.ErrMalformed},
		{"no payload", "v1.k2.", secret.ErrMalformed},
		{"short payload", "v1.k2." + body[:20], secret.ErrMalformed},
		{"padded payload", good + "==", secret.ErrMalformed},
		{"std alphabet", "v1.k2." + strings.Repeat("+/", 20), secret.ErrMalformed},
		{"newline in payload", "v1.k2." + body[:10] + "\n" + body[10:], secret.ErrMalformed},
		{"extra field", good + ".x", secret.ErrMalformed},
		{"unknown key", "v1.k9." + body, secret.ErrUnknownKey},
		{"truncated tag", good[:len(good)-4], secret.ErrDecrypt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := b.ring.Open(tt.sealed)
			require.ErrorIs(t, err, tt.target)
			require.Nil(t, got)
			require.True(t, strings.HasPrefix(err.Error(), "secret: "), err.Error())
			require.Equal(t, tt.target != secret.ErrMalformed, secret.IsSealed(tt.sealed))
		})
	}
}

func TestUnknownKeyError(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := mustSeal(t, b.ring, "value")

	_, err := b.old.Open(s)
	var uk *secret.UnknownKeyError
	require.ErrorAs(t, err, &uk)
	require.Equal(t, "k2", uk.ID)
	require.ErrorIs(t, err, secret.ErrUnknownKey)
	require.NotErrorIs(t, err, secret.ErrDecrypt)
	require.EqualError(t, err, `secret: unknown key "k2": add it to the keyring to open this value`)

	id, err := b.old.KeyID(s)
	require.Equal(t, "k2", id)
	require.ErrorAs(t, err, &uk)
	require.False(t, b.old.IsCurrent(s))

	_, err = b.old.KeyID("garbage")
	require.ErrorIs(t, err, secret.ErrMalformed)
}

func TestErrorsNeverLeak(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const plaintext = "SUPER-SECRET-PLAINTEXT-VALUE"
	s := mustSeal(t, b.ring, plaintext)
	secrets := []string{plaintext, hexK1, hexK2, b.k1.Encode(), b.k2.Encode(), s[len("v1.k2."):]}

	var errs []error
	collect := func(_ any, err error) { errs = append(errs, err) }
	collect(b.old.Open(s))
	collect(b.ring.Open(flipPayloadByte(t, s, 30)))
	collect(b.ring.Open(s + "!"))
	collect(b.ring.Open(plaintext))
	collect(b.ring.KeyID(plaintext))
	collect(secret.ParseKey("k1", hexK1[:62]))
	collect(secret.ParseKey("k1", b.k1.Encode()[:40]))
	collect(secret.ParseKey(hexK1, hexK1))
	collect(secret.ParseKey(b.k1.Encode(), hexK1))
	collect(secret.ParseKeyring("k1:" + hexK1 + ",k1:" + hexK2))
	collect(secret.ParseKeyring(hexK1 + "," + hexK2))
	collect(secret.ParseKeyring("k1:" + hexK1[:40]))

	for i, err := range errs {
		require.Error(t, err, "case %d", i)
		require.True(t, strings.HasPrefix(err.Error(), "secret: "), err.Error())
		requireNoLeak(t, err, secrets...)
		requireNoLeak(t, err, hexK1[:40], b.k1.Encode()[:40])
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	b := setup(t)
	old := mustSeal(t, b.old, "old")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				s, err := b.ring.Seal([]byte("x"))
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := b.ring.Open(s); err != nil {
					t.Error(err)
				}
				if _, _, err := b.ring.Reseal(old); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}
