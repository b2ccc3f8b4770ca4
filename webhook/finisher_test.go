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
