package webhook_test

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// slowClaimStore makes the first claim take a while on the test clock.
type slowClaimStore struct {
	storage.Store
	clk   *clock
	took  time.Duration
	calls atomic.Int32
}

func (s *slowClaimStore) DeliveryClaim(ctx context.Context, p *storage.DeliveryClaimParams) ([]*storage.Delivery, error) {
	if s.calls.Add(1) == 1 {
		s.clk.Advance(s.took)
	}
	return s.Store.DeliveryClaim(ctx, p)
}

// TestAttemptEndsBeforeLease: an attempt's time is counted from the lease
// the claim set, not from when the claim returned. A claim that took 2.5 s
// of a 3 s lease leaves no time for an attempt: the row is released and
// claimed afresh. It used to be attempted for 2 s more, past its lease, and
// another worker took it meanwhile and sent it a second time at once.
func TestAttemptEndsBeforeLease(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		clk := newClock()
		st := &slowClaimStore{Store: be.open(t), clk: clk, took: 2500 * time.Millisecond}
		rcv := webhooktest.NewReceiver(t)
		rcv.SetDefault(webhooktest.Timeout(10 * time.Second))
		d, err := webhook.New(st, &webhook.Config{TLSConfig: rcv.TLSConfig(), AllowAddrs: rcv.AllowAddrs(),
			Clock: clk.Now, Workers: 2, Lease: 3 * time.Second, PollInterval: 5 * time.Millisecond})
		require.NoError(t, err)
		ctx := context.Background()
		org := newOrg()
		_, err = d.SubscriptionCreate(ctx, &webhook.SubscriptionCreateParams{OrganizationID: org, Name: "lease",
			URL: rcv.URL + "/lease", Events: []string{webhook.EventJobCreated}})
		require.NoError(t, err)
		_, err = d.Publish(ctx, org, &webhook.Event{Type: webhook.EventJobCreated})
		require.NoError(t, err)
		require.NoError(t, d.Start(ctx))
		t.Cleanup(func() {
			stop, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
			defer cancel()
			_ = d.Stop(stop)
		})
		require.Eventually(t, func() bool { return rcv.InFlight() == 1 }, 10*time.Second, time.Millisecond)

		clk.Advance(time.Second) // past the first claim's lease
		seen := st.calls.Load()
		require.Eventually(t, func() bool { return st.calls.Load() >= seen+3 }, 10*time.Second, time.Millisecond,
			"the claim loop looked again")
		require.Equal(t, 1, rcv.MaxInFlight(), "one attempt at a time")
		require.Zero(t, rcv.Overlaps(), "never the same delivery twice at once")
	})
}

// TestDisabledNotSent: rows claimed before their subscription was disabled
// are released, not sent.
func TestDisabledNotSent(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		released := &countHandler{msg: "webhook: releasing delivery"}
		b := setup(t, be, &webhook.Config{Workers: 1, PerSubscriptionLimit: 4, PollInterval: 5 * time.Millisecond,
			Logger: slog.New(released)})
		s := b.subscribe(t, "off")
		b.rcv.Enqueue(webhooktest.Timeout(300 * time.Millisecond))
		for range 5 {
			b.publish(t, webhook.EventJobCreated, nil)
		}
		b.start(t)
		require.Eventually(t, func() bool { return b.rcv.InFlight() == 1 }, 10*time.Second, time.Millisecond)
		// One row in flight and three waiting for the worker (the cap is 4).
		_, err := b.d.SubscriptionDisable(b.ctx, b.org, s.ID)
		require.NoError(t, err)
		require.Eventually(t, func() bool { return released.n.Load() >= 3 }, 10*time.Second, time.Millisecond,
			"the three waiting rows are released")
		require.NoError(t, b.d.Stop(b.ctx))
		require.Equal(t, 1, b.rcv.Count(), "nothing sent after the subscription was disabled")
		pending, err := b.d.DeliveryList(b.ctx, &storage.DeliveryListParams{OrganizationID: b.org,
			Statuses: []storage.DeliveryStatus{storage.DeliveryPending}})
		require.NoError(t, err)
		require.Len(t, pending.Items, 4, "kept for when it is enabled again")
	})
}

// countHandler counts the log records with one message.
type countHandler struct {
	msg string
	n   atomic.Int32
}

func (h *countHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *countHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.n.Add(1)
	}
	return nil
}

func (h *countHandler) WithAttrs([]slog.Attr) slog.Handler { return h }

func (h *countHandler) WithGroup(string) slog.Handler { return h }
