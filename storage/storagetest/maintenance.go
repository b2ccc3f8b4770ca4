package storagetest

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func maintenanceTests() []test {
	return []test{
		{"NowIsUTCMicroseconds", testNow},
		{"MigrateIsIdempotentAndConcurrent", testMigrate},
		{"SecretsResealNothingToDo", testSecretsResealNoop},
	}
}

func testNow(t *testing.T, b *bundle) {
	prev := b.store.Now()
	for range 100 {
		now := b.store.Now()
		requireStamp(t, now)
		require.True(t, now.Equal(now.Truncate(time.Microsecond)))
		require.False(t, now.Before(prev.Add(-time.Second)), "Now jumped back")
		prev = now
	}
	require.WithinDuration(t, time.Now(), prev, time.Minute, "the store clock tells the time")
}

func testMigrate(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	require.NoError(t, b.store.Migrate(b.ctx))

	errs := make(chan error, 4)
	var wg sync.WaitGroup
	for range cap(errs) {
		wg.Go(func() { errs <- b.store.Migrate(b.ctx) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	requireIntegration(t, in, mustGetIntegration(t, b, b.org, in.ID))
}

// testSecretsResealNoop writes every kind of sealed column with the
// current key: resealing then has nothing to rewrite, and the secrets still
// read back as plaintext.
func testSecretsResealNoop(t *testing.T, b *bundle) {
	n, err := b.store.SecretsReseal(b.ctx)
	require.NoError(t, err)
	require.Zero(t, n, "empty store")

	in := mustCreateIntegration(t, b, b.org)
	tok := mustCreateOAuthToken(t, b, b.org, in.ID)
	st := mustCreateOAuthState(t, b, b.org, fixedTime)
	w := mustCreateWebhook(t, b, b.org)
	previous := NewSecret()
	w, err = b.store.WebhookUpdate(b.ctx, &storage.WebhookUpdateParams{OrganizationID: b.org, ID: w.ID, PreviousSecret: &previous})
	require.NoError(t, err)

	n, err = b.store.SecretsReseal(b.ctx)
	require.NoError(t, err)
	require.Zero(t, n, "everything is sealed with the current key")

	requireJSON(t, in.Config, mustGetIntegration(t, b, b.org, in.ID).Config)
	gotTok := mustGetOAuthToken(t, b, b.org, tok.ID)
	require.Equal(t, tok.AccessToken, gotTok.AccessToken)
	require.Equal(t, tok.RefreshToken, gotTok.RefreshToken)
	gotW := mustGetWebhook(t, b, b.org, w.ID)
	require.Equal(t, w.Secret, gotW.Secret)
	require.Equal(t, previous, gotW.PreviousSecret)
	gotSt, err := b.store.OAuthStateConsume(b.ctx, st.StateHash)
	require.NoError(t, err)
	require.Equal(t, st.CodeVerifier, gotSt.CodeVerifier)
}
