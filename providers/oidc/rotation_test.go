package oidc_test

import (
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers/oidc"
	"github.com/intimeos/integrations/providers/sso"
)

// TestKeyRotation: the OP rotates its signing key (the old one leaves its
// JWKS). A token under a key the provider has not seen makes it fetch the
// JWKS again, at most once per KeyRefetchMin, so that made-up key IDs
// cannot flood the issuer; once the new key is fetched, sign-in works and
// a token under the retired key is refused.
func TestKeyRotation(t *testing.T) {
	t.Parallel()
	e := setup(t, opOpts{})
	inst := e.instance(e.p)
	_, err := e.signIn(t, inst)
	require.NoError(t, err)
	require.Equal(t, 1, e.op.count("/keys"))

	oldKey, oldKid := e.op.storage.current()
	e.op.storage.rotate(true)
	const nonce = "n"
	for range 3 {
		_, err = sso.Verify(t.Context(), inst, &sso.VerifyRequest{IDToken: e.op.mint(t, e.op.claims(nonce)), Nonce: nonce})
		requireRefused(t, err, oidc.ReasonUnknownKey)
	}
	require.Equal(t, 1, e.op.count("/keys"), "within KeyRefetchMin of the last fetch, unknown keys fetch nothing")

	e.clock.Advance(oidc.KeyRefetchMinDefault)
	id, err := e.signIn(t, inst)
	require.NoError(t, err, "the new key is fetched")
	requireUser(t, e.op.issuer, id)
	require.Equal(t, 2, e.op.count("/keys"))

	old := sign(t, e.op.claims(nonce), jose.RS256, oldKey, oldKid)
	_, err = sso.Verify(t.Context(), inst, &sso.VerifyRequest{IDToken: old, Nonce: nonce})
	requireRefused(t, err, oidc.ReasonUnknownKey)

	e.op.storage.rotate(false)
	e.clock.Advance(oidc.KeyRefetchMinDefault)
	_, err = e.signIn(t, inst)
	require.NoError(t, err, "a second rotation, the previous key still published")
	prevKey, prevKid := e.op.storage.keyAt(1)
	_, err = sso.Verify(t.Context(), inst, &sso.VerifyRequest{IDToken: sign(t, e.op.claims(nonce), jose.RS256,
		prevKey, prevKid), Nonce: nonce})
	require.NoError(t, err, "tokens under the previous key stay valid while it is published")
	require.Equal(t, 3, e.op.count("/keys"))
}
