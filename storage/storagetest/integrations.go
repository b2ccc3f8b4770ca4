package storagetest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func integrationTests() []test {
	return []test{
		{"CreateGet", testIntegrationCreateGet},
		{"CreateDefaultsStatusInactive", testIntegrationDefaults},
		{"CreateStampsWithStoreClock", testIntegrationStamps},
		{"ConfigRoundTrip", testIntegrationConfigRoundTrip},
		{"RetryPolicyNilStaysNil", testIntegrationRetryPolicyNil},
		{"UpdateAllFields", testIntegrationUpdate},
		{"UpdateNilFieldsUnchanged", testIntegrationUpdateNil},
		{"DeleteThenGetNotFound", testIntegrationDelete},
		{"DeleteCascadesOAuthTokens", testIntegrationDeleteCascade},
		{"UnknownIDNotFound", testIntegrationUnknown},
		{"OtherOrganizationNotFound", testIntegrationIsolation},
		{"ListFilterType", testIntegrationListType},
		{"ListFilterStatuses", testIntegrationListStatuses},
	}
}

// integrationConfig has nested objects, unicode and credentials.
const integrationConfig = `{
	"host": "smtp.example.com", "port": 587, "tls": true,
	"auth": {"username": "mailer", "password": "pa$$w0rd-\"quoted\"-✓"},
	"from": {"name": "Équipe Opérations 日本 🚀", "email": "ops@example.com"},
	"pool": [1, 2.5, null, "x"], "empty": {}
}`

func integrationParams(org uuid.UUID) *storage.IntegrationCreateParams {
	return &storage.IntegrationCreateParams{
		OrganizationID: org,
		Type:           "email",
		Provider:       "smtp",
		Name:           "Primary email",
		Config:         json.RawMessage(integrationConfig),
		Status:         storage.IntegrationActive,
		RetryPolicy:    json.RawMessage(`{"max_attempts": 5, "strategy": "exponential", "initial_delay_ms": 1000}`),
		NextCheckAt:    ptr(fixedTime.Add(time.Hour)),
	}
}

func mustCreateIntegration(t *testing.T, b *bundle, org uuid.UUID, edits ...func(*storage.IntegrationCreateParams)) *storage.Integration {
	t.Helper()
	p := integrationParams(org)
	for _, edit := range edits {
		edit(p)
	}
	in, err := b.store.IntegrationCreate(b.ctx, p)
	require.NoError(t, err)
	return in
}

func mustGetIntegration(t *testing.T, b *bundle, org, id uuid.UUID) *storage.Integration {
	t.Helper()
	in, err := b.store.IntegrationGet(b.ctx, org, id)
	require.NoError(t, err)
	return in
}

// requireIntegration compares every field but UpdatedAt, which the caller
// checks.
func requireIntegration(t *testing.T, want, got *storage.Integration) {
	t.Helper()
	require.Equal(t, want.ID, got.ID)
	require.Equal(t, want.OrganizationID, got.OrganizationID)
	require.Equal(t, want.Type, got.Type)
	require.Equal(t, want.Provider, got.Provider)
	require.Equal(t, want.Name, got.Name)
	requireJSON(t, want.Config, got.Config, "Config")
	require.Equal(t, want.Status, got.Status)
	requireJSON(t, want.RetryPolicy, got.RetryPolicy, "RetryPolicy")
	requireTimePtr(t, want.LastHealthCheck, got.LastHealthCheck, "LastHealthCheck")
	requireTimePtr(t, want.LastSync, got.LastSync, "LastSync")
	requireTimePtr(t, want.NextCheckAt, got.NextCheckAt, "NextCheckAt")
	require.Equal(t, want.ErrorMessage, got.ErrorMessage)
	requireTime(t, want.CreatedAt, got.CreatedAt, "CreatedAt")
}

func testIntegrationCreateGet(t *testing.T, b *bundle) {
	p := integrationParams(b.org)
	created, err := b.store.IntegrationCreate(b.ctx, p)
	require.NoError(t, err)
	require.NotEqual(t, uuid.Nil, created.ID)
	requireStamp(t, created.CreatedAt)
	requireStamp(t, created.UpdatedAt)
	requireIntegration(t, &storage.Integration{
		ID: created.ID, OrganizationID: b.org, Type: p.Type, Provider: p.Provider, Name: p.Name,
		Config: p.Config, Status: p.Status, RetryPolicy: p.RetryPolicy, NextCheckAt: p.NextCheckAt,
		CreatedAt: created.CreatedAt,
	}, created)

	got := mustGetIntegration(t, b, b.org, created.ID)
	requireIntegration(t, created, got)
	requireTime(t, created.UpdatedAt, got.UpdatedAt)
}

func testIntegrationDefaults(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org, func(p *storage.IntegrationCreateParams) {
		p.Status = ""
		p.RetryPolicy = nil
		p.NextCheckAt = nil
	})
	require.Equal(t, storage.IntegrationInactive, in.Status)
	got := mustGetIntegration(t, b, b.org, in.ID)
	require.Equal(t, storage.IntegrationInactive, got.Status)
	require.Nil(t, got.RetryPolicy)
	require.Nil(t, got.NextCheckAt)
	require.Nil(t, got.LastHealthCheck)
	require.Nil(t, got.LastSync)
	require.Empty(t, got.ErrorMessage)
}

// testIntegrationStamps checks that rows are stamped with the store's
// clock, [storage.Maintenance.Now].
func testIntegrationStamps(t *testing.T, b *bundle) {
	before := b.store.Now()
	in := mustCreateIntegration(t, b, b.org)
	after := b.store.Now()
	require.False(t, in.CreatedAt.Before(before), "CreatedAt %s before Now %s", in.CreatedAt, before)
	require.False(t, in.CreatedAt.After(after), "CreatedAt %s after Now %s", in.CreatedAt, after)
	require.False(t, in.UpdatedAt.Before(in.CreatedAt))
}

func testIntegrationConfigRoundTrip(t *testing.T, b *bundle) {
	for i, cfg := range []string{
		integrationConfig,
		`{}`,
		`{"deep": {"a": {"b": {"c": [{"d": "\u00e9\u65e5"}]}}}, "key": "sk_live_secret"}`,
		`{"big": 12345678901234, "neg": -1.5e-7, "bool": false, "nil": null, "esc": "line\nbreak\ttab\\"}`,
	} {
		in := mustCreateIntegration(t, b, b.org, func(p *storage.IntegrationCreateParams) {
			p.Name = fmt.Sprintf("config %d", i)
			p.Config = json.RawMessage(cfg)
		})
		requireJSON(t, json.RawMessage(cfg), in.Config, "created %d", i)
		requireJSON(t, json.RawMessage(cfg), mustGetIntegration(t, b, b.org, in.ID).Config, "got %d", i)
	}
}

func testIntegrationRetryPolicyNil(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org, func(p *storage.IntegrationCreateParams) { p.RetryPolicy = nil })
	require.Nil(t, in.RetryPolicy)
	require.Nil(t, mustGetIntegration(t, b, b.org, in.ID).RetryPolicy)

	_, err := b.store.IntegrationUpdate(b.ctx, &storage.IntegrationUpdateParams{OrganizationID: b.org, ID: in.ID, Name: ptr("renamed")})
	require.NoError(t, err)
	require.Nil(t, mustGetIntegration(t, b, b.org, in.ID).RetryPolicy, "an update leaving RetryPolicy nil keeps it nil")
}

func fullIntegrationUpdate(org, id uuid.UUID) *storage.IntegrationUpdateParams {
	return &storage.IntegrationUpdateParams{
		OrganizationID:  org,
		ID:              id,
		Name:            ptr("Renamed"),
		Provider:        ptr("sendgrid"),
		Config:          json.RawMessage(`{"api_key": "SG.new-secret", "nested": {"ü": [1, 2]}}`),
		Status:          ptr(storage.IntegrationError),
		RetryPolicy:     json.RawMessage(`{"max_attempts": 2}`),
		LastHealthCheck: ptr(fixedTime.Add(2 * time.Minute)),
		LastSync:        ptr(fixedTime.Add(3 * time.Minute)),
		NextCheckAt:     ptr(fixedTime.Add(4 * time.Minute)),
		ErrorMessage:    ptr("Authentication failed"),
	}
}

func testIntegrationUpdate(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	u := fullIntegrationUpdate(b.org, in.ID)
	updated, err := b.store.IntegrationUpdate(b.ctx, u)
	require.NoError(t, err)
	want := &storage.Integration{
		ID: in.ID, OrganizationID: b.org, Type: in.Type, Provider: *u.Provider, Name: *u.Name,
		Config: u.Config, Status: *u.Status, RetryPolicy: u.RetryPolicy,
		LastHealthCheck: u.LastHealthCheck, LastSync: u.LastSync, NextCheckAt: u.NextCheckAt,
		ErrorMessage: *u.ErrorMessage, CreatedAt: in.CreatedAt,
	}
	requireIntegration(t, want, updated)
	requireStamp(t, updated.UpdatedAt)
	require.False(t, updated.UpdatedAt.Before(in.UpdatedAt), "UpdatedAt went back")

	got := mustGetIntegration(t, b, b.org, in.ID)
	requireIntegration(t, want, got)
	requireTime(t, updated.UpdatedAt, got.UpdatedAt)
}

func testIntegrationUpdateNil(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	full, err := b.store.IntegrationUpdate(b.ctx, fullIntegrationUpdate(b.org, in.ID))
	require.NoError(t, err)

	updated, err := b.store.IntegrationUpdate(b.ctx, &storage.IntegrationUpdateParams{OrganizationID: b.org, ID: in.ID})
	require.NoError(t, err)
	requireIntegration(t, full, updated)
	requireIntegration(t, full, mustGetIntegration(t, b, b.org, in.ID))

	// One field at a time leaves the others alone.
	updated, err = b.store.IntegrationUpdate(b.ctx, &storage.IntegrationUpdateParams{OrganizationID: b.org, ID: in.ID, ErrorMessage: ptr("")})
	require.NoError(t, err)
	want := *full
	want.ErrorMessage = ""
	requireIntegration(t, &want, updated)
	requireIntegration(t, &want, mustGetIntegration(t, b, b.org, in.ID))
}

func testIntegrationDelete(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	keep := mustCreateIntegration(t, b, b.org)
	require.NoError(t, b.store.IntegrationDelete(b.ctx, b.org, in.ID))
	_, err := b.store.IntegrationGet(b.ctx, b.org, in.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	require.ErrorIs(t, b.store.IntegrationDelete(b.ctx, b.org, in.ID), storage.ErrNotFound, "second delete")
	mustGetIntegration(t, b, b.org, keep.ID)
}

func testIntegrationDeleteCascade(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	tok := mustCreateOAuthToken(t, b, b.org, in.ID)
	require.NoError(t, b.store.IntegrationDelete(b.ctx, b.org, in.ID))
	_, err := b.store.OAuthTokenGet(b.ctx, b.org, tok.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = b.store.OAuthTokenGetByIntegration(b.ctx, b.org, in.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
}

func testIntegrationUnknown(t *testing.T, b *bundle) {
	mustCreateIntegration(t, b, b.org)
	id := uuid.New()
	_, err := b.store.IntegrationGet(b.ctx, b.org, id)
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = b.store.IntegrationUpdate(b.ctx, &storage.IntegrationUpdateParams{OrganizationID: b.org, ID: id, Name: ptr("x")})
	require.ErrorIs(t, err, storage.ErrNotFound)
	require.ErrorIs(t, b.store.IntegrationDelete(b.ctx, b.org, id), storage.ErrNotFound)
}

func testIntegrationIsolation(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	before := mustGetIntegration(t, b, b.org, in.ID)

	_, err := b.store.IntegrationGet(b.ctx, b.other, in.ID)
	require.ErrorIs(t, err, storage.ErrNotFound, "get")
	_, err = b.store.IntegrationUpdate(b.ctx, fullIntegrationUpdate(b.other, in.ID))
	require.ErrorIs(t, err, storage.ErrNotFound, "update")
	require.ErrorIs(t, b.store.IntegrationDelete(b.ctx, b.other, in.ID), storage.ErrNotFound, "delete")
	page, err := b.store.IntegrationList(b.ctx, &storage.IntegrationListParams{OrganizationID: b.other})
	require.NoError(t, err)
	require.Empty(t, page.Items, "list")

	after := mustGetIntegration(t, b, b.org, in.ID)
	requireIntegration(t, before, after)
	requireTime(t, before.UpdatedAt, after.UpdatedAt)
}

func listIntegrationIDs(t *testing.T, b *bundle, p *storage.IntegrationListParams) []uuid.UUID {
	t.Helper()
	p.Limit = storage.LimitMax
	page, err := b.store.IntegrationList(b.ctx, p)
	require.NoError(t, err)
	require.Empty(t, page.Next)
	out := []uuid.UUID{}
	for _, in := range page.Items {
		require.Equal(t, p.OrganizationID, in.OrganizationID)
		out = append(out, in.ID)
	}
	return out
}

func testIntegrationListType(t *testing.T, b *bundle) {
	email := mustCreateIntegration(t, b, b.org)
	cal := mustCreateIntegration(t, b, b.org, func(p *storage.IntegrationCreateParams) { p.Type, p.Provider = "calendar", "google" })
	mustCreateIntegration(t, b, b.other, func(p *storage.IntegrationCreateParams) { p.Type = "calendar" })

	require.Equal(t, []uuid.UUID{cal.ID}, listIntegrationIDs(t, b, &storage.IntegrationListParams{OrganizationID: b.org, Type: "calendar"}))
	require.Equal(t, []uuid.UUID{email.ID}, listIntegrationIDs(t, b, &storage.IntegrationListParams{OrganizationID: b.org, Type: "email"}))
	require.Empty(t, listIntegrationIDs(t, b, &storage.IntegrationListParams{OrganizationID: b.org, Type: "hris"}))
	require.ElementsMatch(t, []uuid.UUID{email.ID, cal.ID}, listIntegrationIDs(t, b, &storage.IntegrationListParams{OrganizationID: b.org}))
}

func testIntegrationListStatuses(t *testing.T, b *bundle) {
	byStatus := map[storage.IntegrationStatus]uuid.UUID{}
	for _, st := range []storage.IntegrationStatus{storage.IntegrationActive, storage.IntegrationInactive, storage.IntegrationError, storage.IntegrationDisabled} {
		byStatus[st] = mustCreateIntegration(t, b, b.org, func(p *storage.IntegrationCreateParams) { p.Status = st }).ID
		mustCreateIntegration(t, b, b.other, func(p *storage.IntegrationCreateParams) { p.Status = st })
	}
	tests := []struct {
		statuses []storage.IntegrationStatus
		want     []uuid.UUID
	}{
		{[]storage.IntegrationStatus{storage.IntegrationActive}, []uuid.UUID{byStatus[storage.IntegrationActive]}},
		{[]storage.IntegrationStatus{storage.IntegrationError, storage.IntegrationDisabled}, []uuid.UUID{byStatus[storage.IntegrationError], byStatus[storage.IntegrationDisabled]}},
		{nil, []uuid.UUID{byStatus[storage.IntegrationActive], byStatus[storage.IntegrationInactive], byStatus[storage.IntegrationError], byStatus[storage.IntegrationDisabled]}},
	}
	for _, tt := range tests {
		got := listIntegrationIDs(t, b, &storage.IntegrationListParams{OrganizationID: b.org, Statuses: tt.statuses})
		require.ElementsMatch(t, tt.want, got, "statuses %v", tt.statuses)
	}
	got := listIntegrationIDs(t, b, &storage.IntegrationListParams{OrganizationID: b.org, Type: "calendar", Statuses: []storage.IntegrationStatus{storage.IntegrationActive}})
	require.Empty(t, got, "type and statuses combine with AND")
}

func integrationPager() *pager {
	return &pager{
		seed: func(t *testing.T, b *bundle, org uuid.UUID, n int) []key {
			keys := make([]key, 0, n)
			for i := range n {
				in := mustCreateIntegration(t, b, org, func(p *storage.IntegrationCreateParams) { p.Name = fmt.Sprintf("integration %d", i) })
				keys = append(keys, key{in.CreatedAt, in.ID})
			}
			return keys
		},
		list: func(b *bundle, org uuid.UUID, limit int, cursor string) ([]key, string, error) {
			p, err := b.store.IntegrationList(b.ctx, &storage.IntegrationListParams{OrganizationID: org, Limit: limit, Cursor: cursor})
			return pageKeys(p, err, func(in *storage.Integration) key { return key{in.CreatedAt, in.ID} })
		},
	}
}
