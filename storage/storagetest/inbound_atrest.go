package storagetest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

// inboundToken is the plaintext URL token ExerciseInboundAtRest writes.
const inboundToken = "plaintext-inbound-url-token-4d1c"

// ExerciseInboundAtRest checks that the token of an inbound endpoint's URL
// never reaches the database in the clear, and that SecretsReseal moves it
// to a new key, after which the old key can be retired.
func ExerciseInboundAtRest(t *testing.T, newDatabase func(t *testing.T) Database) {
	t.Helper()
	db := newDatabase(t)
	ctx := context.Background()
	k1, k2 := mustKey(t, "k1"), mustKey(t, "k2")
	s := mustOpen(t, db, mustRing(t, k1))
	org := NewOrgID()
	it, err := s.IntegrationCreate(ctx, &storage.IntegrationCreateParams{OrganizationID: org, Type: "email",
		Provider: "sendgrid", Name: "Inbound at rest", Config: json.RawMessage(`{}`)})
	require.NoError(t, err)
	_, err = s.InboundEndpointCreate(ctx, &storage.InboundEndpointCreateParams{OrganizationID: org, IntegrationID: it.ID,
		Provider: "sendgrid", Token: inboundToken, TokenHash: "inbound-hash-at-rest", Categories: []string{"bounces"}})
	require.NoError(t, err)

	raw := db.Raw(t)
	require.Contains(t, raw, "inbound-hash-at-rest", "the raw dump must include the rows written")
	require.NotContains(t, raw, inboundToken, "the URL token is stored in the clear")

	n, err := mustOpen(t, db, mustRing(t, k1, k2)).SecretsReseal(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, n, "the integration's config and the endpoint's token are resealed")
	require.NotContains(t, db.Raw(t), inboundToken)

	e, err := mustOpen(t, db, mustRing(t, k2)).InboundEndpointGetByTokenHash(ctx, "inbound-hash-at-rest")
	require.NoError(t, err)
	require.Equal(t, inboundToken, e.Token, "the new key alone opens it")
}
