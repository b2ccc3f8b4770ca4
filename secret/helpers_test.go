package secret_test

import (
	"bytes"
	"testing"

	"github.com/intimeos/integrations/secret"
	"github.com/stretchr/testify/require"
)

// Fixed test keys (hex). Never use these outside tests.
const (
	hexK1 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	hexK2 = "f0e0d0c0b0a090807060504030201000ffeeddccbbaa99887766554433221100"
)

// bundle is what setup returns.
type bundle struct {
	k1, k2 secret.Key
	old    *secret.Keyring // k1 only
	ring   *secret.Keyring // k1, k2; k2 is primary
}

func setup(tb testing.TB) bundle {
	tb.Helper()
	k1 := mustKey(tb, "k1", hexK1)
	k2 := mustKey(tb, "k2", hexK2)
	old, err := secret.NewKeyring(k1)
	require.NoError(tb, err)
	ring, err := secret.NewKeyring(k1, k2)
	require.NoError(tb, err)
	return bundle{k1: k1, k2: k2, old: old, ring: ring}
}

func mustKey(tb testing.TB, id, encoded string) secret.Key {
	tb.Helper()
	k, err := secret.ParseKey(id, encoded)
	require.NoError(tb, err)
	return k
}

func mustSeal(tb testing.TB, r *secret.Keyring, plaintext string) string {
	tb.Helper()
	s, err := r.Seal([]byte(plaintext))
	require.NoError(tb, err)
	return s
}

// requireNoLeak fails if err's text contains any of the secrets.
func requireNoLeak(tb testing.TB, err error, secrets ...string) {
	tb.Helper()
	if err == nil {
		return
	}
	for _, s := range secrets {
		if s != "" {
			require.False(tb, bytes.Contains([]byte(err.Error()), []byte(s)), "error %q leaks a secret", err)
		}
	}
}
