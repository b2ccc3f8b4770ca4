package webhook_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// TestTwoDispatchersPostgres runs two dispatchers with separate pools on one
// PostgreSQL database: 5,000 deliveries, each delivered, none attempted
// twice at once (the receiver tracks requests in flight per delivery ID).
func TestTwoDispatchersPostgres(t *testing.T) {
	t.Parallel()
	const subs, perSub = 20, 250
	_, dsn := pgtestSchema(t)
	_, ring := newKey(t)
	st1, st2 := openPostgresRing(t, dsn, ring), openPostgresRing(t, dsn, ring)
	rcv := webhooktest.NewReceiver(t)
	rcv.SetRecordBodies(false)
	newD := func(st storage.Store) *webhook.Dispatcher {
		d, err := webhook.New(st, &webhook.Config{TLSConfig: rcv.TLSConfig(), AllowAddrs: rcv.AllowAddrs(),
			PollInterval: 20 * time.Millisecond, Workers: 16})
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, d.Stop(context.Background())) })
		return d
	}
	d1, d2 := newD(st1), newD(st2)
	b := &bundle{d: d1, store: st1, rcv: rcv, org: newOrg(), ctx: context.Background()}
	for i := range subs {
		b.subscribe(t, fmt.Sprintf("s%d", i))
	}
	require.NoError(t, d1.Start(b.ctx))
	require.NoError(t, d2.Start(b.ctx))
	events := make([]*webhook.Event, perSub)
	for i := range events {
		events[i] = &webhook.Event{Type: webhook.EventJobCreated, Data: map[string]int{"n": i}}
	}
	// Half published through each dispatcher.
	for i := 0; i < perSub; i += 50 {
		d := []*webhook.Dispatcher{d1, d2}[i/50%2]
		_, err := d.PublishBatch(b.ctx, b.org, events[i:i+50])
		require.NoError(t, err)
	}
	ctx, cancel := context.WithTimeout(b.ctx, 120*time.Second)
	defer cancel()
	require.True(t, rcv.WaitDeliveries(ctx, subs*perSub))
	require.Zero(t, rcv.Overlaps(), "no delivery attempted twice at once")
	require.Eventually(t, func() bool { return allSucceeded(t, b, subs*perSub) }, 30*time.Second, 20*time.Millisecond)
	dup := 0
	for _, n := range rcv.CountByDelivery() {
		dup += n - 1
	}
	t.Logf("5000 deliveries, %d requests, %d repeated", rcv.Count(), dup)
}

// TestPerSubscriptionCap: a slow endpoint holds at most its cap of workers,
// so a healthy subscription's deliveries go through meanwhile.
func TestPerSubscriptionCap(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, &webhook.Config{Workers: 4, PerSubscriptionLimit: 2, PollInterval: 10 * time.Millisecond})
		slow := webhooktest.NewReceiver(t) // httptest servers share one certificate: trusted too
		slow.SetDefault(webhooktest.Timeout(400 * time.Millisecond))
		_, err := b.d.SubscriptionCreate(b.ctx, &webhook.SubscriptionCreateParams{OrganizationID: b.org, Name: "slow",
			URL: slow.URL, Events: []string{webhook.EventJobClosed}})
		require.NoError(t, err)
		b.subscribe(t, "fast", webhook.EventJobCreated)
		var evs []*webhook.Event
		for range 10 {
			evs = append(evs, &webhook.Event{Type: webhook.EventJobClosed}, &webhook.Event{Type: webhook.EventJobCreated})
		}
		_, err = b.d.PublishBatch(b.ctx, b.org, evs)
		require.NoError(t, err)
		b.start(t)
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		defer cancel()
		require.True(t, b.rcv.Wait(ctx, 10))
		require.Less(t, slow.Count(), 10, "the fast subscription finished first")
		require.True(t, slow.Wait(ctx, 10))
		require.LessOrEqual(t, slow.MaxInFlight(), 2, "the slow endpoint never held more than its cap")
	})
}

// TestGracefulShutdown: Stop finishes in-flight attempts when it can, and
// releases them when its context ends first, so that another dispatcher
// takes them over at once instead of after the lease.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, &webhook.Config{Workers: 2, PollInterval: 10 * time.Millisecond})
		b.subscribe(t, "graceful")
		// The first two answers come late enough that Stop is called while
		// both are in flight, even on a loaded machine (at 300 ms a stalled
		// test goroutine let the workers start two more first).
		b.rcv.Enqueue(webhooktest.Timeout(2*time.Second), webhooktest.Timeout(2*time.Second))
		b.rcv.SetDefault(webhooktest.Timeout(time.Minute))
		for range 6 {
			b.publish(t, webhook.EventJobCreated, nil)
		}
		b.start(t)
		require.Eventually(t, func() bool { return b.rcv.InFlight() == 2 }, 10*time.Second, 5*time.Millisecond)
		require.NoError(t, b.d.Stop(b.ctx), "waits for the two in-flight attempts")
		require.Equal(t, 2, b.rcv.Count())
		require.True(t, allSucceeded(t, b, 2))

		require.NoError(t, b.d.Start(b.ctx))
		require.Eventually(t, func() bool { return b.rcv.InFlight() == 2 }, 10*time.Second, 5*time.Millisecond)
		ctx, cancel := context.WithTimeout(b.ctx, 100*time.Millisecond)
		defer cancel()
		require.NoError(t, b.d.Stop(ctx), "gives up on the minute-long attempts and releases them")

		b.rcv.SetDefault(webhooktest.OK())
		d2, err := webhook.New(b.store, &webhook.Config{TLSConfig: b.rcv.TLSConfig(), AllowAddrs: b.rcv.AllowAddrs(),
			PollInterval: 10 * time.Millisecond})
		require.NoError(t, err)
		require.NoError(t, d2.Start(b.ctx))
		t.Cleanup(func() { require.NoError(t, d2.Stop(context.Background())) })
		require.Eventually(t, func() bool { return allSucceeded(t, b, 6) }, 10*time.Second, 10*time.Millisecond,
			"released rows are due at once, not after their 6-minute lease")
	})
}

// TestStopLeavesNoLease: whenever Stop comes, every row claimed is either
// recorded or released by the time it returns. A claim cancelled by Stop
// on PostgreSQL used to commit on the server anyway and leave its rows
// leased under a claim nobody held, until the lease expired (minutes).
func TestStopLeavesNoLease(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, &webhook.Config{Workers: 16, PerSubscriptionLimit: 64, PollInterval: time.Millisecond})
		for i := range 4 {
			b.subscribe(t, fmt.Sprint("stop", i))
		}
		b.rcv.SetDefault(webhooktest.Timeout(2 * time.Millisecond))
		events := make([]*webhook.Event, 50)
		for i := range events {
			events[i] = &webhook.Event{Type: webhook.EventJobCreated}
		}
		for i := range 20 {
			_, err := b.d.PublishBatch(b.ctx, b.org, events)
			require.NoError(t, err)
			require.NoError(t, b.d.Start(b.ctx))
			// Stop at varied points of claiming and delivering, half the
			// time with a context that has already ended.
			time.Sleep(time.Duration(i%5) * time.Millisecond)
			ctx, cancel := context.WithCancel(b.ctx)
			if i%2 == 0 {
				cancel()
			}
			require.NoError(t, b.d.Stop(ctx))
			cancel()
			leased, err := b.store.DeliveryReapExpired(b.ctx, time.Now().Add(24*time.Hour))
			require.NoError(t, err)
			require.Zero(t, leased, "round %d: rows still leased after Stop returned", i)
		}
	})
}

// TestConcurrentStop: a Stop called while another is shutting the
// dispatcher down returns only when the in-flight attempt is recorded, as
// the first does, so that either caller may close the store then.
func TestConcurrentStop(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, &webhook.Config{PollInterval: time.Millisecond})
		b.subscribe(t, "slow")
		b.rcv.SetDefault(webhooktest.Timeout(300 * time.Millisecond))
		b.start(t)
		b.publish(t, webhook.EventJobCreated, nil)
		require.Eventually(t, func() bool { return b.rcv.InFlight() == 1 }, 10*time.Second, time.Millisecond)
		returned := make(chan error, 2)
		for range 2 {
			go func() { returned <- b.d.Stop(context.Background()) }()
		}
		for _, which := range []string{"one Stop", "the other"} {
			require.NoError(t, <-returned)
			require.True(t, allSucceeded(t, b, 1), "the attempt is recorded when %s returns", which)
		}
	})
}

// TestPublishTxPostgres: deliveries published in the host's transaction
// exist only if it commits (a transactional outbox).
func TestPublishTxPostgres(t *testing.T) {
	t.Parallel()
	_, dsn := pgtestSchema(t)
	_, ring := newKey(t)
	st := openPostgresRing(t, dsn, ring)
	rcv := webhooktest.NewReceiver(t)
	d, err := webhook.New(st, &webhook.Config{TLSConfig: rcv.TLSConfig(), AllowAddrs: rcv.AllowAddrs(), PollInterval: time.Hour})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Stop(context.Background())) })
	b := &bundle{d: d, store: st, rcv: rcv, org: newOrg(), ctx: context.Background()}
	b.subscribe(t, "outbox")
	require.NoError(t, d.Start(b.ctx))

	publish := func(commit bool) {
		tx, err := st.Pool().Begin(b.ctx)
		require.NoError(t, err)
		defer func() { _ = tx.Rollback(b.ctx) }()
		_, err = tx.Exec(b.ctx, "CREATE TABLE IF NOT EXISTS host_jobs (id int)")
		require.NoError(t, err)
		rows, err := d.PublishTx(b.ctx, st.WithTx(tx), b.org, &webhook.Event{Type: webhook.EventJobCreated})
		require.NoError(t, err)
		require.Len(t, rows, 1)
		if commit {
			require.NoError(t, tx.Commit(b.ctx))
		}
	}
	publish(false)
	page, err := d.DeliveryList(b.ctx, &storage.DeliveryListParams{OrganizationID: b.org})
	require.NoError(t, err)
	require.Empty(t, page.Items, "rolled back with the host's transaction")
	publish(true)
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	// PollInterval is an hour: only LISTEN/NOTIFY (sent at commit) can wake the worker.
	require.True(t, rcv.Wait(ctx, 1), "delivered after commit")
}
