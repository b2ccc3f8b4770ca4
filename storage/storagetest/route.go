package storagetest

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func orgSettingsTests() []test {
	return []test{
		{"RouteSetGetList", testRouteSetGet},
		{"RouteNamesIntegrationsOfTheTypeOnly", testRouteRefs},
		{"RouteBothNilDeletes", testRouteDelete},
		{"RouteClearedWhenIntegrationDeleted", testRouteCleared},
		{"RouteOtherOrganization", testRouteIsolation},
		{"SettingsSetGetClear", testOrgSettings},
	}
}

func routeSet(t *testing.T, b *bundle, org uuid.UUID, typ string, primary, backup uuid.UUID) (*storage.IntegrationRoute, error) {
	t.Helper()
	return b.store.IntegrationRouteSet(b.ctx, &storage.IntegrationRouteSetParams{
		OrganizationID: org, Type: typ, PrimaryID: primary, BackupID: backup})
}

func mustRoute(t *testing.T, b *bundle, org uuid.UUID, typ string) *storage.IntegrationRoute {
	t.Helper()
	rt, err := b.store.IntegrationRouteGet(b.ctx, org, typ)
	require.NoError(t, err)
	return rt
}

func testRouteSetGet(t *testing.T, b *bundle) {
	sg := mustCreateIntegration(t, b, b.org)
	ses := mustCreateIntegration(t, b, b.org)
	_, err := b.store.IntegrationRouteGet(b.ctx, b.org, "email")
	require.ErrorIs(t, err, storage.ErrNotFound)

	rt, err := routeSet(t, b, b.org, "email", sg.ID, ses.ID)
	require.NoError(t, err)
	require.Equal(t, sg.ID, rt.PrimaryID)
	require.Equal(t, ses.ID, rt.BackupID)
	requireStamp(t, rt.UpdatedAt)
	require.Equal(t, rt, mustRoute(t, b, b.org, "email"))

	rt, err = routeSet(t, b, b.org, "email", uuid.Nil, ses.ID)
	require.NoError(t, err)
	require.Equal(t, uuid.Nil, rt.PrimaryID, "a route may name only a backup")
	require.Equal(t, rt, mustRoute(t, b, b.org, "email"))

	sms := mustCreateIntegration(t, b, b.org, func(p *storage.IntegrationCreateParams) { p.Type = "sms" })
	_, err = routeSet(t, b, b.org, "sms", sms.ID, uuid.Nil)
	require.NoError(t, err)
	rts, err := b.store.IntegrationRouteList(b.ctx, b.org)
	require.NoError(t, err)
	require.Len(t, rts, 2)
	require.Equal(t, []string{"email", "sms"}, []string{rts[0].Type, rts[1].Type})
}

func testRouteRefs(t *testing.T, b *bundle) {
	email := mustCreateIntegration(t, b, b.org)
	sms := mustCreateIntegration(t, b, b.org, func(p *storage.IntegrationCreateParams) { p.Type = "sms" })
	foreign := mustCreateIntegration(t, b, b.other)
	for name, ids := range map[string][2]uuid.UUID{
		"another type":         {email.ID, sms.ID},
		"another organization": {email.ID, foreign.ID},
		"unknown":              {uuid.New(), uuid.Nil},
	} {
		_, err := routeSet(t, b, b.org, "email", ids[0], ids[1])
		require.ErrorIs(t, err, storage.ErrNotFound, name)
	}
	_, err := b.store.IntegrationRouteGet(b.ctx, b.org, "email")
	require.ErrorIs(t, err, storage.ErrNotFound, "nothing was written")
}

func testRouteDelete(t *testing.T, b *bundle) {
	email := mustCreateIntegration(t, b, b.org)
	_, err := routeSet(t, b, b.org, "email", email.ID, uuid.Nil)
	require.NoError(t, err)
	rt, err := routeSet(t, b, b.org, "email", uuid.Nil, uuid.Nil)
	require.NoError(t, err)
	require.Equal(t, uuid.Nil, rt.PrimaryID)
	_, err = b.store.IntegrationRouteGet(b.ctx, b.org, "email")
	require.ErrorIs(t, err, storage.ErrNotFound)
}

func testRouteCleared(t *testing.T, b *bundle) {
	sg := mustCreateIntegration(t, b, b.org)
	ses := mustCreateIntegration(t, b, b.org)
	_, err := routeSet(t, b, b.org, "email", sg.ID, ses.ID)
	require.NoError(t, err)
	require.NoError(t, b.store.IntegrationDelete(b.ctx, b.org, ses.ID))
	rt := mustRoute(t, b, b.org, "email")
	require.Equal(t, sg.ID, rt.PrimaryID)
	require.Equal(t, uuid.Nil, rt.BackupID, "the deleted backup is gone from the route")
}

func testRouteIsolation(t *testing.T, b *bundle) {
	email := mustCreateIntegration(t, b, b.org)
	_, err := routeSet(t, b, b.org, "email", email.ID, uuid.Nil)
	require.NoError(t, err)
	_, err = b.store.IntegrationRouteGet(b.ctx, b.other, "email")
	require.ErrorIs(t, err, storage.ErrNotFound)
	rts, err := b.store.IntegrationRouteList(b.ctx, b.other)
	require.NoError(t, err)
	require.Empty(t, rts)
	_, err = routeSet(t, b, b.other, "email", email.ID, uuid.Nil)
	require.ErrorIs(t, err, storage.ErrNotFound)
}

func testOrgSettings(t *testing.T, b *bundle) {
	_, err := b.store.OrganizationSettingsGet(b.ctx, b.org)
	require.ErrorIs(t, err, storage.ErrNotFound)
	policy := json.RawMessage(`{"maxRetries": 5, "retryStrategy": "linear"}`)
	o, err := b.store.OrganizationSettingsSet(b.ctx, &storage.OrganizationSettingsSetParams{OrganizationID: b.org, RetryPolicy: policy})
	require.NoError(t, err)
	requireJSON(t, policy, o.RetryPolicy)
	requireStamp(t, o.UpdatedAt)
	got, err := b.store.OrganizationSettingsGet(b.ctx, b.org)
	require.NoError(t, err)
	require.Equal(t, o, got)
	_, err = b.store.OrganizationSettingsGet(b.ctx, b.other)
	require.ErrorIs(t, err, storage.ErrNotFound)

	o, err = b.store.OrganizationSettingsSet(b.ctx, &storage.OrganizationSettingsSetParams{OrganizationID: b.org})
	require.NoError(t, err)
	require.Nil(t, o.RetryPolicy, "nil clears the policy")
}
