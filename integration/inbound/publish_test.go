package inbound_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration/inbound"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

// TestHandOver checks how events reach the host: the callback gets the
// new events once they are stored; when it fails the provider is answered
// 503, and its retry hands the same events (same IDs) over again; events
// whose types the outbound catalog has are republished as webhook events,
// once each however often they arrive.
func TestHandOver(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		var (
			mu    sync.Mutex
			fail  = true
			calls [][]string
		)
		var d *webhook.Dispatcher
		e := setup(t, b, &opts{config: func(c *inbound.Config) {
			c.OnEvents = func(_ context.Context, b *inbound.Batch) error {
				mu.Lock()
				defer mu.Unlock()
				ids := make([]string, len(b.Events))
				for i, ev := range b.Events {
					ids[i] = ev.ID.String()
				}
				calls = append(calls, ids)
				if fail {
					return errors.New("host queue full")
				}
				return nil
			}
			var err error
			d, err = webhook.New(c.Manager.Store(), &webhook.Config{Events: inbound.WebhookEvents()})
			require.NoError(t, err)
			c.Webhooks = d
		}})
		_, err := d.SubscriptionCreate(e.ctx, &webhook.SubscriptionCreateParams{OrganizationID: e.org, Name: "bounces",
			URL: "https://hooks.example.com/bounces", Events: []string{"email.bounced"}})
		require.NoError(t, err)
		in, ep := e.sendgrid(t, e.org)
		now := e.clock.Now()
		batch := sendgridBatch(now, "ho")

		a := post(t, ep.URL, e.sgKey.Sign(t, now, batch), batch)
		require.Equal(t, http.StatusServiceUnavailable, a.status, "the host did not take them: the provider must retry")
		require.Len(t, e.events(t, e.org, in.ID), 3, "stored meanwhile")
		deliveries := func() []*storage.Delivery {
			page, err := d.DeliveryList(e.ctx, &storage.DeliveryListParams{OrganizationID: e.org})
			require.NoError(t, err)
			return page.Items
		}
		require.Empty(t, deliveries(), "nothing republished before the host has them")

		mu.Lock()
		fail = false
		mu.Unlock()
		requireAccepted(t, post(t, ep.URL, e.sgKey.Sign(t, now, batch), batch), 3, 0, 3, 0)
		requireAccepted(t, post(t, ep.URL, e.sgKey.Sign(t, now, batch), batch), 3, 0, 3, 0)
		mu.Lock()
		require.Len(t, calls, 2, "handed over again after the failure, then never")
		require.Equal(t, calls[0], calls[1], "the same events, the same IDs")
		mu.Unlock()

		ds := deliveries()
		require.Len(t, ds, 1, "the bounce, once; opens and deliveries have no subscriber")
		require.Equal(t, "email.bounced", ds[0].EventType)
		var p webhook.Payload
		require.NoError(t, json.Unmarshal(ds[0].Payload, &p))
		var data inbound.OutboundData
		require.NoError(t, json.Unmarshal(p.Data, &data))
		evs := e.events(t, e.org, in.ID)
		require.Equal(t, evs[0].ID, data.ID)
		require.Equal(t, in.ID, data.IntegrationID)
		require.Equal(t, "ho-1", data.ProviderEventID)
		require.JSONEq(t, string(evs[0].Data), string(data.Data))
		require.Equal(t, "inbound:"+evs[0].ID.String(), ds[0].IdempotencyKey)
	})
}
