package webhook_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// TestOutageRecovery: a PostgreSQL server of the test's own is stopped at
// once (pg_ctl stop -m immediate, as a crash) under a running dispatcher
// and started again 5 s later. Every delivery arrives within seconds of
// the restart, far inside the 6 min lease. Rows whose subscription could
// not be loaded during the outage used to stay leased, unattempted, for
// the whole lease, and to hold their subscriptions' PerSubscriptionLimit:
// 144 of 200 deliveries arrived within 90 s of the restart, the rest only
// after the lease. The seconds measured are logged.
func TestOutageRecovery(t *testing.T) {
	t.Parallel()
	const subs, perSub, outage, workers, pace = 10, 20, 5 * time.Second, 16, 1200 * time.Millisecond
	pg := startCluster(t)
	cfg, err := pgxpool.ParseConfig(pg.DSN())
	require.NoError(t, err)
	cfg.MaxConns = 8
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	st, err := postgres.New(pool, &postgres.Config{Sealer: newRing(t)})
	require.NoError(t, err)
	require.NoError(t, st.Migrate(t.Context()))

	// A 1.2 s endpoint: claimed rows wait for a worker for longer than the
	// subscription cache lasts, so the outage finds rows to load.
	rcv := webhooktest.NewReceiver(t)
	rcv.SetDefault(webhooktest.Timeout(pace))
	rcv.SetRecordBodies(false)
	d, err := webhook.New(st, &webhook.Config{TLSConfig: rcv.TLSConfig(), AllowAddrs: rcv.AllowAddrs(), Workers: workers})
	require.NoError(t, err)
	ctx := context.Background()
	org := newOrg()
	for i := range subs {
		_, err := d.SubscriptionCreate(ctx, &webhook.SubscriptionCreateParams{OrganizationID: org,
			Name: fmt.Sprintf("outage %d", i), URL: fmt.Sprintf("%s/%d", rcv.URL, i), Events: []string{webhook.EventJobCreated}})
		require.NoError(t, err)
	}
	events := make([]*webhook.Event, perSub)
	for i := range events {
		events[i] = &webhook.Event{Type: webhook.EventJobCreated}
	}
	rows, err := d.PublishBatch(ctx, org, events)
	require.NoError(t, err)
	require.Len(t, rows, subs*perSub)
	require.NoError(t, d.Start(ctx))
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		require.NoError(t, d.Stop(stop))
	})

	wait, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	require.True(t, rcv.WaitDeliveries(wait, 40), "deliveries under way before the outage")
	pg.StopImmediate()
	stoppedAt, before := time.Now(), rcv.Count()
	time.Sleep(outage)
	pg.Start()
	restarted, atRestart := time.Now(), len(rcv.CountByDelivery())
	t.Logf("outage: %d deliveries had arrived when the server stopped, %d when it restarted %s later",
		before, atRestart, restarted.Sub(stoppedAt).Round(100*time.Millisecond))

	// The lease is 6 min; a minute is the bound, the figure is logged.
	wait, cancel = context.WithTimeout(ctx, time.Minute)
	defer cancel()
	ok := rcv.WaitDeliveries(wait, subs*perSub)
	elapsed := time.Since(restarted)
	require.True(t, ok, "only %d of %d deliveries arrived within %s of the restart",
		len(rcv.CountByDelivery()), subs*perSub, elapsed.Round(time.Second))
	// At the endpoint's pace, what was left takes this long anyway.
	busy := time.Duration((subs*perSub-atRestart+workers-1)/workers) * pace
	t.Logf("all %d deliveries arrived %s after the restart, of which %s is the endpoint's pace for the %d left "+
		"(%d requests in all)", subs*perSub, elapsed.Round(100*time.Millisecond), busy, subs*perSub-atRestart, rcv.Count())
	require.Zero(t, rcv.Overlaps(), "never the same delivery twice at once")

	// And every row is recorded as delivered.
	require.Eventually(t, func() bool {
		page, err := d.DeliveryList(ctx, &storage.DeliveryListParams{OrganizationID: org,
			Statuses: []storage.DeliveryStatus{storage.DeliveryPending}})
		return err == nil && len(page.Items) == 0
	}, 30*time.Second, 100*time.Millisecond, "no row left pending")
}
