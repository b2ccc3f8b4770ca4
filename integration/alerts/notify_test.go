package alerts_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration/alerts"
	"github.com/intimeos/integrations/storage"
)

// TestNotificationRetriedUntilSent: a Slack webhook that answers 500, then
// 429 with Retry-After, then "ok" does not lose the alert's notice: it stays
// pending and is tried again after the backoff (30 s, then the 120 s the 429
// asked for), and sent once. Raising the open alert again in the same
// window sends nothing more; a window later sends one reminder; resolving
// sends one "resolved" notice.
func TestNotificationRetriedUntilSent(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open)
		hook := newFakeSlack(t)
		eng := e.engine(t, &alerts.Config{Notifiers: []alerts.Notifier{&alerts.SlackNotifier{
			WebhookURL: func(context.Context, uuid.UUID) (string, error) { return hook.HookURL(), nil }}}})
		raise := func() *storage.Alert {
			t.Helper()
			a, err := eng.AlertRaise(e.ctx, &storage.AlertRaiseParams{OrganizationID: e.org, DedupKey: "test.smtp",
				Severity: storage.AlertCritical, Title: "SMTP Email: Connection timeout",
				Message: "Connection to SendGrid timed out", Impact: alerts.ImpactOf("email")})
			require.NoError(t, err)
			return a
		}
		notify := func() int {
			t.Helper()
			n, err := eng.NotifyDue(e.ctx)
			require.NoError(t, err)
			return n
		}
		a := raise()

		hook.setMode(slackDown)
		require.Zero(t, notify())
		ns := e.notifications(t, a.ID)
		require.Len(t, ns, 1)
		require.Equal(t, storage.AlertNotificationPending, ns[0].Status)
		require.Equal(t, 1, ns[0].Attempts)
		require.Contains(t, ns[0].LastError, "rollup_error")
		require.NotContains(t, ns[0].LastError, "hooksecret01", "the webhook URL is a secret")
		require.Equal(t, e.clock.Now().Add(alerts.RetryMinDefault), ns[0].NextAttemptAt)
		require.NotNil(t, e.openAlert(t, "test.smtp"), "the alert stays open")

		hook.setMode(slackBusy)
		e.clock.Advance(alerts.RetryMinDefault - time.Second)
		require.Zero(t, notify())
		require.Equal(t, 1, hook.Calls(), "not before the backoff")
		e.clock.Advance(time.Second)
		require.Zero(t, notify())
		ns = e.notifications(t, a.ID)
		require.Equal(t, 2, ns[0].Attempts)
		require.Equal(t, e.clock.Now().Add(120*time.Second), ns[0].NextAttemptAt, "Retry-After is longer than the backoff")

		hook.setMode(slackOK)
		e.clock.Advance(120 * time.Second)
		require.Equal(t, 1, notify())
		require.Len(t, hook.Posts(), 1)
		require.Contains(t, hook.Posts()[0], "*[Critical] SMTP Email: Connection timeout*\nConnection to SendGrid timed out\nImpact: Emails not sending")
		require.Equal(t, storage.AlertNotificationSent, e.notifications(t, a.ID)[0].Status)

		e.clock.Advance(10 * time.Minute)
		require.Equal(t, 2, raise().Count)
		require.Zero(t, notify(), "the same window: no notification storm")

		e.clock.Advance(alerts.WindowDefault)
		require.Equal(t, 3, raise().Count)
		require.Equal(t, 1, notify(), "a window later: one reminder")
		require.Contains(t, hook.Posts()[1], "*[Critical, still open] SMTP Email: Connection timeout*")
		require.Contains(t, hook.Posts()[1], "Occurrences: 3")
		raise()
		require.Zero(t, notify())

		resolved, err := eng.Resolve(e.ctx, e.org, "test.smtp")
		require.NoError(t, err)
		require.Equal(t, a.ID, resolved.ID)
		require.Equal(t, 1, notify())
		require.Contains(t, hook.Posts()[2], "*[Resolved] SMTP Email: Connection timeout*")
		require.NoError(t, eng.AlertResolveKey(e.ctx, e.org, "test.smtp"), "nothing open: no error")
		require.Zero(t, notify())
		require.Len(t, hook.Posts(), 3)
	})
}

// TestNotificationGivesUp: a hook that is gone (404 no_service) is tried
// NotifyMaxAttempts times, then the notification is marked failed; the
// alert stays open. An organization without targets is skipped.
func TestNotificationGivesUp(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open)
		hook := newFakeSlack(t)
		hook.setMode(slackGone)
		eng := e.engine(t, &alerts.Config{NotifyMaxAttempts: 2, Notifiers: []alerts.Notifier{
			&alerts.SlackNotifier{WebhookURL: func(context.Context, uuid.UUID) (string, error) { return hook.HookURL(), nil }},
			&alerts.EmailNotifier{Dispatcher: e.mgr}}})
		a, err := eng.AlertRaise(e.ctx, &storage.AlertRaiseParams{OrganizationID: e.org, DedupKey: "test.gone",
			Severity: storage.AlertWarning, Title: "t", Message: "m"})
		require.NoError(t, err)
		for range 3 {
			_, err := eng.NotifyDue(e.ctx)
			require.NoError(t, err)
			e.clock.Advance(time.Hour)
		}
		require.Equal(t, 2, hook.Calls())
		byNotifier := map[string]*storage.AlertNotification{}
		for _, n := range e.notifications(t, a.ID) {
			byNotifier[n.Notifier] = n
		}
		require.Equal(t, storage.AlertNotificationFailed, byNotifier[alerts.NotifierSlack].Status)
		require.Contains(t, byNotifier[alerts.NotifierSlack].LastError, "no_service")
		require.Equal(t, storage.AlertNotificationSkipped, byNotifier[alerts.NotifierEmail].Status, "no recipients")
		require.NotNil(t, e.openAlert(t, "test.gone"))
	})
}

// TestStartSendsQueuedNotifications: the started engine's loop sends a
// notification as soon as it is queued.
func TestStartSendsQueuedNotifications(t *testing.T) {
	t.Parallel()
	e := setup(t, openSQLite)
	hook := newFakeSlack(t)
	eng := e.engine(t, &alerts.Config{NotifyPoll: time.Hour, Notifiers: []alerts.Notifier{&alerts.SlackNotifier{
		WebhookURL: func(context.Context, uuid.UUID) (string, error) { return hook.HookURL(), nil }}}})
	require.NoError(t, eng.Start(e.ctx))
	require.Error(t, eng.Start(e.ctx), "started once")
	_, err := eng.AlertRaise(e.ctx, &storage.AlertRaiseParams{OrganizationID: e.org, DedupKey: "test.loop",
		Severity: storage.AlertInfo, Title: "Loop", Message: "m"})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(hook.Posts()) == 1 }, 30*time.Second, 10*time.Millisecond)
	require.NoError(t, eng.Stop(e.ctx))
}
