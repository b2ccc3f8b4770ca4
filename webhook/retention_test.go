package webhook_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// TestDeliveryPrune: retention deletes finished history older than the
// cut-off, in batches, and keeps what the DLQ still refers to.
func TestDeliveryPrune(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, &webhook.Config{PollInterval: 10 * time.Millisecond, RetentionBatch: 2, DefaultPolicy: testPolicy(1)})
		b.subscribe(t, "prune")
		b.rcv.Enqueue(webhooktest.Fail(http.StatusBadRequest)) // the first goes to the DLQ
		b.start(t)
		first := b.publish(t, webhook.EventJobCreated, nil)[0].EventID
		require.Equal(t, storage.DeliveryDLQ, b.waitChain(t, first, 1)[0].Status)
		for range 4 {
			ev := b.publish(t, webhook.EventJobCreated, nil)[0].EventID
			b.waitChain(t, ev, 1)
		}
		n, err := b.d.DeliveryPrune(b.ctx, time.Now().Add(time.Hour))
		require.NoError(t, err)
		require.Equal(t, 4, n, "four delivered rows pruned, two per batch")
		page, err := b.d.DeliveryList(b.ctx, &storage.DeliveryListParams{OrganizationID: b.org})
		require.NoError(t, err)
		require.Len(t, page.Items, 1, "the dead letter's row is kept")
		require.Equal(t, first, page.Items[0].EventID)
	})
}
