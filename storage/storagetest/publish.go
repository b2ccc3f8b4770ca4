package storagetest

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func publishTests() []test {
	return []test{
		{"PublishFansOut", testPublishFansOut},
		{"PublishIdempotent", testPublishIdempotent},
		{"PublishValidates", testPublishValidates},
	}
}

// publisher returns the store as a [storage.DeliveryPublisher], or skips:
// the interface is optional.
func publisher(t *testing.T, b *bundle) storage.DeliveryPublisher {
	t.Helper()
	p, ok := b.store.(storage.DeliveryPublisher)
	if !ok {
		t.Skip("the store does not implement storage.DeliveryPublisher (optional)")
	}
	return p
}

func publishEvent(typ, payload, key string) *storage.DeliveryPublishEvent {
	return &storage.DeliveryPublishEvent{Type: typ, Payload: json.RawMessage(payload), IdempotencyKey: key}
}

// testPublishFansOut publishes to the active webhooks of the organization
// that subscribe to the type, in WebhookList's order, event by event; not
// to disabled ones, other types' or another organization's.
func testPublishFansOut(t *testing.T, b *bundle) {
	pub := publisher(t, b)
	older := mustCreateWebhook(t, b, b.org)
	newer := mustCreateWebhook(t, b, b.org)
	mustCreateWebhook(t, b, b.org, func(p *storage.WebhookCreateParams) { p.Status = storage.WebhookDisabled })
	mustCreateWebhook(t, b, b.org, func(p *storage.WebhookCreateParams) { p.Events = []string{"invoice.paid"} })
	mustCreateWebhook(t, b, b.other)
	list, err := b.store.WebhookList(b.ctx, &storage.WebhookListParams{OrganizationID: b.org, Event: "worker.created",
		Statuses: []storage.WebhookStatus{storage.WebhookActive}, Limit: 10})
	require.NoError(t, err)
	require.Len(t, list.Items, 2)
	order := []uuid.UUID{list.Items[0].ID, list.Items[1].ID}
	require.ElementsMatch(t, []uuid.UUID{older.ID, newer.ID}, order)

	got, err := pub.DeliveryPublish(b.ctx, &storage.DeliveryPublishParams{OrganizationID: b.org, Events: []*storage.DeliveryPublishEvent{
		publishEvent("worker.created", `{"n": 1,  "k":"é"}`, ""), publishEvent("assignment.started", `{"n":2}`, "k2")}})
	require.NoError(t, err)
	require.Len(t, got, 4)
	events := map[uuid.UUID]bool{}
	for i, d := range got {
		require.Equal(t, order[i%2], d.WebhookID, "row %d", i)
		require.Equal(t, b.org, d.OrganizationID)
		require.Equal(t, storage.DeliveryPending, d.Status)
		require.Equal(t, 1, d.AttemptNumber)
		require.Nil(t, d.NextRetryAt)
		requireStamp(t, d.CreatedAt)
		require.Equal(t, d, mustGetDelivery(t, b, b.org, d.ID))
		events[d.EventID] = true
		if i > 0 {
			require.Less(t, got[i-1].ID.String(), d.ID.String(), "IDs increase in the rows' order")
		}
	}
	require.Len(t, events, 4, "a new event ID per row, as DeliveryInsert gives")
	require.Equal(t, `{"n": 1,  "k":"é"}`, string(got[0].Payload), "the bytes as published")
	require.Equal(t, "worker.created", got[1].EventType)
	require.Equal(t, "k2", got[3].IdempotencyKey)
	require.Equal(t, "assignment.started", got[3].EventType)

	none, err := pub.DeliveryPublish(b.ctx, &storage.DeliveryPublishParams{OrganizationID: b.org,
		Events: []*storage.DeliveryPublishEvent{publishEvent("job.created", `{}`, "")}})
	require.NoError(t, err)
	require.Empty(t, none, "no subscriber")
}

// testPublishIdempotent skips the webhooks that already have the key.
func testPublishIdempotent(t *testing.T, b *bundle) {
	pub := publisher(t, b)
	first := mustCreateWebhook(t, b, b.org)
	p := &storage.DeliveryPublishParams{OrganizationID: b.org,
		Events: []*storage.DeliveryPublishEvent{publishEvent("worker.created", `{}`, "once")}}
	got, err := pub.DeliveryPublish(b.ctx, p)
	require.NoError(t, err)
	require.Len(t, got, 1)
	second := mustCreateWebhook(t, b, b.org)
	got, err = pub.DeliveryPublish(b.ctx, p)
	require.NoError(t, err)
	require.Len(t, got, 1, "only the webhook without the key")
	require.Equal(t, second.ID, got[0].WebhookID)
	require.NotEqual(t, first.ID, second.ID)
	got, err = pub.DeliveryPublish(b.ctx, p)
	require.NoError(t, err)
	require.Empty(t, got)
}

func testPublishValidates(t *testing.T, b *bundle) {
	pub := publisher(t, b)
	for _, p := range []*storage.DeliveryPublishParams{nil, {OrganizationID: b.org, Events: []*storage.DeliveryPublishEvent{nil}},
		{OrganizationID: b.org, Events: []*storage.DeliveryPublishEvent{publishEvent("worker.created", `{`, "")}},
		{OrganizationID: b.org, Events: []*storage.DeliveryPublishEvent{publishEvent("worker\x00", `{}`, "")}}} {
		_, err := pub.DeliveryPublish(b.ctx, p)
		require.ErrorIs(t, err, storage.ErrInvalid)
	}
}
