package webhook_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// testPolicy is a jitter-free policy, so that scheduled delays are exact.
func testPolicy(maxRetries int) *retry.Policy {
	p := retry.DefaultPolicy()
	p.MaxRetries, p.Jitter = maxRetries, false
	return &p
}

// fastConfig polls often so that tests wait on the receiver, not on timers.
func fastConfig(clk *clock, pol *retry.Policy) *webhook.Config {
	c := &webhook.Config{PollInterval: 10 * time.Millisecond, ReapInterval: 50 * time.Millisecond, DefaultPolicy: pol}
	if clk != nil {
		c.Clock = clk.Now
	}
	return c
}

func (b *bundle) start(t *testing.T) {
	t.Helper()
	require.NoError(t, b.d.Start(b.ctx))
}

func (b *bundle) publish(t *testing.T, event string, data any) []*storage.Delivery {
	t.Helper()
	rows, err := b.d.Publish(b.ctx, b.org, &webhook.Event{Type: event, Data: data})
	require.NoError(t, err)
	return rows
}

// chain returns every attempt row of an event, oldest first.
func (b *bundle) chain(t *testing.T, eventID uuid.UUID) []*storage.Delivery {
	t.Helper()
	page, err := b.d.DeliveryList(b.ctx, &storage.DeliveryListParams{OrganizationID: b.org, EventID: eventID})
	require.NoError(t, err)
	out := make([]*storage.Delivery, len(page.Items))
	for i, d := range page.Items {
		out[len(out)-1-i] = d
	}
	return out
}

// waitChain waits until an event's chain has n rows and the last is not
// pending, and returns it.
func (b *bundle) waitChain(t *testing.T, eventID uuid.UUID, n int) []*storage.Delivery {
	t.Helper()
	var rows []*storage.Delivery
	require.Eventually(t, func() bool {
		rows = b.chain(t, eventID)
		return len(rows) >= n && rows[n-1].Status != storage.DeliveryPending
	}, 20*time.Second, 5*time.Millisecond, "chain of %d rows", n)
	return rows
}

// waitNext waits for the pending row of attempt n and returns it.
func (b *bundle) waitNext(t *testing.T, eventID uuid.UUID, n int) *storage.Delivery {
	t.Helper()
	var row *storage.Delivery
	require.Eventually(t, func() bool {
		rows := b.chain(t, eventID)
		if len(rows) < n {
			return false
		}
		row = rows[n-1]
		return true
	}, 20*time.Second, 5*time.Millisecond, "attempt %d scheduled", n)
	return row
}

// TestDeliveryRetryThenSuccess: a receiver failing twice then succeeding
// gives three attempt rows, the last a success, with the policy's delays
// between them, driven by an injected clock (no sleeping).
func TestDeliveryRetryThenSuccess(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		clk := newClock()
		b := setup(t, be, fastConfig(clk, testPolicy(3)))
		b.subscribe(t, "flaky")
		b.rcv.FailTimes(2, http.StatusServiceUnavailable)
		b.start(t)
		ev := b.publish(t, webhook.EventJobCreated, map[string]string{"job_id": "J1"})[0].EventID

		r1 := b.waitChain(t, ev, 1)[0]
		next := b.waitNext(t, ev, 2)
		require.Equal(t, time.Second, next.NextRetryAt.Sub(*r1.DeliveredAt), "first retry after 1s")
		clk.Advance(time.Second)
		rows := b.waitChain(t, ev, 2)
		next = b.waitNext(t, ev, 3)
		require.Equal(t, 2*time.Second, next.NextRetryAt.Sub(*rows[1].DeliveredAt), "second retry after 2s")
		clk.Advance(2 * time.Second)
		rows = b.waitChain(t, ev, 3)

		require.Len(t, rows, 3)
		for i, r := range rows {
			require.Equal(t, i+1, r.AttemptNumber)
			require.Equal(t, ev, r.EventID)
			require.NotNil(t, r.DurationMS)
			require.NotEmpty(t, r.RequestHeaders.Get(webhook.HeaderSignature))
		}
		require.Equal(t, []storage.DeliveryStatus{storage.DeliveryFailed, storage.DeliveryFailed, storage.DeliverySuccess},
			[]storage.DeliveryStatus{rows[0].Status, rows[1].Status, rows[2].Status})
		require.Equal(t, 503, *rows[0].ResponseStatus)
		require.Equal(t, "Webhook endpoint returned error: 503", rows[0].ErrorMessage)
		require.Equal(t, 200, *rows[2].ResponseStatus)
		require.Equal(t, map[string]int{ev.String(): 3}, b.rcv.CountByDelivery(), "the same delivery ID on every retry")

		st, err := b.d.SubscriptionStats(b.ctx, b.org, rows[0].WebhookID)
		require.NoError(t, err)
		require.Equal(t, 3, st.Total)
		require.Equal(t, 1, st.Succeeded)
		require.InDelta(t, 1.0/3, st.SuccessRate, 1e-9)
		require.Equal(t, rows[2].DeliveredAt, st.LastTriggeredAt)

		clk.Advance(webhook.StatsWindow + time.Hour)
		st, err = b.d.SubscriptionStats(b.ctx, b.org, rows[0].WebhookID)
		require.NoError(t, err)
		require.Zero(t, st.Total, "nothing in the last 30 days")
		require.Equal(t, rows[2].DeliveredAt, st.LastTriggeredAt, "last triggered however long ago")
		for _, id := range []uuid.UUID{uuid.Nil, uuid.New()} {
			_, err = b.d.SubscriptionStats(b.ctx, b.org, id)
			require.ErrorIs(t, err, storage.ErrNotFound, "not a whole organization's figures")
		}
		_, err = b.d.SubscriptionStats(b.ctx, newOrg(), rows[0].WebhookID)
		require.ErrorIs(t, err, storage.ErrNotFound, "another organization's subscription")
	})
}

// TestDeliveryDeadLetterAndReplay: an always failing receiver gives
// MaxRetries+1 attempts with the policy's delays, then a DLQ entry and the
// hook; retrying from the DLQ succeeds once the receiver recovers.
func TestDeliveryDeadLetterAndReplay(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		clk := newClock()
		var mu sync.Mutex
		var dead []*webhook.DeadLetter
		cfg := fastConfig(clk, testPolicy(3))
		cfg.OnDeadLetter = func(_ context.Context, dl *webhook.DeadLetter) {
			mu.Lock()
			defer mu.Unlock()
			dead = append(dead, dl)
		}
		b := setup(t, be, cfg)
		sub := b.subscribe(t, "down")
		b.rcv.SetDefault(webhooktest.Fail(http.StatusInternalServerError))
		b.start(t)
		ev := b.publish(t, webhook.EventJobCreated, nil)[0].EventID

		for n, delay := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
			prev := b.waitChain(t, ev, n+1)[n]
			next := b.waitNext(t, ev, n+2)
			require.Equal(t, delay, next.NextRetryAt.Sub(*prev.DeliveredAt), "delay before retry %d", n+1)
			clk.Advance(delay)
		}
		rows := b.waitChain(t, ev, 4)
		require.Len(t, rows, 4, "MaxRetries+1 attempts")
		require.Equal(t, storage.DeliveryDLQ, rows[3].Status)

		page, err := b.d.DLQList(b.ctx, &storage.DLQListParams{OrganizationID: b.org})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		entry := page.Items[0]
		require.Equal(t, rows[3].ID, entry.DeliveryID)
		require.Equal(t, "Webhook endpoint returned error: 500 (after 4 attempts)", entry.Reason)
		require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(dead) == 1 }, 5*time.Second, 5*time.Millisecond)
		mu.Lock()
		require.Equal(t, webhook.DeadLetter{OrganizationID: b.org, WebhookID: sub.ID, DeliveryID: rows[3].ID, EventID: ev,
			EventType: webhook.EventJobCreated, Attempts: 4, Reason: entry.Reason}, *dead[0])
		mu.Unlock()

		n, err := b.d.DeliveryReplayBulk(b.ctx, &webhook.ReplayParams{OrganizationID: b.org, DryRun: true})
		require.NoError(t, err)
		require.Equal(t, 1, n, "one event to replay, however many attempts it had")

		b.rcv.SetDefault(webhooktest.OK())
		replayed, err := b.d.DLQRetry(b.ctx, b.org, entry.ID)
		require.NoError(t, err)
		require.Equal(t, 1, replayed.AttemptNumber, "a new attempt chain")
		require.JSONEq(t, string(rows[0].Payload), string(replayed.Payload), "the same payload")
		rows = b.waitChain(t, ev, 5)
		require.Equal(t, storage.DeliverySuccess, rows[4].Status)
		page, err = b.d.DLQList(b.ctx, &storage.DLQListParams{OrganizationID: b.org})
		require.NoError(t, err)
		require.Empty(t, page.Items, "the entry left the DLQ")
	})
}

func TestDeliveryReplayAndDLQOperations(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, fastConfig(nil, testPolicy(1)))
		sub := b.subscribe(t, "ops")
		b.rcv.SetDefault(webhooktest.Fail(http.StatusBadRequest)) // 4xx: not retried, straight to the DLQ
		b.start(t)
		var events []uuid.UUID
		for i := range 3 {
			events = append(events, b.publish(t, webhook.EventJobCreated, map[string]int{"n": i})[0].EventID)
		}
		for _, ev := range events {
			require.Equal(t, storage.DeliveryDLQ, b.waitChain(t, ev, 1)[0].Status)
		}
		page, err := b.d.DLQList(b.ctx, &storage.DLQListParams{OrganizationID: b.org, WebhookID: sub.ID})
		require.NoError(t, err)
		require.Len(t, page.Items, 3)
		first := b.chain(t, events[0])[0]
		for _, e := range page.Items {
			if e.DeliveryID == first.ID {
				require.NoError(t, b.d.DLQDelete(b.ctx, b.org, e.ID), "delete without retrying")
			}
		}

		b.rcv.SetDefault(webhooktest.OK())
		row, err := b.d.DeliveryReplay(b.ctx, b.org, first.ID)
		require.NoError(t, err)
		require.Equal(t, events[0], row.EventID)
		require.Equal(t, storage.DeliverySuccess, b.waitChain(t, events[0], 2)[1].Status, "ADMIN-INT-006")

		n, err := b.d.DLQRetryAll(b.ctx, b.org, uuid.Nil)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		for _, ev := range events {
			require.Eventually(t, func() bool {
				rows := b.chain(t, ev)
				return len(rows) == 2 && rows[1].Status == storage.DeliverySuccess
			}, 10*time.Second, 5*time.Millisecond, "each event replayed once and delivered")
		}
		n, err = b.d.DLQClear(b.ctx, b.org, uuid.Nil)
		require.NoError(t, err)
		require.Zero(t, n)
		n, err = b.d.DeliveryReplayBulk(b.ctx, &webhook.ReplayParams{OrganizationID: b.org, DryRun: true})
		require.NoError(t, err)
		require.Zero(t, n, "nothing left whose latest attempt failed")

		hist, err := b.d.DeliveryList(b.ctx, &storage.DeliveryListParams{OrganizationID: b.org, WebhookID: sub.ID,
			EventType: webhook.EventJobCreated, Statuses: []storage.DeliveryStatus{storage.DeliveryDLQ}})
		require.NoError(t, err)
		require.Len(t, hist.Items, 3, "history filters by status")
		one, err := b.d.DeliveryGet(b.ctx, b.org, hist.Items[0].ID)
		require.NoError(t, err)
		require.Equal(t, 400, *one.ResponseStatus)
		require.Contains(t, one.ResponseBody, "failing on purpose")
		require.Equal(t, "application/json", one.RequestHeaders.Get("Content-Type"))
	})
}

// TestDLQRetryAllOnce: Retry All retries the entries queued when it is
// called, each once. Replays that fail again are back in the queue within
// milliseconds; they wait for the next Retry All instead of being retried
// in a loop (which sent thousands of requests before this test).
func TestDLQRetryAllOnce(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, fastConfig(nil, testPolicy(1)))
		sub := b.subscribe(t, "bad")
		b.rcv.SetDefault(webhooktest.Fail(http.StatusBadRequest)) // not retried: straight to the DLQ
		b.start(t)
		const n = 20
		for i := range n {
			b.publish(t, webhook.EventJobCreated, map[string]int{"n": i})
		}
		dead := func() int {
			page, err := b.d.DLQList(b.ctx, &storage.DLQListParams{OrganizationID: b.org, WebhookID: sub.ID,
				Limit: storage.LimitMax})
			require.NoError(t, err)
			return len(page.Items)
		}
		require.Eventually(t, func() bool { return dead() == n }, 10*time.Second, 5*time.Millisecond)
		before := b.rcv.Count()

		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		defer cancel()
		got, err := b.d.DLQRetryAll(ctx, b.org, sub.ID)
		require.NoError(t, err)
		require.Equal(t, n, got, "each entry retried once")
		require.Eventually(t, func() bool { return dead() == n }, 10*time.Second, 5*time.Millisecond,
			"the failed replays are dead letters again")
		require.Equal(t, n, b.rcv.Count()-before, "one request per entry")
	})
}

func TestDeliveryGoneDisables(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, fastConfig(nil, testPolicy(3)))
		sub := b.subscribe(t, "gone")
		b.rcv.SetDefault(webhooktest.Gone())
		b.start(t)
		ev := b.publish(t, webhook.EventJobCreated, nil)[0].EventID
		rows := b.waitChain(t, ev, 1)
		require.Equal(t, storage.DeliveryDLQ, rows[0].Status, "410 is not retried")
		got, err := b.d.SubscriptionGet(b.ctx, b.org, sub.ID)
		require.NoError(t, err)
		require.Equal(t, storage.WebhookDisabled, got.Status)
		require.Equal(t, webhook.MsgDisabledGone, got.DisabledReason)
		rows2, err := b.d.Publish(b.ctx, b.org, &webhook.Event{Type: webhook.EventJobCreated})
		require.NoError(t, err)
		require.Empty(t, rows2, "a disabled subscription gets nothing")
	})
}

// TestDeliveryRateLimited: a 429's Retry-After schedules the next attempt,
// also when it asks for longer than the policy's MaxDelay (60 s here).
func TestDeliveryRateLimited(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		clk := newClock()
		pol := testPolicy(3)
		pol.RetryOn = pol.RetryOn.With(retry.ClassRateLimited)
		b := setup(t, be, fastConfig(clk, pol))
		b.subscribe(t, "limited")
		b.rcv.Enqueue(webhooktest.TooMany(7*time.Second), webhooktest.TooMany(2*time.Minute))
		b.start(t)
		ev := b.publish(t, webhook.EventJobCreated, nil)[0].EventID
		first := b.waitChain(t, ev, 1)[0]
		next := b.waitNext(t, ev, 2)
		require.Equal(t, 7*time.Second, next.NextRetryAt.Sub(*first.DeliveredAt), "Retry-After is honoured")
		clk.Advance(7 * time.Second)
		second := b.waitChain(t, ev, 2)[1]
		next = b.waitNext(t, ev, 3)
		require.Equal(t, 2*time.Minute, next.NextRetryAt.Sub(*second.DeliveredAt), "beyond MaxDelay too")
		clk.Advance(2 * time.Minute)
		require.Equal(t, storage.DeliverySuccess, b.waitChain(t, ev, 3)[2].Status)
	})
}

func TestPublish(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, nil)
		a := b.subscribe(t, "a", webhook.EventJobCreated, webhook.EventJobClosed)
		c := b.subscribe(t, "c", webhook.EventJobCreated)
		b.subscribe(t, "other", webhook.EventUserCreated)
		off := b.subscribe(t, "off", webhook.EventJobCreated)
		_, err := b.d.SubscriptionDisable(b.ctx, b.org, off.ID)
		require.NoError(t, err)

		e := &webhook.Event{Type: webhook.EventJobCreated, Data: map[string]string{"job_id": "J"}, IdempotencyKey: "job-J"}
		rows, err := b.d.Publish(b.ctx, b.org, e)
		require.NoError(t, err)
		require.ElementsMatch(t, []uuid.UUID{a.ID, c.ID}, []uuid.UUID{rows[0].WebhookID, rows[1].WebhookID})
		require.Equal(t, storage.DeliveryPending, rows[0].Status)
		var p webhook.Payload
		require.NoError(t, json.Unmarshal(rows[0].Payload, &p))
		require.Equal(t, webhook.EventJobCreated, p.Event)
		require.JSONEq(t, `{"job_id":"J"}`, string(p.Data))

		again, err := b.d.Publish(b.ctx, b.org, e)
		require.NoError(t, err)
		require.Empty(t, again, "a repeated idempotency key is a no-op")
		mixed, err := b.d.PublishBatch(b.ctx, b.org, []*webhook.Event{e,
			{Type: webhook.EventJobCreated, IdempotencyKey: "k-new"}, {Type: webhook.EventJobCreated}})
		require.NoError(t, err)
		require.Len(t, mixed, 4, "a batch skips the repeated key and writes the rest (two subscriptions each)")
		require.Equal(t, []string{"k-new", "k-new", "", ""}, []string{mixed[0].IdempotencyKey,
			mixed[1].IdempotencyKey, mixed[2].IdempotencyKey, mixed[3].IdempotencyKey})

		batch, err := b.d.PublishBatch(b.ctx, b.org, []*webhook.Event{{Type: webhook.EventJobClosed}, {Type: webhook.EventUserCreated}})
		require.NoError(t, err)
		require.Len(t, batch, 2)

		_, err = b.d.Publish(b.ctx, b.org, &webhook.Event{Type: "job.nope"})
		require.ErrorIs(t, err, webhook.ErrUnknownEvent)
		big := json.RawMessage(`"` + string(make([]byte, 0)) + stringsRepeat("x", webhook.MaxPayloadSize) + `"`)
		_, err = b.d.Publish(b.ctx, b.org, &webhook.Event{Type: webhook.EventJobCreated, Data: big})
		require.ErrorIs(t, err, webhook.ErrPayloadTooLarge)
		require.EqualError(t, err, "Request payload too large (max 10 MB)")
		_, err = b.d.Publish(b.ctx, uuid.New(), &webhook.Event{Type: webhook.EventJobCreated})
		require.NoError(t, err, "an organization without subscriptions publishes nothing")
	})
}

// TestRetryPolicyFallback (ADMIN-INT-012): a subscription's own policy
// applies, else its organization's default (Config.OrgPolicy), else
// Config.DefaultPolicy; an organization default that does not validate is
// passed over instead of stalling deliveries.
func TestRetryPolicyFallback(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		clk := newClock()
		badOrg := newOrg()
		cfg := fastConfig(clk, testPolicy(3))
		cfg.OrgPolicy = func(_ context.Context, org uuid.UUID) (*retry.Policy, error) {
			if org == badOrg {
				return &retry.Policy{MaxRetries: 2}, nil // no attempt timeout: invalid
			}
			return testPolicy(1), nil
		}
		b := setup(t, be, cfg)
		own, err := b.d.SubscriptionCreate(b.ctx, &webhook.SubscriptionCreateParams{OrganizationID: b.org, Name: "own",
			URL: b.rcv.URL + "/own", Events: []string{webhook.EventJobCreated}, RetryPolicy: testPolicy(2)})
		require.NoError(t, err)
		inherit := b.subscribe(t, "inherit")
		bad, err := b.d.SubscriptionCreate(b.ctx, &webhook.SubscriptionCreateParams{OrganizationID: badOrg, Name: "bad",
			URL: b.rcv.URL + "/bad", Events: []string{webhook.EventJobCreated}})
		require.NoError(t, err)
		for _, tt := range []struct {
			org, id uuid.UUID
			retries int
		}{{b.org, own.ID, 2}, {b.org, inherit.ID, 1}, {badOrg, bad.ID, 3}} {
			w, err := b.store.WebhookGet(b.ctx, tt.org, tt.id)
			require.NoError(t, err)
			pol, err := b.d.Policy(b.ctx, w)
			require.NoError(t, err)
			require.Equal(t, tt.retries, pol.MaxRetries, w.Name)
		}

		// The policies drive the deliveries: MaxRetries+1 attempts each.
		b.rcv.SetDefault(webhooktest.Fail(http.StatusServiceUnavailable))
		b.start(t)
		_, err = b.d.Publish(b.ctx, badOrg, &webhook.Event{Type: webhook.EventJobCreated})
		require.NoError(t, err)
		rows := b.publish(t, webhook.EventJobCreated, nil)
		attempts := func(org uuid.UUID) map[uuid.UUID]int {
			page, err := b.d.DeliveryList(b.ctx, &storage.DeliveryListParams{OrganizationID: org})
			require.NoError(t, err)
			n := map[uuid.UUID]int{}
			for _, r := range page.Items {
				if r.Status == storage.DeliveryDLQ {
					n[r.WebhookID] = r.AttemptNumber
				}
			}
			return n
		}
		require.Len(t, rows, 2)
		want := map[uuid.UUID]int{own.ID: 3, inherit.ID: 2, bad.ID: 4}
		require.Eventually(t, func() bool {
			clk.Advance(time.Minute) // past any delay of the policies
			got := attempts(b.org)
			maps.Copy(got, attempts(badOrg))
			return maps.Equal(want, got)
		}, 20*time.Second, 20*time.Millisecond, "attempts until the DLQ")
	})
}

// TestPublishPayloadText: event data is published as written (no HTML
// escaping), and text jsonb cannot store is refused with the same error on
// every store, before anything is written.
func TestPublishPayloadText(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, nil)
		b.subscribe(t, "text")
		rows, err := b.d.Publish(b.ctx, b.org, &webhook.Event{Type: webhook.EventJobCreated,
			Data: map[string]string{"html": "<b>&</b>"}})
		require.NoError(t, err)
		require.Contains(t, string(rows[0].Payload), `<b>&</b>`, "not \\u003cb\\u003e")

		for _, tt := range []struct {
			name string
			data any
			ok   bool
		}{
			{"NUL in a Go string", map[string]string{"a": "x\x00y"}, false},
			{"invalid UTF-8", json.RawMessage("{\"a\":\"\xff\"}"), false},
			{"NUL escape", json.RawMessage(`{"a":"x\u0000y"}`), false},
			{"lone high surrogate", json.RawMessage(`{"a":"\ud800"}`), false},
			{"lone low surrogate", json.RawMessage(`["\udc00"]`), false},
			{"high surrogate then other escape", json.RawMessage(`{"a":"\ud800\n"}`), false},
			{"NUL in a key", json.RawMessage(`{"\u0000":1}`), false},
			{"surrogate pair", json.RawMessage(`{"a":"\ud83d\ude00"}`), true},
			{"escaped backslash before u0000", json.RawMessage(`{"a":"\\u0000"}`), true},
			{"other escapes", json.RawMessage(`{"a":"\u00e9\t\"\/"}`), true},
		} {
			rows, err := b.d.Publish(b.ctx, b.org, &webhook.Event{Type: webhook.EventJobCreated, Data: tt.data})
			if tt.ok {
				require.NoError(t, err, tt.name)
				require.Len(t, rows, 1, tt.name)
				continue
			}
			require.ErrorIs(t, err, webhook.ErrPayloadUnstorable, tt.name)
		}
	})
}

// TestReplayKeepsDLQConsistent: a replayed event leaves the DLQ (so Retry
// All cannot send it again once delivered, and a failing replay has one
// entry, not two); two retries of one entry at once start one chain; an
// event with a retry pending is not replayed beside it; deleting a
// subscription by a zero ID touches no dead letter.
func TestReplayKeepsDLQConsistent(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		clk := newClock()
		b := setup(t, be, fastConfig(clk, testPolicy(1)))
		sub := b.subscribe(t, "dlq")
		b.rcv.SetDefault(webhooktest.Fail(http.StatusBadRequest)) // straight to the DLQ
		b.start(t)
		dead := func() []*storage.DLQEntry {
			page, err := b.d.DLQList(b.ctx, &storage.DLQListParams{OrganizationID: b.org, Limit: storage.LimitMax})
			require.NoError(t, err)
			return page.Items
		}
		evA := b.publish(t, webhook.EventJobCreated, map[string]int{"a": 1})[0].EventID
		evB := b.publish(t, webhook.EventJobCreated, map[string]int{"b": 1})[0].EventID
		require.Eventually(t, func() bool { return len(dead()) == 2 }, 10*time.Second, 5*time.Millisecond)

		// A failing replay of A: one entry for A afterwards, not two.
		first := b.chain(t, evA)[0]
		_, err := b.d.DeliveryReplay(b.ctx, b.org, first.ID)
		require.NoError(t, err)
		b.waitChain(t, evA, 2)
		require.Eventually(t, func() bool { return len(dead()) == 2 }, 10*time.Second, 5*time.Millisecond)

		// A successful replay of A removes its entry: Retry All sends B only.
		b.rcv.SetDefault(webhooktest.OK())
		_, err = b.d.DeliveryReplay(b.ctx, b.org, first.ID)
		require.NoError(t, err)
		require.Equal(t, storage.DeliverySuccess, b.waitChain(t, evA, 3)[2].Status)
		require.Len(t, dead(), 1)
		n, err := b.d.DLQRetryAll(b.ctx, b.org, sub.ID)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Equal(t, storage.DeliverySuccess, b.waitChain(t, evB, 2)[1].Status)
		require.Len(t, b.chain(t, evA), 3, "A was not sent again")

		// Two retries of one entry at once: one chain.
		b.rcv.SetDefault(webhooktest.Fail(http.StatusBadRequest))
		evC := b.publish(t, webhook.EventJobCreated, map[string]int{"c": 1})[0].EventID
		require.Eventually(t, func() bool { return len(dead()) == 1 }, 10*time.Second, 5*time.Millisecond)
		entry := dead()[0]
		errs := make(chan error, 4)
		for range 4 {
			go func() { _, err := b.d.DLQRetry(b.ctx, b.org, entry.ID); errs <- err }()
		}
		ok := 0
		for range 4 {
			if err := <-errs; err == nil {
				ok++
			} else {
				require.ErrorIs(t, err, storage.ErrNotFound)
			}
		}
		require.Equal(t, 1, ok, "one retry replays")
		b.waitChain(t, evC, 2)
		require.Len(t, b.chain(t, evC), 2, "one new chain")

		// A replay beside a pending retry is refused.
		b.rcv.SetDefault(webhooktest.Fail(http.StatusServiceUnavailable)) // retried after 1 s
		evD := b.publish(t, webhook.EventJobCreated, map[string]int{"d": 1})[0].EventID
		b.waitNext(t, evD, 2)
		_, err = b.d.DeliveryReplay(b.ctx, b.org, b.chain(t, evD)[0].ID)
		require.ErrorIs(t, err, webhook.ErrReplayPending)

		// Deleting by a zero ID is not found and leaves the DLQ alone.
		before := len(dead())
		require.ErrorIs(t, b.d.SubscriptionDelete(b.ctx, b.org, uuid.Nil), storage.ErrNotFound)
		require.Len(t, dead(), before)
	})
}
