package alerts_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration/alerts"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// TestAdminInt013DLQAlert is ADMIN-INT-013's precondition raised as an
// alert: a webhook whose receiver refuses the delivery, under a policy of
// one retry, dead-letters it; the dispatcher's DLQ alert ("Current DLQ
// items: 1") reaches the engine, its Config.Alerts, which notifies Slack
// through the organization's incoming webhook URL. Emptying the queue
// resolves the alert, and the "resolved" notice goes out once.
func TestAdminInt013DLQAlert(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open)
		hook := newFakeSlack(t)
		eng := e.engine(t, &alerts.Config{Notifiers: []alerts.Notifier{&alerts.SlackNotifier{
			WebhookURL: func(_ context.Context, org uuid.UUID) (string, error) {
				if org == e.org {
					return hook.HookURL(), nil
				}
				return "", nil
			}}}})

		rcv := webhooktest.NewReceiver(t)
		rcv.SetDefault(webhooktest.Fail(400))
		policy := retry.DefaultPolicy()
		policy.MaxRetries, policy.Jitter = 1, false
		dead := make(chan *webhook.DeadLetter, 1)
		d, err := webhook.New(e.store, &webhook.Config{Alerts: eng, DefaultPolicy: &policy, Clock: e.clock.Now,
			PollInterval: 10 * time.Millisecond, TLSConfig: rcv.TLSConfig(), AllowAddrs: rcv.AllowAddrs(),
			OnDeadLetter: func(_ context.Context, dl *webhook.DeadLetter) { dead <- dl }})
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, d.Stop(context.Background())) })
		_, err = d.SubscriptionCreate(e.ctx, &webhook.SubscriptionCreateParams{OrganizationID: e.org, Name: "Job Created",
			URL: rcv.URL + "/hooks/jobs", Events: []string{webhook.EventJobCreated}})
		require.NoError(t, err)
		_, err = d.Publish(e.ctx, e.org, &webhook.Event{Type: webhook.EventJobCreated, Data: map[string]string{"job_id": "J-1"}})
		require.NoError(t, err)
		require.NoError(t, d.Start(e.ctx))
		select {
		case <-dead:
		case <-time.After(30 * time.Second):
			t.Fatal("the delivery was not dead-lettered")
		}

		a := e.openAlert(t, webhook.DLQAlertKey)
		require.NotNil(t, a, "the DLQ item raised an alert through the engine")
		require.Equal(t, "Current DLQ items: 1", a.Message)
		require.Equal(t, webhook.DLQAlertImpact, a.Impact)
		sent, err := eng.NotifyDue(e.ctx)
		require.NoError(t, err)
		require.Equal(t, 1, sent)
		posts := hook.Posts()
		require.Len(t, posts, 1)
		require.Contains(t, posts[0], "*[Warning] "+webhook.DLQAlertTitle+"*")
		require.Contains(t, posts[0], "Current DLQ items: 1")

		// Retry the item from the DLQ, now that the receiver accepts it
		// (ADMIN-INT-013: "Items processed from DLQ").
		rcv.SetDefault(webhooktest.OK())
		items, err := d.DLQList(e.ctx, &storage.DLQListParams{OrganizationID: e.org})
		require.NoError(t, err)
		require.Len(t, items.Items, 1)
		for _, it := range items.Items {
			_, err := d.DLQRetry(e.ctx, e.org, it.ID)
			require.NoError(t, err)
		}
		_, err = d.DLQAlertCheck(e.ctx, e.org)
		require.NoError(t, err)
		require.Nil(t, e.openAlert(t, webhook.DLQAlertKey), "the empty queue resolved the alert")
		sent, err = eng.NotifyDue(e.ctx)
		require.NoError(t, err)
		require.Equal(t, 1, sent)
		posts = hook.Posts()
		require.Len(t, posts, 2)
		require.Contains(t, posts[1], "*[Resolved] "+webhook.DLQAlertTitle+"*")
		_, err = d.DLQAlertCheck(e.ctx, e.org)
		require.NoError(t, err)
		sent, err = eng.NotifyDue(e.ctx)
		require.NoError(t, err)
		require.Zero(t, sent, "resolved once")
	})
}
