package webhook_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// failingBatches is a store whose DeliveryFinishBatch always fails as a
// whole, as a lost connection would.
type failingBatches struct {
	storage.Store
	batches atomic.Int64
}

func (s *failingBatches) DeliveryFinishBatch(context.Context, []*storage.DeliveryFinishParams) ([]error, error) {
	s.batches.Add(1)
	return nil, errors.New("connection reset")
}

// TestFinishBatchFallback: when recording a batch fails as a whole, every
// attempt in it is recorded one by one, the next attempts and dead letters
// included, and OnDeadLetter still hears of the dead letters.
func TestFinishBatchFallback(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		st := &failingBatches{Store: be.open(t)}
		rcv := webhooktest.NewReceiver(t)
		var mu sync.Mutex
		var dead []*webhook.DeadLetter
		d, err := webhook.New(st, &webhook.Config{TLSConfig: rcv.TLSConfig(), AllowAddrs: rcv.AllowAddrs(),
			PollInterval: 10 * time.Millisecond,
			OnDeadLetter: func(_ context.Context, dl *webhook.DeadLetter) { mu.Lock(); dead = append(dead, dl); mu.Unlock() }})
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, d.Stop(context.Background())) })
		b := &bundle{d: d, store: st, rcv: rcv, org: newOrg(), ctx: context.Background()}
		b.subscribe(t, "fallback")
		rcv.Enqueue(webhooktest.Fail(http.StatusBadRequest)) // 4xx: not retried, straight to the DLQ
		for range 5 {
			b.publish(t, webhook.EventJobCreated, nil)
		}
		b.start(t)
		require.Eventually(t, func() bool { return allSucceeded(t, b, 4) }, 10*time.Second, 10*time.Millisecond)
		require.NoError(t, d.Stop(b.ctx))
		require.Positive(t, st.batches.Load(), "the batch was tried first")
		mu.Lock()
		defer mu.Unlock()
		require.Len(t, dead, 1, "the dead letter is reported")
		page, err := st.DLQList(b.ctx, &storage.DLQListParams{OrganizationID: b.org})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
	})
}

// outageStore fails every recording until its failures run out, as a
// store that is briefly unreachable.
type outageStore struct {
	storage.Store
	failures atomic.Int64
}

func (s *outageStore) down() bool { return s.failures.Add(-1) >= 0 }

func (s *outageStore) DeliveryFinishBatch(ctx context.Context, ps []*storage.DeliveryFinishParams) ([]error, error) {
	if s.down() {
		return nil, errors.New("connection refused")
	}
	return s.Store.DeliveryFinishBatch(ctx, ps)
}

func (s *outageStore) DeliveryFinish(ctx context.Context, p *storage.DeliveryFinishParams) (*storage.Delivery, error) {
	if s.down() {
		return nil, errors.New("connection refused")
	}
	return s.Store.DeliveryFinish(ctx, p)
}

// TestRecordingOutlastsOutage: attempts made while the store cannot record
// them are recorded once it is back, within their leases, so that no
// endpoint gets them twice. Recording used to give up after one batch and
// one pass one by one; the rows were attempted again after their leases.
func TestRecordingOutlastsOutage(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		st := &outageStore{Store: be.open(t)}
		st.failures.Store(12) // two or three recording rounds
		rcv := webhooktest.NewReceiver(t)
		d, err := webhook.New(st, &webhook.Config{TLSConfig: rcv.TLSConfig(), AllowAddrs: rcv.AllowAddrs(),
			PollInterval: 10 * time.Millisecond})
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, d.Stop(context.Background())) })
		b := &bundle{d: d, store: st, rcv: rcv, org: newOrg(), ctx: context.Background()}
		b.subscribe(t, "outage")
		for range 4 {
			b.publish(t, webhook.EventJobCreated, nil)
		}
		b.start(t)
		require.Eventually(t, func() bool { return allSucceeded(t, b, 4) }, 20*time.Second, 10*time.Millisecond,
			"recorded once the store is back")
		require.Negative(t, st.failures.Load(), "the outage ended")
		for id, n := range rcv.CountByDelivery() {
			require.Equal(t, 1, n, "delivery %s", id)
		}
	})
}
