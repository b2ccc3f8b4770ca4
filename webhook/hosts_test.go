package webhook_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// countingTransport counts the requests one dispatcher sends.
type countingTransport struct {
	http.RoundTripper
	n atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.RoundTripper.RoundTrip(r)
}

// TestTwoHostsShareWork: two dispatchers (two hosts: on PostgreSQL each
// with a pool of its own; on SQLite sharing the store) share a backlog of
// few subscriptions, each doing a fair part. One host used to take nearly
// all of it (0 of 5,000 for the other in one run): PerSubscriptionLimit
// counted the leases of every host, and the host that had just finished an
// attempt claimed the freed place at once, before the other host's next
// poll. Each Dispatcher now has a cap of its own. The split is logged; the
// bound is loose.
func TestTwoHostsShareWork(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		const subs, perSub = 2, 200
		stores := sharedStores(t, be)
		rcv := webhooktest.NewReceiver(t)
		rcv.SetDefault(webhooktest.Timeout(100 * time.Millisecond))
		rcv.SetRecordBodies(false)
		ctx := context.Background()
		var hosts [2]*webhook.Dispatcher
		var sent [2]*countingTransport
		for i := range hosts {
			sent[i] = &countingTransport{RoundTripper: webhook.NewTransport(&webhook.TransportOpts{
				AllowAddrs: rcv.AllowAddrs(), TLSConfig: rcv.TLSConfig()})}
			d, err := webhook.New(stores[i], &webhook.Config{Transport: sent[i], AllowAddrs: rcv.AllowAddrs()})
			require.NoError(t, err)
			hosts[i] = d
		}
		org := newOrg()
		for i := range subs {
			_, err := hosts[0].SubscriptionCreate(ctx, &webhook.SubscriptionCreateParams{OrganizationID: org,
				Name: fmt.Sprintf("shared %d", i), URL: fmt.Sprintf("%s/%d", rcv.URL, i), Events: []string{webhook.EventJobCreated}})
			require.NoError(t, err)
		}
		// A backlog waits, one host starts, and the other joins it.
		events := make([]*webhook.Event, perSub)
		for i := range events {
			events[i] = &webhook.Event{Type: webhook.EventJobCreated}
		}
		_, err := hosts[0].PublishBatch(ctx, org, events)
		require.NoError(t, err)
		for _, d := range hosts {
			require.NoError(t, d.Start(ctx))
			t.Cleanup(func() { require.NoError(t, d.Stop(context.Background())) })
		}
		wait, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		require.True(t, rcv.WaitDeliveries(wait, subs*perSub))
		a, b := sent[0].n.Load(), sent[1].n.Load()
		t.Logf("split between the two hosts: %d / %d of %d deliveries", a, b, subs*perSub)
		require.GreaterOrEqual(t, min(a, b), int64(subs*perSub/4), "each host does at least a quarter (%d / %d)", a, b)
	})
}

// sharedStores returns two stores on one database: two pools on one
// schema with one sealing key on PostgreSQL, as two hosts have; the same
// store twice on SQLite.
func sharedStores(t *testing.T, be backend) [2]storage.Store {
	if be.name != "postgres" {
		st := be.open(t)
		return [2]storage.Store{st, st}
	}
	_, dsn := pgtestSchema(t)
	ring := newRing(t)
	return [2]storage.Store{openPostgresRing(t, dsn, ring), openPostgresRing(t, dsn, ring)}
}
