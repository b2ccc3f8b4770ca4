package storagetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

// exactPayloads are payloads a store keeps byte for byte: key order,
// duplicate keys, number forms, escapes and white space as published
// (PostgreSQL's jsonb rewrote every one of them), and numbers and escapes
// jsonb cannot hold at all.
var exactPayloads = []string{
	`{"b":1,"a":2.50,"n":1e2,"s":"x\/y"}`,
	`{"a":1,"a":2}`,
	`{ "spaced" : [ 1 , 2 ] ,"tab":	"\t", "u":"\u00e9\u65e5" }`,
	`{"n":1e999999,"m":-0.000e-99999,"big":123456789012345678901234567890}`,
	`{"nul":"\u0000","half":"\ud800"}`,
	`[]`,
	`"just a string"`,
}

// testPayloadExact: a payload comes back exactly as inserted from every
// read a delivery takes: the insert's result, a get, a list, a claim, and
// the next attempt a finish schedules.
func testPayloadExact(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	ps := make([]*storage.DeliveryInsertParams, len(exactPayloads))
	for i, p := range exactPayloads {
		ps[i] = &storage.DeliveryInsertParams{OrganizationID: b.org, WebhookID: w.ID, EventType: "job.created",
			Payload: json.RawMessage(p)}
	}
	ds, err := b.store.DeliveryInsert(b.ctx, ps)
	require.NoError(t, err)
	require.Len(t, ds, len(ps))
	want := map[string]string{}
	for i, d := range ds {
		want[d.ID.String()] = exactPayloads[i]
		require.Equal(t, exactPayloads[i], string(d.Payload), "insert")
		require.Equal(t, exactPayloads[i], string(mustGetDelivery(t, b, b.org, d.ID).Payload), "get")
	}
	page, err := b.store.DeliveryList(b.ctx, &storage.DeliveryListParams{OrganizationID: b.org})
	require.NoError(t, err)
	require.Len(t, page.Items, len(ps))
	for _, d := range page.Items {
		require.Equal(t, want[d.ID.String()], string(d.Payload), "list")
	}
	claimID, claimed := claimAt(t, b, b.store.Now(), len(ps))
	require.Len(t, claimed, len(ps))
	for _, d := range claimed {
		require.Equal(t, want[d.ID.String()], string(d.Payload), "claim")
		p := finishParams(d, claimID, storage.DeliveryFailed)
		p.Next = &storage.DeliveryRetry{NextRetryAt: baseTime.Add(time.Hour)}
		mustFinish(t, b, p)
		next, err := b.store.DeliveryList(b.ctx, &storage.DeliveryListParams{OrganizationID: b.org, EventID: d.EventID,
			Statuses: []storage.DeliveryStatus{storage.DeliveryPending}})
		require.NoError(t, err)
		require.Len(t, next.Items, 1)
		require.Equal(t, want[d.ID.String()], string(next.Items[0].Payload), "next attempt")
	}
}
