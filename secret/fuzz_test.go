package secret_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/intimeos/integrations/secret"
	"github.com/stretchr/testify/require"
)

// FuzzOpen feeds arbitrary strings to Open and the format helpers: they must
// never panic, and every failure must be one of the three documented kinds.
// The seed corpus in testdata/fuzz/FuzzOpen holds values sealed by the
// two-key test ring.
func FuzzOpen(f *testing.F) {
	b := setup(f)
	f.Add("")
	f.Add("v1.")
	f.Add("v1.k2.")
	f.Add("v1.k2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add(mustSeal(f, b.old, "old"))
	f.Add(mustSeal(f, b.ring, "new"))
	f.Fuzz(func(t *testing.T, s string) {
		plaintext, err := b.ring.Open(s)
		shaped := secret.IsSealed(s)
		_ = b.ring.IsCurrent(s)
		_, idErr := b.ring.KeyID(s)
		if err == nil {
			require.True(t, shaped)
			require.NoError(t, idErr)
			require.NotNil(t, plaintext)
			return
		}
		require.Nil(t, plaintext)
		require.Equal(t, errors.Is(err, secret.ErrMalformed), !shaped, err.Error())
		require.True(t, errors.Is(err, secret.ErrMalformed) ||
			errors.Is(err, secret.ErrUnknownKey) || errors.Is(err, secret.ErrDecrypt), err.Error())
		_, _, rerr := b.ring.Reseal(s)
		require.Error(t, rerr)
	})
}

// FuzzSealOpen checks that every plaintext survives Seal, Open and Reseal.
func FuzzSealOpen(f *testing.F) {
	b := setup(f)
	f.Add([]byte(nil))
	f.Add([]byte("sk_live_51HxYzAbCdEf"))
	f.Add([]byte{0, 0xff, '"', '\\', '\n'})
	f.Fuzz(func(t *testing.T, plaintext []byte) {
		s, err := b.ring.Seal(plaintext)
		require.NoError(t, err)
		require.True(t, secret.IsSealed(s))
		require.True(t, b.ring.IsCurrent(s))

		got, err := b.ring.Open(s)
		require.NoError(t, err)
		require.True(t, bytes.Equal(plaintext, got))

		out, changed, err := b.ring.Reseal(s)
		require.NoError(t, err)
		require.False(t, changed)
		require.Equal(t, s, out)

		old, err := b.old.Seal(plaintext)
		require.NoError(t, err)
		moved, changed, err := b.ring.Reseal(old)
		require.NoError(t, err)
		require.True(t, changed)
		got, err = b.ring.Open(moved)
		require.NoError(t, err)
		require.True(t, bytes.Equal(plaintext, got))
	})
}
