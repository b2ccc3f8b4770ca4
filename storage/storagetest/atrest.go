package storagetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
)

// Database is one backend database on which stores with different Sealers
// can be opened, for the secrets-at-rest and key check suites.
type Database struct {
	// Open returns a migrated store on the database that seals with
	// sealer (closed when the test ends), or the error of opening it.
	Open func(t *testing.T, sealer storage.Sealer) (storage.Store, error)
	// Exec runs a statement on the database, outside any store.
	Exec func(t *testing.T, sql string)
	// Raw returns every byte the database holds about its rows, as text: the
	// files of an embedded database, or every row of every table rendered
	// by the server.
	Raw func(t *testing.T) string
}

// plaintexts are the secrets the suite writes; none may reach the disk.
var plaintexts = struct {
	config, access, refresh, verifier, webhook, previous string
}{
	config:   "SG.plaintext-config-secret-7f3a",
	access:   "ya29.plaintext-access-token-91c2",
	refresh:  "1//plaintext-refresh-token-55de",
	verifier: "plaintext-pkce-verifier-0b8e41",
	webhook:  "cGxhaW50ZXh0LXdlYmhvb2stc2VjcmV0",     // plaintext-webhook-secret
	previous: "cGxhaW50ZXh0LXByZXZpb3VzLXNlY3JldA==", // plaintext-previous-secret
}

// ExerciseSecretsAtRest checks that integration configs, OAuth tokens, PKCE
// verifiers and webhook secrets never reach the database in the clear, and
// that rotating the key and calling SecretsReseal moves every value to the
// new key, after which the old key can be retired.
func ExerciseSecretsAtRest(t *testing.T, newDatabase func(t *testing.T) Database) {
	t.Helper()
	db := newDatabase(t)
	ctx := context.Background()
	k1, k2 := mustKey(t, "k1"), mustKey(t, "k2")
	ids := writeSecrets(t, mustOpen(t, db, mustRing(t, k1)))

	raw := db.Raw(t)
	require.NotEmpty(t, raw)
	require.Contains(t, raw, "Acme config", "the raw dump must include the rows written")
	requireNoPlaintext(t, raw)

	rotated := mustOpen(t, db, mustRing(t, k1, k2))
	n, err := rotated.SecretsReseal(ctx)
	require.NoError(t, err)
	require.Equal(t, 6, n, "config, access, refresh, verifier, secret and previous secret are resealed")
	n, err = rotated.SecretsReseal(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "a second reseal finds nothing to do")
	requireNoPlaintext(t, db.Raw(t))

	readSecrets(t, mustOpen(t, db, mustRing(t, k2)), ids)
	_, err = mustOpen(t, db, mustRing(t, k1)).IntegrationGet(ctx, ids.org, ids.integration)
	require.Error(t, err, "after resealing, the retired key opens nothing")
	require.NotContains(t, err.Error(), plaintexts.config)
}

// mustOpen opens a store on db that seals with sealer.
func mustOpen(t *testing.T, db Database, sealer storage.Sealer) storage.Store {
	t.Helper()
	s, err := db.Open(t, sealer)
	require.NoError(t, err)
	return s
}

// secretIDs locates the rows written by writeSecrets.
type secretIDs struct {
	org, integration, token, webhook uuid.UUID
	stateHash                        string
}

func writeSecrets(t *testing.T, s storage.Store) secretIDs {
	ctx := context.Background()
	org := NewOrgID()
	it, err := s.IntegrationCreate(ctx, &storage.IntegrationCreateParams{OrganizationID: org, Type: "email",
		Provider: "sendgrid", Name: "Acme config", Config: json.RawMessage(`{"apiKey":"` + plaintexts.config + `"}`)})
	require.NoError(t, err)
	tok, err := s.OAuthTokenCreate(ctx, &storage.OAuthTokenCreateParams{OrganizationID: org, IntegrationID: it.ID,
		AccessToken: plaintexts.access, RefreshToken: plaintexts.refresh})
	require.NoError(t, err)
	require.NoError(t, s.OAuthStateCreate(ctx, &storage.OAuthState{StateHash: "state-hash-at-rest", OrganizationID: org,
		IntegrationID: it.ID, Provider: "google", CodeVerifier: plaintexts.verifier, RedirectURI: "https://x/cb",
		ExpiresAt: s.Now().Add(time.Hour)}))
	wh, err := s.WebhookCreate(ctx, &storage.WebhookCreateParams{OrganizationID: org, Name: "at rest",
		URL: "https://example.com/hook", Secret: plaintexts.webhook, Events: []string{"job.created"}})
	require.NoError(t, err)
	prev, until := plaintexts.previous, s.Now().Add(time.Hour)
	_, err = s.WebhookUpdate(ctx, &storage.WebhookUpdateParams{OrganizationID: org, ID: wh.ID,
		PreviousSecret: &prev, PreviousSecretExpiresAt: &until})
	require.NoError(t, err)
	return secretIDs{org: org, integration: it.ID, token: tok.ID, webhook: wh.ID, stateHash: "state-hash-at-rest"}
}

func readSecrets(t *testing.T, s storage.Store, ids secretIDs) {
	ctx := context.Background()
	it, err := s.IntegrationGet(ctx, ids.org, ids.integration)
	require.NoError(t, err)
	require.JSONEq(t, `{"apiKey":"`+plaintexts.config+`"}`, string(it.Config))
	tok, err := s.OAuthTokenGet(ctx, ids.org, ids.token)
	require.NoError(t, err)
	require.Equal(t, plaintexts.access, tok.AccessToken)
	require.Equal(t, plaintexts.refresh, tok.RefreshToken)
	wh, err := s.WebhookGet(ctx, ids.org, ids.webhook)
	require.NoError(t, err)
	require.Equal(t, plaintexts.webhook, wh.Secret)
	require.Equal(t, plaintexts.previous, wh.PreviousSecret)
	st, err := s.OAuthStateConsume(ctx, ids.stateHash)
	require.NoError(t, err)
	require.Equal(t, plaintexts.verifier, st.CodeVerifier)
}

func requireNoPlaintext(t *testing.T, raw string) {
	t.Helper()
	for _, p := range []string{plaintexts.config, plaintexts.access, plaintexts.refresh,
		plaintexts.verifier, plaintexts.webhook, plaintexts.previous} {
		require.NotContains(t, raw, p, "a secret is stored in the clear")
	}
}

func mustKey(t *testing.T, id string) secret.Key {
	k, err := secret.GenerateKey(id)
	require.NoError(t, err)
	return k
}

func mustRing(t *testing.T, keys ...secret.Key) *secret.Keyring {
	r, err := secret.NewKeyring(keys...)
	require.NoError(t, err)
	return r
}
