package webhook_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// TestNilArguments: every entry point answers a nil context, nil parameters,
// a nil event, store or subscription with an error naming the call and the
// argument; none panics. SubscriptionCreate, SubscriptionUpdate, Publish,
// PublishBatch with a nil element, DeliveryList and DeliveryReplayBulk used
// to panic on nil parameters, and every call on a nil context.
func TestNilArguments(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, nil)
		d, ctx, org, id := b.d, b.ctx, b.org, uuid.New()
		var noCtx context.Context // nil
		good := &webhook.Event{Type: webhook.EventJobCreated}
		calls := []struct {
			want string
			call func() error
		}{
			{"SubscriptionCreate: params", func() error { _, err := d.SubscriptionCreate(ctx, nil); return err }},
			{"SubscriptionUpdate: params", func() error { _, err := d.SubscriptionUpdate(ctx, nil); return err }},
			{"SubscriptionList: params", func() error { _, err := d.SubscriptionList(ctx, nil); return err }},
			{"Publish: event", func() error { _, err := d.Publish(ctx, org, nil); return err }},
			{"PublishBatch: events[1]", func() error {
				_, err := d.PublishBatch(ctx, org, []*webhook.Event{good, nil})
				return err
			}},
			{"PublishTx: events[0]", func() error { _, err := d.PublishTx(ctx, b.store, org, nil); return err }},
			{"PublishTx: tx", func() error { _, err := d.PublishTx(ctx, nil, org, good); return err }},
			{"PublishTx: tx", func() error {
				_, err := d.PublishTx(ctx, (*postgres.Store)(nil), org, good)
				return err
			}},
			{"DeliveryList: params", func() error { _, err := d.DeliveryList(ctx, nil); return err }},
			{"DeliveryReplayBulk: params", func() error { _, err := d.DeliveryReplayBulk(ctx, nil); return err }},
			{"DLQList: params", func() error { _, err := d.DLQList(ctx, nil); return err }},
			{"Policy: subscription", func() error { _, err := d.Policy(ctx, nil); return err }},
			// A nil context, everywhere.
			{"Start: ctx", func() error { return d.Start(noCtx) }},
			{"Stop: ctx", func() error { return d.Stop(noCtx) }},
			{"SubscriptionCreate: ctx", func() error {
				_, err := d.SubscriptionCreate(noCtx, &webhook.SubscriptionCreateParams{})
				return err
			}},
			{"SubscriptionUpdate: ctx", func() error {
				_, err := d.SubscriptionUpdate(noCtx, &webhook.SubscriptionUpdateParams{})
				return err
			}},
			{"SubscriptionGet: ctx", func() error { _, err := d.SubscriptionGet(noCtx, org, id); return err }},
			{"SubscriptionList: ctx", func() error {
				_, err := d.SubscriptionList(noCtx, &webhook.SubscriptionListParams{})
				return err
			}},
			{"SubscriptionDisable: ctx", func() error { _, err := d.SubscriptionDisable(noCtx, org, id); return err }},
			{"SubscriptionEnable: ctx", func() error { _, err := d.SubscriptionEnable(noCtx, org, id); return err }},
			{"SubscriptionDelete: ctx", func() error { return d.SubscriptionDelete(noCtx, org, id) }},
			{"SubscriptionSecretRegenerate: ctx", func() error {
				_, err := d.SubscriptionSecretRegenerate(noCtx, org, id)
				return err
			}},
			{"SubscriptionSecretRevoke: ctx", func() error { _, err := d.SubscriptionSecretRevoke(noCtx, org, id); return err }},
			{"SubscriptionStats: ctx", func() error { _, err := d.SubscriptionStats(noCtx, org, id); return err }},
			{"Publish: ctx", func() error { _, err := d.Publish(noCtx, org, good); return err }},
			{"PublishBatch: ctx", func() error { _, err := d.PublishBatch(noCtx, org, []*webhook.Event{good}); return err }},
			{"PublishTx: ctx", func() error { _, err := d.PublishTx(noCtx, b.store, org, good); return err }},
			{"DeliveryList: ctx", func() error {
				_, err := d.DeliveryList(noCtx, &storage.DeliveryListParams{OrganizationID: org})
				return err
			}},
			{"DeliveryGet: ctx", func() error { _, err := d.DeliveryGet(noCtx, org, id); return err }},
			{"DeliveryReplay: ctx", func() error { _, err := d.DeliveryReplay(noCtx, org, id); return err }},
			{"DeliveryReplayBulk: ctx", func() error {
				_, err := d.DeliveryReplayBulk(noCtx, &webhook.ReplayParams{OrganizationID: org})
				return err
			}},
			{"DeliveryPrune: ctx", func() error { _, err := d.DeliveryPrune(noCtx, time.Now()); return err }},
			{"DLQList: ctx", func() error {
				_, err := d.DLQList(noCtx, &storage.DLQListParams{OrganizationID: org})
				return err
			}},
			{"DLQRetry: ctx", func() error { _, err := d.DLQRetry(noCtx, org, id); return err }},
			{"DLQRetryAll: ctx", func() error { _, err := d.DLQRetryAll(noCtx, org, id); return err }},
			{"DLQDelete: ctx", func() error { return d.DLQDelete(noCtx, org, id) }},
			{"DLQClear: ctx", func() error { _, err := d.DLQClear(noCtx, org, id); return err }},
			{"TestSend: ctx", func() error { _, err := d.TestSend(noCtx, org, id, nil); return err }},
			{"Policy: ctx", func() error { _, err := d.Policy(noCtx, &storage.Webhook{}); return err }},
			{"New: store", func() error { _, err := webhook.New(nil, nil); return err }},
			{"New: store", func() error { _, err := webhook.New((*postgres.Store)(nil), nil); return err }},
		}
		for _, c := range calls {
			var err error
			require.NotPanics(t, func() { err = c.call() }, c.want)
			require.ErrorIs(t, err, webhook.ErrNilArgument, c.want)
			require.EqualError(t, err, "webhook: "+c.want+" is nil")
		}
		// Nothing was written by the calls that had a good event too.
		page, err := d.DeliveryList(ctx, &storage.DeliveryListParams{OrganizationID: org})
		require.NoError(t, err)
		require.Empty(t, page.Items)
	})
}

// TestNilArgumentsReceiver: webhooktest's receiver takes a nil t (the
// caller closes it) and a nil context (Wait reports false at once).
func TestNilArgumentsReceiver(t *testing.T) {
	t.Parallel()
	r := webhooktest.NewReceiver(nil)
	defer r.Close()
	var noCtx context.Context
	require.False(t, r.Wait(noCtx, 1))
	require.False(t, r.WaitDeliveries(noCtx, 1))
	require.True(t, r.Wait(t.Context(), 0))
}
