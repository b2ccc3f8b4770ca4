package webhook_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// claimCounter is a PostgreSQL store that counts the rows its claims
// return.
type claimCounter struct {
	*postgres.Store
	claimed atomic.Int64
}

func (c *claimCounter) DeliveryPump(ctx context.Context, p *storage.DeliveryPumpParams) ([]error, []*storage.Delivery, error) {
	errs, rows, err := c.Store.DeliveryPump(ctx, p)
	c.claimed.Add(int64(len(rows)))
	return errs, rows, err
}

// handOffBundle is setup on a PostgreSQL store that counts its claims.
func handOffBundle(t *testing.T, cfg *webhook.Config) (*bundle, *claimCounter) {
	t.Helper()
	_, dsn := pgtestSchema(t)
	st := &claimCounter{Store: openPostgres(t, dsn)}
	pg := backend{"postgres", func(testing.TB) storage.Store { return st }}
	return setup(t, pg, cfg), st
}

// TestPublishHandsOffToIdleWorkers: on PostgreSQL, a publish to a
// dispatcher whose workers are idle writes its rows leased to them, so
// they are delivered without a claim.
func TestPublishHandsOffToIdleWorkers(t *testing.T) {
	t.Parallel()
	b, st := handOffBundle(t, &webhook.Config{Workers: 4, PerSubscriptionLimit: 100, PollInterval: time.Minute})
	b.subscribe(t, "a")
	b.subscribe(t, "b")
	b.start(t)
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	for i := range 20 {
		b.publish(t, webhook.EventJobCreated, nil)
		require.True(t, b.rcv.Wait(ctx, 2*(i+1)))
	}
	require.Eventually(t, func() bool { return allSucceeded(t, b, 40) }, 10*time.Second, 10*time.Millisecond)
	require.Zero(t, st.claimed.Load(), "every row went to the workers from the publish")
}

// TestHandOffKeepsCap: rows handed over by concurrent publishes, and those
// claimed beside them, never hold more of a subscription's attempts at
// once than PerSubscriptionLimit; each is delivered once.
func TestHandOffKeepsCap(t *testing.T) {
	t.Parallel()
	b, _ := handOffBundle(t, &webhook.Config{Workers: 8, PerSubscriptionLimit: 2, PollInterval: 20 * time.Millisecond})
	b.rcv.SetDefault(webhooktest.Timeout(100 * time.Millisecond))
	b.subscribe(t, "slow")
	b.start(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 5 {
				_, err := b.d.PublishBatch(b.ctx, b.org, []*webhook.Event{{Type: webhook.EventJobCreated}, {Type: webhook.EventJobCreated}})
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	require.True(t, b.rcv.Wait(ctx, 40))
	require.LessOrEqual(t, b.rcv.MaxInFlight(), 2, "the cap held")
	require.Eventually(t, func() bool { return allSucceeded(t, b, 40) }, 10*time.Second, 10*time.Millisecond)
	for id, n := range b.rcv.CountByDelivery() {
		require.Equal(t, 1, n, "delivery %s sent once", id)
	}
}

// TestHandOffDuringStop: publishes that race Stop lose nothing: rows
// handed to workers that are stopping are released (due at once), and a
// dispatcher started afterwards delivers every row well before a lease
// could end.
func TestHandOffDuringStop(t *testing.T) {
	t.Parallel()
	b, _ := handOffBundle(t, &webhook.Config{Workers: 4, PollInterval: 20 * time.Millisecond})
	b.subscribe(t, "stop")
	b.start(t)
	var published atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 3 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				ds, err := b.d.Publish(b.ctx, b.org, &webhook.Event{Type: webhook.EventJobCreated})
				if !assert.NoError(t, err) {
					return
				}
				published.Add(int64(len(ds)))
			}
		})
	}
	require.Eventually(t, func() bool { return b.rcv.Count() >= 20 }, 30*time.Second, 5*time.Millisecond)
	require.NoError(t, b.d.Stop(b.ctx))
	time.Sleep(50 * time.Millisecond) // publishes after Stop write due rows
	close(stop)
	wg.Wait()
	require.NoError(t, b.d.Start(b.ctx))
	n := int(published.Load())
	require.Eventually(t, func() bool { return allSucceeded(t, b, n) }, 30*time.Second, 20*time.Millisecond,
		"every published row delivered, none left leased")
}
