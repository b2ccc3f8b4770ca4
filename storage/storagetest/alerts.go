package storagetest

import (
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func alertTests() []test {
	return []test{
		{"RaiseGet", testAlertRaiseGet},
		{"RaiseSameKeyBumpsOpenAlert", testAlertRaiseDedup},
		{"RaiseAfterResolveOpensNewAlert", testAlertRaiseAfterResolve},
		{"ResolveTwiceIsNoOp", testAlertResolveTwice},
		{"OtherOrganizationNotFound", testAlertIsolation},
		{"ListFilters", testAlertListFilters},
	}
}

func alertParams(org, integrationID uuid.UUID, dedupKey string) *storage.AlertRaiseParams {
	return &storage.AlertRaiseParams{
		OrganizationID: org,
		IntegrationID:  integrationID,
		DedupKey:       dedupKey,
		Severity:       storage.AlertCritical,
		Title:          "SendGrid unreachable",
		Message:        "3 consecutive health checks failed: « 503 »",
		Impact:         "Emails not sending",
	}
}

func mustRaiseAlert(t *testing.T, b *bundle, p *storage.AlertRaiseParams) *storage.Alert {
	t.Helper()
	a, err := b.store.AlertRaise(b.ctx, p)
	require.NoError(t, err)
	return a
}

func mustGetAlert(t *testing.T, b *bundle, org, id uuid.UUID) *storage.Alert {
	t.Helper()
	a, err := b.store.AlertGet(b.ctx, org, id)
	require.NoError(t, err)
	return a
}

func requireAlert(t *testing.T, want, got *storage.Alert) {
	t.Helper()
	require.Equal(t, want.ID, got.ID)
	require.Equal(t, want.OrganizationID, got.OrganizationID)
	require.Equal(t, want.IntegrationID, got.IntegrationID)
	require.Equal(t, want.DedupKey, got.DedupKey)
	require.Equal(t, want.Severity, got.Severity)
	require.Equal(t, want.Title, got.Title)
	require.Equal(t, want.Message, got.Message)
	require.Equal(t, want.Impact, got.Impact)
	require.Equal(t, want.Status, got.Status)
	require.Equal(t, want.Count, got.Count)
	requireTime(t, want.FirstSeenAt, got.FirstSeenAt, "FirstSeenAt")
	requireTime(t, want.LastSeenAt, got.LastSeenAt, "LastSeenAt")
	requireTimePtr(t, want.ResolvedAt, got.ResolvedAt, "ResolvedAt")
}

func testAlertRaiseGet(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	for _, integrationID := range []uuid.UUID{in.ID, uuid.Nil} {
		p := alertParams(b.org, integrationID, "health:"+uuid.NewString())
		before := b.store.Now()
		a := mustRaiseAlert(t, b, p)
		require.NotEqual(t, uuid.Nil, a.ID)
		requireStamp(t, a.FirstSeenAt)
		require.False(t, a.FirstSeenAt.Before(before))
		requireAlert(t, &storage.Alert{
			ID: a.ID, OrganizationID: b.org, IntegrationID: integrationID, DedupKey: p.DedupKey,
			Severity: p.Severity, Title: p.Title, Message: p.Message, Impact: p.Impact,
			Status: storage.AlertOpen, Count: 1, FirstSeenAt: a.FirstSeenAt, LastSeenAt: a.FirstSeenAt,
		}, a)
		requireAlert(t, a, mustGetAlert(t, b, b.org, a.ID))
	}
}

func testAlertRaiseDedup(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	first := mustRaiseAlert(t, b, alertParams(b.org, in.ID, "smtp-down"))
	other := mustRaiseAlert(t, b, alertParams(b.other, uuid.Nil, "smtp-down"))
	require.NotEqual(t, first.ID, other.ID, "dedup keys are per organization")

	p := alertParams(b.org, in.ID, "smtp-down")
	p.Severity, p.Title, p.Message, p.Impact = storage.AlertWarning, "Still down", "4 failures", "Emails delayed"
	bumped := mustRaiseAlert(t, b, p)
	want := *first
	want.Severity, want.Title, want.Message, want.Impact = p.Severity, p.Title, p.Message, p.Impact
	want.Count = 2
	want.LastSeenAt = bumped.LastSeenAt
	requireAlert(t, &want, bumped)
	require.False(t, bumped.LastSeenAt.Before(first.LastSeenAt), "LastSeenAt moves forward")
	requireAlert(t, &want, mustGetAlert(t, b, b.org, first.ID))

	third := mustRaiseAlert(t, b, p)
	require.Equal(t, first.ID, third.ID)
	require.Equal(t, 3, third.Count)
	require.Equal(t, 1, mustGetAlert(t, b, b.other, other.ID).Count, "the other organization's alert is untouched")

	page, err := b.store.AlertList(b.ctx, &storage.AlertListParams{OrganizationID: b.org})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
}

func testAlertRaiseAfterResolve(t *testing.T, b *bundle) {
	first := mustRaiseAlert(t, b, alertParams(b.org, uuid.Nil, "quota"))
	resolved, err := b.store.AlertResolve(b.ctx, b.org, first.ID)
	require.NoError(t, err)

	second := mustRaiseAlert(t, b, alertParams(b.org, uuid.Nil, "quota"))
	require.NotEqual(t, first.ID, second.ID)
	require.Equal(t, storage.AlertOpen, second.Status)
	require.Equal(t, 1, second.Count)
	require.Nil(t, second.ResolvedAt)
	requireAlert(t, resolved, mustGetAlert(t, b, b.org, first.ID))

	third := mustRaiseAlert(t, b, alertParams(b.org, uuid.Nil, "quota"))
	require.Equal(t, second.ID, third.ID, "bumps the new open alert")
	require.Equal(t, 2, third.Count)
}

func testAlertResolveTwice(t *testing.T, b *bundle) {
	a := mustRaiseAlert(t, b, alertParams(b.org, uuid.Nil, "k"))
	before := b.store.Now()
	resolved, err := b.store.AlertResolve(b.ctx, b.org, a.ID)
	require.NoError(t, err)
	after := b.store.Now()
	require.Equal(t, storage.AlertResolved, resolved.Status)
	require.NotNil(t, resolved.ResolvedAt)
	requireStamp(t, *resolved.ResolvedAt)
	require.False(t, resolved.ResolvedAt.Before(before))
	require.False(t, resolved.ResolvedAt.After(after))
	want := *a
	want.Status, want.ResolvedAt = storage.AlertResolved, resolved.ResolvedAt
	requireAlert(t, &want, resolved)

	again, err := b.store.AlertResolve(b.ctx, b.org, a.ID)
	require.NoError(t, err)
	requireAlert(t, resolved, again)
	requireAlert(t, resolved, mustGetAlert(t, b, b.org, a.ID))
}

func testAlertIsolation(t *testing.T, b *bundle) {
	a := mustRaiseAlert(t, b, alertParams(b.org, uuid.Nil, "k"))
	_, err := b.store.AlertGet(b.ctx, b.other, a.ID)
	require.ErrorIs(t, err, storage.ErrNotFound, "get")
	_, err = b.store.AlertResolve(b.ctx, b.other, a.ID)
	require.ErrorIs(t, err, storage.ErrNotFound, "resolve")
	page, err := b.store.AlertList(b.ctx, &storage.AlertListParams{OrganizationID: b.other})
	require.NoError(t, err)
	require.Empty(t, page.Items, "list")
	requireAlert(t, a, mustGetAlert(t, b, b.org, a.ID))

	_, err = b.store.AlertGet(b.ctx, b.org, uuid.New())
	require.ErrorIs(t, err, storage.ErrNotFound, "unknown id")
	_, err = b.store.AlertResolve(b.ctx, b.org, uuid.New())
	require.ErrorIs(t, err, storage.ErrNotFound, "resolve unknown id")
}

func listAlertIDs(t *testing.T, b *bundle, p *storage.AlertListParams) []uuid.UUID {
	t.Helper()
	p.Limit = storage.LimitMax
	page, err := b.store.AlertList(b.ctx, p)
	require.NoError(t, err)
	require.Empty(t, page.Next)
	out := []uuid.UUID{}
	for _, a := range page.Items {
		require.Equal(t, p.OrganizationID, a.OrganizationID)
		out = append(out, a.ID)
	}
	return out
}

func testAlertListFilters(t *testing.T, b *bundle) {
	in1 := mustCreateIntegration(t, b, b.org)
	in2 := mustCreateIntegration(t, b, b.org)
	open1 := mustRaiseAlert(t, b, alertParams(b.org, in1.ID, "a"))
	res1 := mustRaiseAlert(t, b, alertParams(b.org, in1.ID, "b"))
	open2 := mustRaiseAlert(t, b, alertParams(b.org, in2.ID, "c"))
	global := mustRaiseAlert(t, b, alertParams(b.org, uuid.Nil, "d"))
	_, err := b.store.AlertResolve(b.ctx, b.org, res1.ID)
	require.NoError(t, err)
	mustRaiseAlert(t, b, alertParams(b.other, uuid.Nil, "a"))

	tests := []struct {
		name string
		p    storage.AlertListParams
		want []uuid.UUID
	}{
		{"all", storage.AlertListParams{}, []uuid.UUID{open1.ID, res1.ID, open2.ID, global.ID}},
		{"open", storage.AlertListParams{Statuses: []storage.AlertStatus{storage.AlertOpen}}, []uuid.UUID{open1.ID, open2.ID, global.ID}},
		{"resolved", storage.AlertListParams{Statuses: []storage.AlertStatus{storage.AlertResolved}}, []uuid.UUID{res1.ID}},
		{"both statuses", storage.AlertListParams{Statuses: []storage.AlertStatus{storage.AlertResolved, storage.AlertOpen}}, []uuid.UUID{open1.ID, res1.ID, open2.ID, global.ID}},
		{"integration", storage.AlertListParams{IntegrationID: in1.ID}, []uuid.UUID{open1.ID, res1.ID}},
		{"integration and status", storage.AlertListParams{IntegrationID: in1.ID, Statuses: []storage.AlertStatus{storage.AlertOpen}}, []uuid.UUID{open1.ID}},
		{"unknown integration", storage.AlertListParams{IntegrationID: uuid.New()}, []uuid.UUID{}},
	}
	for _, tt := range tests {
		p := tt.p
		p.OrganizationID = b.org
		require.ElementsMatch(t, tt.want, listAlertIDs(t, b, &p), tt.name)
	}
}

// alertPager orders by LastSeenAt: it raises every alert, then bumps the
// first half again so that they move to the front.
func alertPager() *pager {
	return &pager{
		seed: func(t *testing.T, b *bundle, org uuid.UUID, n int) []key {
			byID := map[uuid.UUID]*storage.Alert{}
			for i := range n {
				a := mustRaiseAlert(t, b, alertParams(org, uuid.Nil, fmt.Sprintf("key %d", i)))
				byID[a.ID] = a
			}
			for i := range n / 2 {
				a := mustRaiseAlert(t, b, alertParams(org, uuid.Nil, fmt.Sprintf("key %d", i)))
				byID[a.ID] = a
			}
			keys := make([]key, 0, n)
			for _, a := range byID {
				keys = append(keys, key{a.LastSeenAt, a.ID})
			}
			return keys
		},
		list: func(b *bundle, org uuid.UUID, limit int, cursor string) ([]key, string, error) {
			p, err := b.store.AlertList(b.ctx, &storage.AlertListParams{OrganizationID: org, Limit: limit, Cursor: cursor})
			return pageKeys(p, err, func(a *storage.Alert) key { return key{a.LastSeenAt, a.ID} })
		},
	}
}
