package storagetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func deliveryTests() []test {
	return []test{
		{"InsertGet", testDeliveryInsertGet},
		{"InsertDefaults", testDeliveryDefaults},
		{"InsertBatchKeepsOrder", testDeliveryBatchOrder},
		{"PayloadRoundTrip", testDeliveryPayload},
		{"PayloadBytesExact", testPayloadExact},
		{"DuplicateIdempotencyKeyIsSkipped", testDeliveryIdempotency},
		{"BatchSkipsTakenKeysMissingWebhookFails", testDeliveryBatchAllOrNothing},
		{"UpdateAllFields", testDeliveryUpdate},
		{"UpdateNilFieldsUnchanged", testDeliveryUpdateNil},
		{"HeadersNilAndEmpty", testDeliveryHeadersNilEmpty},
		{"OtherOrganizationNotFound", testDeliveryIsolation},
		{"ListFilters", testDeliveryListFilters},
		{"ListFilterCreated", testDeliveryListCreated},
	}
}

func deliveryParams(org, webhookID uuid.UUID) *storage.DeliveryInsertParams {
	return &storage.DeliveryInsertParams{
		OrganizationID: org,
		WebhookID:      webhookID,
		EventID:        uuid.New(),
		EventType:      "worker.created",
		Payload:        json.RawMessage(`{"id": "evt_1", "data": {"worker": {"name": "Zoë", "skills": ["forklift", "安全"]}}}`),
		IdempotencyKey: "idem-" + uuid.NewString(),
		AttemptNumber:  2,
		NextRetryAt:    ptr(fixedTime.Add(time.Minute)),
		Status:         storage.DeliveryFailed,
	}
}

// mustInsertDeliveries inserts n default deliveries in one batch.
func mustInsertDeliveries(t *testing.T, b *bundle, org, webhookID uuid.UUID, n int, edits ...func(int, *storage.DeliveryInsertParams)) []*storage.Delivery {
	t.Helper()
	ps := make([]*storage.DeliveryInsertParams, n)
	for i := range ps {
		ps[i] = deliveryParams(org, webhookID)
		for _, edit := range edits {
			edit(i, ps[i])
		}
	}
	ds, err := b.store.DeliveryInsert(b.ctx, ps)
	require.NoError(t, err)
	require.Len(t, ds, n)
	return ds
}

func mustGetDelivery(t *testing.T, b *bundle, org, id uuid.UUID) *storage.Delivery {
	t.Helper()
	d, err := b.store.DeliveryGet(b.ctx, org, id)
	require.NoError(t, err)
	return d
}

func requireDelivery(t *testing.T, want, got *storage.Delivery) {
	t.Helper()
	require.Equal(t, want.ID, got.ID)
	require.Equal(t, want.OrganizationID, got.OrganizationID)
	require.Equal(t, want.WebhookID, got.WebhookID)
	require.Equal(t, want.EventID, got.EventID)
	require.Equal(t, want.EventType, got.EventType)
	requireJSON(t, want.Payload, got.Payload, "Payload")
	require.Equal(t, want.IdempotencyKey, got.IdempotencyKey)
	require.Equal(t, want.RequestHeaders, got.RequestHeaders, "RequestHeaders")
	require.Equal(t, want.ResponseStatus, got.ResponseStatus)
	require.Equal(t, want.ResponseBody, got.ResponseBody)
	require.Equal(t, want.ResponseHeaders, got.ResponseHeaders, "ResponseHeaders")
	require.Equal(t, want.ResponseTruncated, got.ResponseTruncated)
	require.Equal(t, want.DurationMS, got.DurationMS)
	require.Equal(t, want.AttemptNumber, got.AttemptNumber)
	requireTimePtr(t, want.DeliveredAt, got.DeliveredAt, "DeliveredAt")
	requireTimePtr(t, want.NextRetryAt, got.NextRetryAt, "NextRetryAt")
	require.Equal(t, want.Status, got.Status)
	require.Equal(t, want.ErrorMessage, got.ErrorMessage)
	requireTime(t, want.CreatedAt, got.CreatedAt, "CreatedAt")
}

func testDeliveryInsertGet(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	p := deliveryParams(b.org, w.ID)
	ds, err := b.store.DeliveryInsert(b.ctx, []*storage.DeliveryInsertParams{p})
	require.NoError(t, err)
	require.Len(t, ds, 1)
	d := ds[0]
	require.NotEqual(t, uuid.Nil, d.ID)
	requireStamp(t, d.CreatedAt)
	requireDelivery(t, &storage.Delivery{
		ID: d.ID, OrganizationID: b.org, WebhookID: w.ID, EventID: p.EventID, EventType: p.EventType,
		Payload: p.Payload, IdempotencyKey: p.IdempotencyKey, AttemptNumber: p.AttemptNumber,
		DeliveredAt: d.DeliveredAt, NextRetryAt: p.NextRetryAt, Status: p.Status, CreatedAt: d.CreatedAt,
	}, d)
	requireDelivery(t, d, mustGetDelivery(t, b, b.org, d.ID))
}

func testDeliveryDefaults(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	ds := mustInsertDeliveries(t, b, b.org, w.ID, 2, func(_ int, p *storage.DeliveryInsertParams) {
		p.EventID = uuid.Nil
		p.AttemptNumber = 0
		p.Status = ""
		p.IdempotencyKey = ""
		p.NextRetryAt = nil
	})
	require.NotEqual(t, ds[0].EventID, ds[1].EventID, "each delivery gets its own event ID")
	for _, d := range ds {
		got := mustGetDelivery(t, b, b.org, d.ID)
		require.NotEqual(t, uuid.Nil, got.EventID)
		require.Equal(t, d.EventID, got.EventID)
		require.Equal(t, 1, got.AttemptNumber)
		require.Equal(t, storage.DeliveryPending, got.Status)
		require.Empty(t, got.IdempotencyKey)
		require.Nil(t, got.NextRetryAt)
		require.Nil(t, got.ResponseStatus)
		require.Nil(t, got.DurationMS)
		require.Empty(t, got.ResponseBody)
		require.False(t, got.ResponseTruncated)
		require.Empty(t, got.ErrorMessage)
	}
}

func testDeliveryBatchOrder(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	w2 := mustCreateWebhook(t, b, b.org)
	ps := []*storage.DeliveryInsertParams{deliveryParams(b.org, w.ID), deliveryParams(b.org, w2.ID), deliveryParams(b.org, w.ID)}
	for i, p := range ps {
		p.EventType = fmt.Sprintf("event.%d", i)
	}
	ds, err := b.store.DeliveryInsert(b.ctx, ps)
	require.NoError(t, err)
	require.Len(t, ds, len(ps))
	for i, d := range ds {
		require.Equal(t, ps[i].EventType, d.EventType, "result %d matches params %d", i, i)
		require.Equal(t, ps[i].WebhookID, d.WebhookID)
		require.Equal(t, ps[i].EventID, d.EventID)
		require.Equal(t, ps[i].EventType, mustGetDelivery(t, b, b.org, d.ID).EventType)
	}

	none, err := b.store.DeliveryInsert(b.ctx, nil)
	require.NoError(t, err, "an empty batch is a no-op")
	require.Empty(t, none)
}

func testDeliveryPayload(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	for _, payload := range []string{
		`{}`,
		`[]`,
		`{"a": [1, {"b": null}], "s": "ünï\u00e7ode \"quoted\"", "n": 1.25e3}`,
		`[{"x": 1}, {"x": 2}]`,
	} {
		d := mustInsertDeliveries(t, b, b.org, w.ID, 1, func(_ int, p *storage.DeliveryInsertParams) { p.Payload = json.RawMessage(payload) })[0]
		require.Equal(t, payload, string(d.Payload))
		require.Equal(t, payload, string(mustGetDelivery(t, b, b.org, d.ID).Payload))
	}
}

func testDeliveryIdempotency(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	w2 := mustCreateWebhook(t, b, b.org)
	d := mustInsertDeliveries(t, b, b.org, w.ID, 1)[0]

	p := deliveryParams(b.org, w.ID)
	p.IdempotencyKey = d.IdempotencyKey
	got, err := b.store.DeliveryInsert(b.ctx, []*storage.DeliveryInsertParams{p})
	require.NoError(t, err)
	require.Empty(t, got, "a taken key is skipped")

	// Another subscription may use the key, and empty keys never conflict.
	mustInsertDeliveries(t, b, b.org, w2.ID, 1, func(_ int, p *storage.DeliveryInsertParams) { p.IdempotencyKey = d.IdempotencyKey })
	mustInsertDeliveries(t, b, b.org, w.ID, 3, func(_ int, p *storage.DeliveryInsertParams) { p.IdempotencyKey = "" })
	mustInsertDeliveries(t, b, b.org, w.ID, 1, func(_ int, p *storage.DeliveryInsertParams) { p.IdempotencyKey = "" })
	require.Len(t, listDeliveryIDs(t, b, &storage.DeliveryListParams{OrganizationID: b.org, WebhookID: w.ID}), 5)
}

func testDeliveryBatchAllOrNothing(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	d := mustInsertDeliveries(t, b, b.org, w.ID, 1)[0]

	// A batch with a taken key and a key used twice writes the rest, in
	// one transaction, and returns them in order.
	fresh, plain := deliveryParams(b.org, w.ID), deliveryParams(b.org, w.ID)
	plain.IdempotencyKey = ""
	dup := deliveryParams(b.org, w.ID)
	dup.IdempotencyKey = d.IdempotencyKey
	twin := deliveryParams(b.org, w.ID)
	twin.IdempotencyKey = fresh.IdempotencyKey
	got, err := b.store.DeliveryInsert(b.ctx, []*storage.DeliveryInsertParams{dup, fresh, twin, plain})
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, fresh.IdempotencyKey, got[0].IdempotencyKey)
	require.Empty(t, got[1].IdempotencyKey)
	require.ElementsMatch(t, []uuid.UUID{d.ID, got[0].ID, got[1].ID},
		listDeliveryIDs(t, b, &storage.DeliveryListParams{OrganizationID: b.org}))

	// A missing webhook fails the whole batch: nothing is written.
	lost := deliveryParams(b.org, uuid.New())
	_, err = b.store.DeliveryInsert(b.ctx, []*storage.DeliveryInsertParams{deliveryParams(b.org, w.ID), lost})
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = b.store.DeliveryInsert(b.ctx, []*storage.DeliveryInsertParams{dup, lost})
	require.ErrorIs(t, err, storage.ErrNotFound, "also when the other rows are skipped")
	require.Len(t, listDeliveryIDs(t, b, &storage.DeliveryListParams{OrganizationID: b.org}), 3)
}

var (
	requestHeaders = http.Header{
		"Content-Type":       {"application/json"},
		"X-Intime-Signature": {"sha256=abc"},
		"Webhook-Signature":  {"v1,old", "v1,new"},
	}
	responseHeaders = http.Header{
		"Set-Cookie":   {"a=1", "b=2", "c=ü"},
		"Retry-After":  {"120"},
		"X-Empty":      {""},
		"Content-Type": {"text/plain; charset=utf-8"},
	}
)

func fullDeliveryUpdate(org, id uuid.UUID) *storage.DeliveryUpdateParams {
	return &storage.DeliveryUpdateParams{
		OrganizationID:    org,
		ID:                id,
		Status:            ptr(storage.DeliverySuccess),
		RequestHeaders:    requestHeaders,
		ResponseStatus:    ptr(204),
		ResponseBody:      ptr("ok ✓\n"),
		ResponseHeaders:   responseHeaders,
		ResponseTruncated: ptr(true),
		DurationMS:        ptr(137),
		DeliveredAt:       ptr(fixedTime.Add(5 * time.Second)),
		NextRetryAt:       ptr(fixedTime.Add(10 * time.Minute)),
		ErrorMessage:      ptr("connection reset"),
	}
}

func applyDeliveryUpdate(d *storage.Delivery, u *storage.DeliveryUpdateParams) *storage.Delivery {
	want := *d
	want.Status = *u.Status
	want.RequestHeaders = u.RequestHeaders
	want.ResponseStatus = u.ResponseStatus
	want.ResponseBody = *u.ResponseBody
	want.ResponseHeaders = u.ResponseHeaders
	want.ResponseTruncated = *u.ResponseTruncated
	want.DurationMS = u.DurationMS
	want.DeliveredAt = u.DeliveredAt
	want.NextRetryAt = u.NextRetryAt
	want.ErrorMessage = *u.ErrorMessage
	return &want
}

func testDeliveryUpdate(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	d := mustInsertDeliveries(t, b, b.org, w.ID, 1)[0]
	u := fullDeliveryUpdate(b.org, d.ID)
	updated, err := b.store.DeliveryUpdate(b.ctx, u)
	require.NoError(t, err)
	want := applyDeliveryUpdate(d, u)
	requireDelivery(t, want, updated)
	requireDelivery(t, want, mustGetDelivery(t, b, b.org, d.ID))
}

func testDeliveryUpdateNil(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	d := mustInsertDeliveries(t, b, b.org, w.ID, 1)[0]
	full, err := b.store.DeliveryUpdate(b.ctx, fullDeliveryUpdate(b.org, d.ID))
	require.NoError(t, err)

	updated, err := b.store.DeliveryUpdate(b.ctx, &storage.DeliveryUpdateParams{OrganizationID: b.org, ID: d.ID})
	require.NoError(t, err)
	requireDelivery(t, full, updated)
	requireDelivery(t, full, mustGetDelivery(t, b, b.org, d.ID))

	updated, err = b.store.DeliveryUpdate(b.ctx, &storage.DeliveryUpdateParams{OrganizationID: b.org, ID: d.ID, Status: ptr(storage.DeliveryDLQ), ErrorMessage: ptr("")})
	require.NoError(t, err)
	want := *full
	want.Status = storage.DeliveryDLQ
	want.ErrorMessage = ""
	requireDelivery(t, &want, updated)
	requireDelivery(t, &want, mustGetDelivery(t, b, b.org, d.ID))
}

func testDeliveryHeadersNilEmpty(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	d := mustInsertDeliveries(t, b, b.org, w.ID, 1)[0]
	got := mustGetDelivery(t, b, b.org, d.ID)
	require.Nil(t, got.RequestHeaders, "never set")
	require.Nil(t, got.ResponseHeaders, "never set")

	_, err := b.store.DeliveryUpdate(b.ctx, &storage.DeliveryUpdateParams{OrganizationID: b.org, ID: d.ID, ResponseHeaders: responseHeaders})
	require.NoError(t, err)
	got = mustGetDelivery(t, b, b.org, d.ID)
	require.Nil(t, got.RequestHeaders, "nil leaves it unset")
	require.Equal(t, responseHeaders, got.ResponseHeaders, "multi-values in order")

	_, err = b.store.DeliveryUpdate(b.ctx, &storage.DeliveryUpdateParams{OrganizationID: b.org, ID: d.ID, RequestHeaders: http.Header{}, ResponseHeaders: http.Header{}})
	require.NoError(t, err)
	got = mustGetDelivery(t, b, b.org, d.ID)
	require.Empty(t, got.RequestHeaders, "set to empty")
	require.Empty(t, got.ResponseHeaders, "an empty, non-nil header replaces the old one")
}

func testDeliveryIsolation(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	d := mustInsertDeliveries(t, b, b.org, w.ID, 1)[0]

	_, err := b.store.DeliveryGet(b.ctx, b.other, d.ID)
	require.ErrorIs(t, err, storage.ErrNotFound, "get")
	_, err = b.store.DeliveryUpdate(b.ctx, fullDeliveryUpdate(b.other, d.ID))
	require.ErrorIs(t, err, storage.ErrNotFound, "update")
	require.Empty(t, listDeliveryIDs(t, b, &storage.DeliveryListParams{OrganizationID: b.other}), "list")
	require.Empty(t, listDeliveryIDs(t, b, &storage.DeliveryListParams{OrganizationID: b.other, WebhookID: w.ID}), "list by webhook")
	requireDelivery(t, d, mustGetDelivery(t, b, b.org, d.ID))

	_, err = b.store.DeliveryGet(b.ctx, b.org, uuid.New())
	require.ErrorIs(t, err, storage.ErrNotFound, "unknown id")
	_, err = b.store.DeliveryUpdate(b.ctx, fullDeliveryUpdate(b.org, uuid.New()))
	require.ErrorIs(t, err, storage.ErrNotFound, "update unknown id")
}

func listDeliveryIDs(t *testing.T, b *bundle, p *storage.DeliveryListParams) []uuid.UUID {
	t.Helper()
	p.Limit = storage.LimitMax
	page, err := b.store.DeliveryList(b.ctx, p)
	require.NoError(t, err)
	require.Empty(t, page.Next)
	out := []uuid.UUID{}
	for _, d := range page.Items {
		require.Equal(t, p.OrganizationID, d.OrganizationID)
		out = append(out, d.ID)
	}
	return out
}

func testDeliveryListFilters(t *testing.T, b *bundle) {
	w1 := mustCreateWebhook(t, b, b.org)
	w2 := mustCreateWebhook(t, b, b.org)
	event := uuid.New()
	type row struct {
		webhook   uuid.UUID
		event     uuid.UUID
		eventType string
		status    storage.DeliveryStatus
	}
	rows := []row{
		{w1.ID, event, "worker.created", storage.DeliveryFailed},
		{w1.ID, event, "worker.created", storage.DeliverySuccess},
		{w1.ID, uuid.New(), "invoice.paid", storage.DeliveryPending},
		{w2.ID, uuid.New(), "worker.created", storage.DeliveryDLQ},
		{w2.ID, uuid.New(), "invoice.paid", storage.DeliveryPending},
	}
	ds := mustInsertDeliveries(t, b, b.org, uuid.Nil, len(rows), func(i int, p *storage.DeliveryInsertParams) {
		p.WebhookID, p.EventID, p.EventType, p.Status = rows[i].webhook, rows[i].event, rows[i].eventType, rows[i].status
	})
	ow := mustCreateWebhook(t, b, b.other)
	mustInsertDeliveries(t, b, b.other, ow.ID, 1, func(_ int, p *storage.DeliveryInsertParams) { p.EventID = event })

	id := func(is ...int) []uuid.UUID {
		out := []uuid.UUID{}
		for _, i := range is {
			out = append(out, ds[i].ID)
		}
		return out
	}
	tests := []struct {
		name string
		p    storage.DeliveryListParams
		want []uuid.UUID
	}{
		{"all", storage.DeliveryListParams{}, id(0, 1, 2, 3, 4)},
		{"webhook", storage.DeliveryListParams{WebhookID: w2.ID}, id(3, 4)},
		{"event", storage.DeliveryListParams{EventID: event}, id(0, 1)},
		{"event type", storage.DeliveryListParams{EventType: "invoice.paid"}, id(2, 4)},
		{"event type is exact", storage.DeliveryListParams{EventType: "invoice"}, id()},
		{"one status", storage.DeliveryListParams{Statuses: []storage.DeliveryStatus{storage.DeliveryPending}}, id(2, 4)},
		{"statuses", storage.DeliveryListParams{Statuses: []storage.DeliveryStatus{storage.DeliveryFailed, storage.DeliveryDLQ}}, id(0, 3)},
		{"combined", storage.DeliveryListParams{WebhookID: w1.ID, EventType: "worker.created", Statuses: []storage.DeliveryStatus{storage.DeliverySuccess}}, id(1)},
		{"unknown webhook", storage.DeliveryListParams{WebhookID: uuid.New()}, id()},
	}
	for _, tt := range tests {
		p := tt.p
		p.OrganizationID = b.org
		require.ElementsMatch(t, tt.want, listDeliveryIDs(t, b, &p), tt.name)
	}
}

// testDeliveryListCreated filters on creation times the store stamped, read
// back from the rows and from [storage.Maintenance.Now].
func testDeliveryListCreated(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	before := b.store.Now()
	var ds []*storage.Delivery
	for range 4 {
		ds = append(ds, mustInsertDeliveries(t, b, b.org, w.ID, 1)...)
	}
	after := b.store.Now()

	in := func(r storage.TimeRange) []uuid.UUID {
		out := []uuid.UUID{}
		for _, d := range ds {
			if !d.CreatedAt.Before(r.Since) && (r.Until.IsZero() || d.CreatedAt.Before(r.Until)) {
				out = append(out, d.ID)
			}
		}
		return out
	}
	first, last := ds[0].CreatedAt, ds[len(ds)-1].CreatedAt
	ranges := []struct {
		name string
		r    storage.TimeRange
		n    int // expected count, -1 when it depends on the clock
	}{
		{"open", storage.TimeRange{}, len(ds)},
		{"around Now", storage.TimeRange{Since: before, Until: after.Add(time.Microsecond)}, len(ds)},
		{"until before", storage.TimeRange{Until: before}, 0},
		{"since after", storage.TimeRange{Since: after.Add(time.Microsecond)}, 0},
		{"since first is inclusive", storage.TimeRange{Since: first}, len(ds)},
		{"until first is exclusive", storage.TimeRange{Until: first}, 0},
		{"since last is inclusive", storage.TimeRange{Since: last}, -1},
		{"until last is exclusive", storage.TimeRange{Since: first, Until: last}, -1},
		{"empty", storage.TimeRange{Since: last, Until: last}, 0},
	}
	for _, tt := range ranges {
		want := in(tt.r)
		if tt.n >= 0 {
			require.Len(t, want, tt.n, "%s: rows are stamped with the store clock", tt.name)
		}
		p := &storage.DeliveryListParams{OrganizationID: b.org, Created: tt.r}
		require.ElementsMatch(t, want, listDeliveryIDs(t, b, p), tt.name)
	}
}

func deliveryPager() *pager {
	return &pager{
		seed: func(t *testing.T, b *bundle, org uuid.UUID, n int) []key {
			w := mustCreateWebhook(t, b, org)
			keys := make([]key, 0, n)
			// Some in one batch (equal times on PostgreSQL), some alone.
			batch := n / 2
			for _, d := range mustInsertDeliveries(t, b, org, w.ID, batch) {
				keys = append(keys, key{d.CreatedAt, d.ID})
			}
			for range n - batch {
				d := mustInsertDeliveries(t, b, org, w.ID, 1)[0]
				keys = append(keys, key{d.CreatedAt, d.ID})
			}
			return keys
		},
		list: func(b *bundle, org uuid.UUID, limit int, cursor string) ([]key, string, error) {
			p, err := b.store.DeliveryList(b.ctx, &storage.DeliveryListParams{OrganizationID: org, Limit: limit, Cursor: cursor})
			return pageKeys(p, err, func(d *storage.Delivery) key { return key{d.CreatedAt, d.ID} })
		},
	}
}
