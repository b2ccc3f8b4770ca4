package storagetest

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func dlqTests() []test {
	return []test{
		{"AddGet", testDLQAddGet},
		{"DeleteThenGetNotFound", testDLQDelete},
		{"OtherOrganizationNotFound", testDLQIsolation},
		{"ListFilterWebhook", testDLQListWebhook},
		{"ClearWebhookReturnsCount", testDLQClearWebhook},
		{"ClearOrganizationReturnsCount", testDLQClearOrg},
		{"DeleteEventKeepsOthers", testDLQDeleteEvent},
	}
}

// mustAddDLQ dead-letters a delivery.
func mustAddDLQ(t *testing.T, b *bundle, org, webhookID, deliveryID uuid.UUID) *storage.DLQEntry {
	t.Helper()
	e, err := b.store.DLQAdd(b.ctx, &storage.DLQAddParams{
		OrganizationID: org, WebhookID: webhookID, DeliveryID: deliveryID,
		Reason: "Max retries exceeded (5): HTTP 503 « Service Unavailable »",
	})
	require.NoError(t, err)
	return e
}

// mustDeadLetter creates n deliveries of a webhook and dead-letters them.
func mustDeadLetter(t *testing.T, b *bundle, org, webhookID uuid.UUID, n int) []*storage.DLQEntry {
	t.Helper()
	out := make([]*storage.DLQEntry, 0, n)
	for _, d := range mustInsertDeliveries(t, b, org, webhookID, n) {
		out = append(out, mustAddDLQ(t, b, org, webhookID, d.ID))
	}
	return out
}

func requireDLQ(t *testing.T, want, got *storage.DLQEntry) {
	t.Helper()
	require.Equal(t, want.ID, got.ID)
	require.Equal(t, want.OrganizationID, got.OrganizationID)
	require.Equal(t, want.WebhookID, got.WebhookID)
	require.Equal(t, want.DeliveryID, got.DeliveryID)
	require.Equal(t, want.Reason, got.Reason)
	requireTime(t, want.AddedAt, got.AddedAt, "AddedAt")
}

func testDLQAddGet(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	d := mustInsertDeliveries(t, b, b.org, w.ID, 1)[0]
	e := mustAddDLQ(t, b, b.org, w.ID, d.ID)
	require.NotEqual(t, uuid.Nil, e.ID)
	requireStamp(t, e.AddedAt)
	requireDLQ(t, &storage.DLQEntry{
		ID: e.ID, OrganizationID: b.org, WebhookID: w.ID, DeliveryID: d.ID,
		Reason: "Max retries exceeded (5): HTTP 503 « Service Unavailable »", AddedAt: e.AddedAt,
	}, e)
	got, err := b.store.DLQGet(b.ctx, b.org, e.ID)
	require.NoError(t, err)
	requireDLQ(t, e, got)
}

func testDLQDelete(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	es := mustDeadLetter(t, b, b.org, w.ID, 2)
	require.NoError(t, b.store.DLQDelete(b.ctx, b.org, es[0].ID))
	_, err := b.store.DLQGet(b.ctx, b.org, es[0].ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	require.ErrorIs(t, b.store.DLQDelete(b.ctx, b.org, es[0].ID), storage.ErrNotFound, "second delete")
	_, err = b.store.DLQGet(b.ctx, b.org, es[1].ID)
	require.NoError(t, err)
	// The delivery itself stays in the history.
	_, err = b.store.DeliveryGet(b.ctx, b.org, es[0].DeliveryID)
	require.NoError(t, err)
}

func testDLQIsolation(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	e := mustDeadLetter(t, b, b.org, w.ID, 1)[0]

	_, err := b.store.DLQGet(b.ctx, b.other, e.ID)
	require.ErrorIs(t, err, storage.ErrNotFound, "get")
	require.ErrorIs(t, b.store.DLQDelete(b.ctx, b.other, e.ID), storage.ErrNotFound, "delete")
	require.Empty(t, listDLQIDs(t, b, &storage.DLQListParams{OrganizationID: b.other}), "list")
	require.Empty(t, listDLQIDs(t, b, &storage.DLQListParams{OrganizationID: b.other, WebhookID: w.ID}), "list by webhook")
	n, err := b.store.DLQClear(b.ctx, b.other, w.ID)
	require.NoError(t, err)
	require.Zero(t, n, "clear by webhook")
	n, err = b.store.DLQClear(b.ctx, b.other, uuid.Nil)
	require.NoError(t, err)
	require.Zero(t, n, "clear all")

	got, err := b.store.DLQGet(b.ctx, b.org, e.ID)
	require.NoError(t, err)
	requireDLQ(t, e, got)

	_, err = b.store.DLQGet(b.ctx, b.org, uuid.New())
	require.ErrorIs(t, err, storage.ErrNotFound, "unknown id")
}

func listDLQIDs(t *testing.T, b *bundle, p *storage.DLQListParams) []uuid.UUID {
	t.Helper()
	p.Limit = storage.LimitMax
	page, err := b.store.DLQList(b.ctx, p)
	require.NoError(t, err)
	require.Empty(t, page.Next)
	out := []uuid.UUID{}
	for _, e := range page.Items {
		require.Equal(t, p.OrganizationID, e.OrganizationID)
		out = append(out, e.ID)
	}
	return out
}

func entryIDs(es ...[]*storage.DLQEntry) []uuid.UUID {
	out := []uuid.UUID{}
	for _, list := range es {
		for _, e := range list {
			out = append(out, e.ID)
		}
	}
	return out
}

func testDLQListWebhook(t *testing.T, b *bundle) {
	w1 := mustCreateWebhook(t, b, b.org)
	w2 := mustCreateWebhook(t, b, b.org)
	e1 := mustDeadLetter(t, b, b.org, w1.ID, 2)
	e2 := mustDeadLetter(t, b, b.org, w2.ID, 3)
	ow := mustCreateWebhook(t, b, b.other)
	mustDeadLetter(t, b, b.other, ow.ID, 1)

	require.ElementsMatch(t, entryIDs(e1), listDLQIDs(t, b, &storage.DLQListParams{OrganizationID: b.org, WebhookID: w1.ID}))
	require.ElementsMatch(t, entryIDs(e2), listDLQIDs(t, b, &storage.DLQListParams{OrganizationID: b.org, WebhookID: w2.ID}))
	require.ElementsMatch(t, entryIDs(e1, e2), listDLQIDs(t, b, &storage.DLQListParams{OrganizationID: b.org}))
}

func testDLQClearWebhook(t *testing.T, b *bundle) {
	w1 := mustCreateWebhook(t, b, b.org)
	w2 := mustCreateWebhook(t, b, b.org)
	mustDeadLetter(t, b, b.org, w1.ID, 3)
	e2 := mustDeadLetter(t, b, b.org, w2.ID, 2)

	n, err := b.store.DLQClear(b.ctx, b.org, w1.ID)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	require.Empty(t, listDLQIDs(t, b, &storage.DLQListParams{OrganizationID: b.org, WebhookID: w1.ID}))
	require.ElementsMatch(t, entryIDs(e2), listDLQIDs(t, b, &storage.DLQListParams{OrganizationID: b.org}))

	n, err = b.store.DLQClear(b.ctx, b.org, w1.ID)
	require.NoError(t, err)
	require.Zero(t, n, "already clear")
}

func testDLQClearOrg(t *testing.T, b *bundle) {
	w1 := mustCreateWebhook(t, b, b.org)
	w2 := mustCreateWebhook(t, b, b.org)
	mustDeadLetter(t, b, b.org, w1.ID, 3)
	mustDeadLetter(t, b, b.org, w2.ID, 2)
	ow := mustCreateWebhook(t, b, b.other)
	kept := mustDeadLetter(t, b, b.other, ow.ID, 2)

	n, err := b.store.DLQClear(b.ctx, b.org, uuid.Nil)
	require.NoError(t, err)
	require.Equal(t, 5, n)
	require.Empty(t, listDLQIDs(t, b, &storage.DLQListParams{OrganizationID: b.org}))
	require.ElementsMatch(t, entryIDs(kept), listDLQIDs(t, b, &storage.DLQListParams{OrganizationID: b.other}), "other organization untouched")
}

func dlqPager() *pager {
	return &pager{
		seed: func(t *testing.T, b *bundle, org uuid.UUID, n int) []key {
			w := mustCreateWebhook(t, b, org)
			keys := make([]key, 0, n)
			for _, e := range mustDeadLetter(t, b, org, w.ID, n) {
				keys = append(keys, key{e.AddedAt, e.ID})
			}
			return keys
		},
		list: func(b *bundle, org uuid.UUID, limit int, cursor string) ([]key, string, error) {
			p, err := b.store.DLQList(b.ctx, &storage.DLQListParams{OrganizationID: org, Limit: limit, Cursor: cursor})
			return pageKeys(p, err, func(e *storage.DLQEntry) key { return key{e.AddedAt, e.ID} })
		},
	}
}

// testDLQDeleteEvent: the entries of one event's deliveries to one webhook
// go, except the kept delivery's; the event's entries for another webhook,
// other events' and another organization's stay.
func testDLQDeleteEvent(t *testing.T, b *bundle) {
	w, w2, ow := mustCreateWebhook(t, b, b.org), mustCreateWebhook(t, b, b.org), mustCreateWebhook(t, b, b.other)
	ev := uuid.New()
	sameEvent := func(_ int, p *storage.DeliveryInsertParams) { p.EventID = ev }
	chain := mustInsertDeliveries(t, b, b.org, w.ID, 3, sameEvent)
	var entries []uuid.UUID
	for _, d := range chain {
		entries = append(entries, mustAddDLQ(t, b, b.org, w.ID, d.ID).ID)
	}
	keep := []uuid.UUID{
		entries[2], // the kept delivery's
		mustAddDLQ(t, b, b.org, w2.ID, mustInsertDeliveries(t, b, b.org, w2.ID, 1, sameEvent)[0].ID).ID,
		mustDeadLetter(t, b, b.org, w.ID, 1)[0].ID,
		mustAddDLQ(t, b, b.other, ow.ID, mustInsertDeliveries(t, b, b.other, ow.ID, 1, sameEvent)[0].ID).ID,
	}

	n, err := b.store.DLQDeleteEvent(b.ctx, b.other, w.ID, ev, uuid.Nil)
	require.NoError(t, err)
	require.Zero(t, n, "another organization's call touches nothing")
	n, err = b.store.DLQDeleteEvent(b.ctx, b.org, w.ID, ev, chain[2].ID)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	got := append(listDLQIDs(t, b, &storage.DLQListParams{OrganizationID: b.org}),
		listDLQIDs(t, b, &storage.DLQListParams{OrganizationID: b.other})...)
	require.ElementsMatch(t, keep, got)
}
