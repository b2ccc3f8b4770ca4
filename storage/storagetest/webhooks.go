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

func webhookTests() []test {
	return []test{
		{"CreateGet", testWebhookCreateGet},
		{"CreateDefaultsStatusActive", testWebhookDefaults},
		{"EventsOrderPreserved", testWebhookEventsOrder},
		{"DuplicateNameIsConflict", testWebhookDuplicateName},
		{"SameNameInOtherOrganization", testWebhookSameNameOtherOrg},
		{"RenameToExistingNameIsConflict", testWebhookRenameConflict},
		{"UpdateAllFields", testWebhookUpdate},
		{"UpdateNilFieldsUnchanged", testWebhookUpdateNil},
		{"UpdateEmptyPreviousSecretClearsIt", testWebhookClearPreviousSecret},
		{"UpdateIfUpdatedAt", testWebhookUpdateIfUpdatedAt},
		{"DeleteThenGetNotFound", testWebhookDelete},
		{"DeleteWithDeliveriesAndDLQ", testWebhookDeleteWithDeliveries},
		{"OtherOrganizationNotFound", testWebhookIsolation},
		{"ListFilterStatuses", testWebhookListStatuses},
		{"ListFilterEvent", testWebhookListEvent},
	}
}

func webhookParams(org uuid.UUID) *storage.WebhookCreateParams {
	return &storage.WebhookCreateParams{
		OrganizationID: org,
		Name:           "hook " + uuid.NewString(),
		URL:            "https://hooks.example.com/intime?token=abc&x=ü",
		Secret:         "whsec_" + NewSecret(),
		Events:         []string{"worker.created", "assignment.started", "invoice.paid"},
		Status:         storage.WebhookActive,
		RetryPolicy:    json.RawMessage(`{"max_attempts": 8, "strategy": "exponential"}`),
	}
}

func mustCreateWebhook(t *testing.T, b *bundle, org uuid.UUID, edits ...func(*storage.WebhookCreateParams)) *storage.Webhook {
	t.Helper()
	p := webhookParams(org)
	for _, edit := range edits {
		edit(p)
	}
	w, err := b.store.WebhookCreate(b.ctx, p)
	require.NoError(t, err)
	return w
}

func mustGetWebhook(t *testing.T, b *bundle, org, id uuid.UUID) *storage.Webhook {
	t.Helper()
	w, err := b.store.WebhookGet(b.ctx, org, id)
	require.NoError(t, err)
	return w
}

// requireWebhook compares every field but UpdatedAt.
func requireWebhook(t *testing.T, want, got *storage.Webhook) {
	t.Helper()
	require.Equal(t, want.ID, got.ID)
	require.Equal(t, want.OrganizationID, got.OrganizationID)
	require.Equal(t, want.Name, got.Name)
	require.Equal(t, want.URL, got.URL)
	require.Equal(t, want.Secret, got.Secret)
	require.Equal(t, want.PreviousSecret, got.PreviousSecret)
	requireTimePtr(t, want.PreviousSecretExpiresAt, got.PreviousSecretExpiresAt, "PreviousSecretExpiresAt")
	require.Equal(t, want.Events, got.Events)
	require.Equal(t, want.Status, got.Status)
	require.Equal(t, want.DisabledReason, got.DisabledReason)
	requireJSON(t, want.RetryPolicy, got.RetryPolicy, "RetryPolicy")
	requireTime(t, want.CreatedAt, got.CreatedAt, "CreatedAt")
}

func testWebhookCreateGet(t *testing.T, b *bundle) {
	p := webhookParams(b.org)
	w, err := b.store.WebhookCreate(b.ctx, p)
	require.NoError(t, err)
	require.NotEqual(t, uuid.Nil, w.ID)
	requireStamp(t, w.CreatedAt)
	requireStamp(t, w.UpdatedAt)
	requireWebhook(t, &storage.Webhook{
		ID: w.ID, OrganizationID: b.org, Name: p.Name, URL: p.URL, Secret: p.Secret,
		Events: p.Events, Status: p.Status, RetryPolicy: p.RetryPolicy, CreatedAt: w.CreatedAt,
	}, w)

	got := mustGetWebhook(t, b, b.org, w.ID)
	requireWebhook(t, w, got)
	requireTime(t, w.UpdatedAt, got.UpdatedAt)
}

func testWebhookDefaults(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org, func(p *storage.WebhookCreateParams) {
		p.Status = ""
		p.RetryPolicy = nil
	})
	require.Equal(t, storage.WebhookActive, w.Status)
	got := mustGetWebhook(t, b, b.org, w.ID)
	require.Equal(t, storage.WebhookActive, got.Status)
	require.Nil(t, got.RetryPolicy, "RetryPolicy nil stays nil")
	require.Empty(t, got.PreviousSecret)
	require.Nil(t, got.PreviousSecretExpiresAt)
	require.Empty(t, got.DisabledReason)
}

func testWebhookEventsOrder(t *testing.T, b *bundle) {
	for _, events := range [][]string{
		{"z.last", "a.first", "m.middle"},
		{"only.one"},
		{"b", "a", "c", "worker.*", "ü.unicode"},
	} {
		w := mustCreateWebhook(t, b, b.org, func(p *storage.WebhookCreateParams) { p.Events = events })
		require.Equal(t, events, w.Events)
		require.Equal(t, events, mustGetWebhook(t, b, b.org, w.ID).Events)
	}
}

func testWebhookDuplicateName(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	p := webhookParams(b.org)
	p.Name = w.Name
	_, err := b.store.WebhookCreate(b.ctx, p)
	require.ErrorIs(t, err, storage.ErrConflict)
	require.Equal(t, []uuid.UUID{w.ID}, listWebhookIDs(t, b, &storage.WebhookListParams{OrganizationID: b.org}), "nothing was created")
}

func testWebhookSameNameOtherOrg(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	other := mustCreateWebhook(t, b, b.other, func(p *storage.WebhookCreateParams) { p.Name = w.Name })
	require.Equal(t, w.Name, other.Name)
	require.NotEqual(t, w.ID, other.ID)
}

func testWebhookRenameConflict(t *testing.T, b *bundle) {
	first := mustCreateWebhook(t, b, b.org)
	second := mustCreateWebhook(t, b, b.org)
	_, err := b.store.WebhookUpdate(b.ctx, &storage.WebhookUpdateParams{OrganizationID: b.org, ID: second.ID, Name: &first.Name, URL: ptr("https://changed.example.com")})
	require.ErrorIs(t, err, storage.ErrConflict)
	got := mustGetWebhook(t, b, b.org, second.ID)
	requireWebhook(t, second, got)

	// Keeping one's own name is not a conflict, nor is taking a name used
	// in another organization.
	_, err = b.store.WebhookUpdate(b.ctx, &storage.WebhookUpdateParams{OrganizationID: b.org, ID: second.ID, Name: &second.Name})
	require.NoError(t, err)
	other := mustCreateWebhook(t, b, b.other)
	_, err = b.store.WebhookUpdate(b.ctx, &storage.WebhookUpdateParams{OrganizationID: b.org, ID: second.ID, Name: &other.Name})
	require.NoError(t, err)
}

func fullWebhookUpdate(org, id uuid.UUID) *storage.WebhookUpdateParams {
	return &storage.WebhookUpdateParams{
		OrganizationID:          org,
		ID:                      id,
		Name:                    ptr("renamed " + uuid.NewString()),
		URL:                     ptr("https://new.example.com/hook"),
		Secret:                  ptr("whsec_" + NewSecret()),
		PreviousSecret:          ptr(NewSecret()),
		PreviousSecretExpiresAt: ptr(fixedTime.Add(24 * time.Hour)),
		Events:                  []string{"worker.deleted", "worker.created"},
		Status:                  ptr(storage.WebhookDisabled),
		DisabledReason:          ptr("Endpoint returned HTTP 410 Gone"),
		RetryPolicy:             json.RawMessage(`{"max_attempts": 1}`),
	}
}

func testWebhookUpdate(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	u := fullWebhookUpdate(b.org, w.ID)
	updated, err := b.store.WebhookUpdate(b.ctx, u)
	require.NoError(t, err)
	want := &storage.Webhook{
		ID: w.ID, OrganizationID: b.org, Name: *u.Name, URL: *u.URL, Secret: *u.Secret,
		PreviousSecret: *u.PreviousSecret, PreviousSecretExpiresAt: u.PreviousSecretExpiresAt,
		Events: u.Events, Status: *u.Status, DisabledReason: *u.DisabledReason,
		RetryPolicy: u.RetryPolicy, CreatedAt: w.CreatedAt,
	}
	requireWebhook(t, want, updated)
	requireStamp(t, updated.UpdatedAt)
	require.False(t, updated.UpdatedAt.Before(w.UpdatedAt), "UpdatedAt went back")

	got := mustGetWebhook(t, b, b.org, w.ID)
	requireWebhook(t, want, got)
	requireTime(t, updated.UpdatedAt, got.UpdatedAt)
}

func testWebhookUpdateNil(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	full, err := b.store.WebhookUpdate(b.ctx, fullWebhookUpdate(b.org, w.ID))
	require.NoError(t, err)

	updated, err := b.store.WebhookUpdate(b.ctx, &storage.WebhookUpdateParams{OrganizationID: b.org, ID: w.ID})
	require.NoError(t, err)
	requireWebhook(t, full, updated)
	requireWebhook(t, full, mustGetWebhook(t, b, b.org, w.ID))

	updated, err = b.store.WebhookUpdate(b.ctx, &storage.WebhookUpdateParams{OrganizationID: b.org, ID: w.ID, Status: ptr(storage.WebhookActive)})
	require.NoError(t, err)
	want := *full
	want.Status = storage.WebhookActive
	requireWebhook(t, &want, updated)
	requireWebhook(t, &want, mustGetWebhook(t, b, b.org, w.ID))
}

func testWebhookClearPreviousSecret(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	rotated := NewSecret()
	_, err := b.store.WebhookUpdate(b.ctx, &storage.WebhookUpdateParams{
		OrganizationID: b.org, ID: w.ID,
		Secret: &rotated, PreviousSecret: &w.Secret, PreviousSecretExpiresAt: ptr(fixedTime),
	})
	require.NoError(t, err)
	got := mustGetWebhook(t, b, b.org, w.ID)
	require.Equal(t, rotated, got.Secret)
	require.Equal(t, w.Secret, got.PreviousSecret)

	updated, err := b.store.WebhookUpdate(b.ctx, &storage.WebhookUpdateParams{OrganizationID: b.org, ID: w.ID, PreviousSecret: ptr("")})
	require.NoError(t, err)
	require.Empty(t, updated.PreviousSecret)
	got = mustGetWebhook(t, b, b.org, w.ID)
	require.Empty(t, got.PreviousSecret)
	require.Equal(t, rotated, got.Secret, "clearing the previous secret keeps the current one")
}

func testWebhookDelete(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	keep := mustCreateWebhook(t, b, b.org)
	require.NoError(t, b.store.WebhookDelete(b.ctx, b.org, w.ID))
	_, err := b.store.WebhookGet(b.ctx, b.org, w.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	require.ErrorIs(t, b.store.WebhookDelete(b.ctx, b.org, w.ID), storage.ErrNotFound, "second delete")
	mustGetWebhook(t, b, b.org, keep.ID)

	// The name is free again.
	mustCreateWebhook(t, b, b.org, func(p *storage.WebhookCreateParams) { p.Name = w.Name })
}

func testWebhookDeleteWithDeliveries(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	keep := mustCreateWebhook(t, b, b.org)
	ds := mustInsertDeliveries(t, b, b.org, w.ID, 3)
	kept := mustInsertDeliveries(t, b, b.org, keep.ID, 1)[0]
	entry := mustAddDLQ(t, b, b.org, w.ID, ds[0].ID)
	keptEntry := mustAddDLQ(t, b, b.org, keep.ID, kept.ID)

	require.NoError(t, b.store.WebhookDelete(b.ctx, b.org, w.ID))
	for _, d := range ds {
		_, err := b.store.DeliveryGet(b.ctx, b.org, d.ID)
		require.ErrorIs(t, err, storage.ErrNotFound, "delivery %s", d.ID)
	}
	_, err := b.store.DLQGet(b.ctx, b.org, entry.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	require.Empty(t, listDeliveryIDs(t, b, &storage.DeliveryListParams{OrganizationID: b.org, WebhookID: w.ID}))

	_, err = b.store.DeliveryGet(b.ctx, b.org, kept.ID)
	require.NoError(t, err)
	_, err = b.store.DLQGet(b.ctx, b.org, keptEntry.ID)
	require.NoError(t, err)
}

func testWebhookIsolation(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	_, err := b.store.WebhookGet(b.ctx, b.other, w.ID)
	require.ErrorIs(t, err, storage.ErrNotFound, "get")
	_, err = b.store.WebhookUpdate(b.ctx, fullWebhookUpdate(b.other, w.ID))
	require.ErrorIs(t, err, storage.ErrNotFound, "update")
	require.ErrorIs(t, b.store.WebhookDelete(b.ctx, b.other, w.ID), storage.ErrNotFound, "delete")
	require.Empty(t, listWebhookIDs(t, b, &storage.WebhookListParams{OrganizationID: b.other}), "list")

	got := mustGetWebhook(t, b, b.org, w.ID)
	requireWebhook(t, w, got)
	requireTime(t, w.UpdatedAt, got.UpdatedAt)

	_, err = b.store.WebhookUpdate(b.ctx, &storage.WebhookUpdateParams{OrganizationID: b.org, ID: uuid.New(), Name: ptr("x")})
	require.ErrorIs(t, err, storage.ErrNotFound, "unknown id")
}

func listWebhookIDs(t *testing.T, b *bundle, p *storage.WebhookListParams) []uuid.UUID {
	t.Helper()
	p.Limit = storage.LimitMax
	page, err := b.store.WebhookList(b.ctx, p)
	require.NoError(t, err)
	require.Empty(t, page.Next)
	out := []uuid.UUID{}
	for _, w := range page.Items {
		require.Equal(t, p.OrganizationID, w.OrganizationID)
		out = append(out, w.ID)
	}
	return out
}

func testWebhookListStatuses(t *testing.T, b *bundle) {
	active := mustCreateWebhook(t, b, b.org)
	disabled := mustCreateWebhook(t, b, b.org, func(p *storage.WebhookCreateParams) { p.Status = storage.WebhookDisabled })
	mustCreateWebhook(t, b, b.other)

	tests := []struct {
		statuses []storage.WebhookStatus
		want     []uuid.UUID
	}{
		{[]storage.WebhookStatus{storage.WebhookActive}, []uuid.UUID{active.ID}},
		{[]storage.WebhookStatus{storage.WebhookDisabled}, []uuid.UUID{disabled.ID}},
		{[]storage.WebhookStatus{storage.WebhookDisabled, storage.WebhookActive}, []uuid.UUID{active.ID, disabled.ID}},
		{nil, []uuid.UUID{active.ID, disabled.ID}},
	}
	for _, tt := range tests {
		got := listWebhookIDs(t, b, &storage.WebhookListParams{OrganizationID: b.org, Statuses: tt.statuses})
		require.ElementsMatch(t, tt.want, got, "statuses %v", tt.statuses)
	}
}

func testWebhookListEvent(t *testing.T, b *bundle) {
	ab := mustCreateWebhook(t, b, b.org, func(p *storage.WebhookCreateParams) { p.Events = []string{"worker.created", "invoice.paid"} })
	bc := mustCreateWebhook(t, b, b.org, func(p *storage.WebhookCreateParams) {
		p.Events = []string{"invoice.paid", "shift.filled"}
		p.Status = storage.WebhookDisabled
	})
	c := mustCreateWebhook(t, b, b.org, func(p *storage.WebhookCreateParams) { p.Events = []string{"shift.filled"} })
	mustCreateWebhook(t, b, b.other, func(p *storage.WebhookCreateParams) { p.Events = []string{"invoice.paid"} })

	tests := []struct {
		event    string
		statuses []storage.WebhookStatus
		want     []uuid.UUID
	}{
		{"invoice.paid", nil, []uuid.UUID{ab.ID, bc.ID}},
		{"worker.created", nil, []uuid.UUID{ab.ID}},
		{"shift.filled", nil, []uuid.UUID{bc.ID, c.ID}},
		{"invoice.paid", []storage.WebhookStatus{storage.WebhookActive}, []uuid.UUID{ab.ID}},
		{"invoice", nil, nil},
		{"paid", nil, nil},
		{"invoice.paid.extra", nil, nil},
		{"INVOICE.PAID", nil, nil},
		{"worker.created\", \"invoice.paid", nil, nil},
		{"%", nil, nil},
	}
	for _, tt := range tests {
		got := listWebhookIDs(t, b, &storage.WebhookListParams{OrganizationID: b.org, Event: tt.event, Statuses: tt.statuses})
		require.ElementsMatch(t, tt.want, got, "event %q, statuses %v", tt.event, tt.statuses)
	}
}

func webhookPager() *pager {
	return &pager{
		seed: func(t *testing.T, b *bundle, org uuid.UUID, n int) []key {
			keys := make([]key, 0, n)
			for i := range n {
				w := mustCreateWebhook(t, b, org, func(p *storage.WebhookCreateParams) { p.Name = fmt.Sprintf("hook %d", i) })
				keys = append(keys, key{w.CreatedAt, w.ID})
			}
			return keys
		},
		list: func(b *bundle, org uuid.UUID, limit int, cursor string) ([]key, string, error) {
			p, err := b.store.WebhookList(b.ctx, &storage.WebhookListParams{OrganizationID: org, Limit: limit, Cursor: cursor})
			return pageKeys(p, err, func(w *storage.Webhook) key { return key{w.CreatedAt, w.ID} })
		},
	}
}

// testWebhookUpdateIfUpdatedAt: an update made at the version read applies;
// one made at a version since changed is ErrConflict and changes nothing;
// an unknown subscription is still ErrNotFound.
func testWebhookUpdateIfUpdatedAt(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	read := w.UpdatedAt
	first, second := NewSecret(), NewSecret()
	got, err := b.store.WebhookUpdate(b.ctx, &storage.WebhookUpdateParams{OrganizationID: b.org, ID: w.ID,
		Secret: &first, IfUpdatedAt: &read})
	require.NoError(t, err)
	require.Equal(t, first, got.Secret)
	require.True(t, got.UpdatedAt.After(read), "the version moved on")

	_, err = b.store.WebhookUpdate(b.ctx, &storage.WebhookUpdateParams{OrganizationID: b.org, ID: w.ID,
		Secret: &second, IfUpdatedAt: &read})
	require.ErrorIs(t, err, storage.ErrConflict, "a stale version")
	now, err := b.store.WebhookGet(b.ctx, b.org, w.ID)
	require.NoError(t, err)
	require.Equal(t, first, now.Secret, "nothing changed")

	_, err = b.store.WebhookUpdate(b.ctx, &storage.WebhookUpdateParams{OrganizationID: b.org, ID: uuid.New(),
		Secret: &second, IfUpdatedAt: &read})
	require.ErrorIs(t, err, storage.ErrNotFound)
}
