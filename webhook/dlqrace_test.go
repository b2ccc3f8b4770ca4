package webhook_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// racyStore runs hooks inside DLQ calls, to put another actor's work in
// the narrowest window of the dispatcher's.
type racyStore struct {
	storage.Store
	beforeDeleteEvent func()
	afterDLQDelete    func()
}

func (s *racyStore) DLQDeleteEvent(ctx context.Context, orgID, webhookID, eventID, keep uuid.UUID) (int, error) {
	if s.beforeDeleteEvent != nil {
		s.beforeDeleteEvent()
	}
	return s.Store.DLQDeleteEvent(ctx, orgID, webhookID, eventID, keep)
}

func (s *racyStore) DLQDelete(ctx context.Context, orgID, id uuid.UUID) error {
	err := s.Store.DLQDelete(ctx, orgID, id)
	if s.afterDLQDelete != nil {
		s.afterDLQDelete()
	}
	return err
}

// racySetup is setup on a racyStore.
func racySetup(t *testing.T, be backend, cfg *webhook.Config) (*bundle, *racyStore) {
	t.Helper()
	st := &racyStore{Store: be.open(t)}
	rcv := webhooktest.NewReceiver(t)
	c := *cfg
	c.TLSConfig, c.AllowAddrs = rcv.TLSConfig(), rcv.AllowAddrs()
	d, err := webhook.New(st, &c)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Stop(context.Background())) })
	return &bundle{d: d, store: st, rcv: rcv, org: uuid.New(), ctx: context.Background()}, st
}

// deadLettered starts a racy dispatcher whose endpoint refuses everything
// (400, straight to the DLQ), publishes one event and waits for its dead
// letter; it returns the event's first row.
func deadLettered(t *testing.T, be backend, name string) (*bundle, *racyStore, *storage.Delivery) {
	t.Helper()
	b, st := racySetup(t, be, fastConfig(nil, testPolicy(1)))
	b.subscribe(t, name)
	b.rcv.SetDefault(webhooktest.Fail(http.StatusBadRequest))
	b.start(t)
	ev := b.publish(t, webhook.EventJobCreated, nil)[0].EventID
	return b, st, b.waitChain(t, ev, 1)[0]
}

// TestReplayKeepsItsOwnDeadLetter: a replay that fails and is dead-lettered
// before the replay removes the event's older entries keeps its own entry.
// It used to be removed with them: a dead letter Retry All never saw.
func TestReplayKeepsItsOwnDeadLetter(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b, st, first := deadLettered(t, be, "own")
		ev := first.EventID
		st.beforeDeleteEvent = func() { b.waitChain(t, ev, 2) } // the replay is dead-lettered first
		_, err := b.d.DeliveryReplay(b.ctx, b.org, first.ID)
		require.NoError(t, err)
		page, err := b.d.DLQList(b.ctx, &storage.DLQListParams{OrganizationID: b.org})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		require.Equal(t, b.chain(t, ev)[1].ID, page.Items[0].DeliveryID, "the replay's dead letter stays")
	})
}

// TestDLQRetryOutrunsRetention: retention that runs the moment a retry has
// taken its DLQ entry (when the old row is no longer kept for it) does not
// lose the dead letter: the row was read while the entry still protected
// it, and the retry replays it.
func TestDLQRetryOutrunsRetention(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b, st, first := deadLettered(t, be, "pruned")
		ev := first.EventID
		page, err := b.d.DLQList(b.ctx, &storage.DLQListParams{OrganizationID: b.org})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		st.afterDLQDelete = func() {
			_, err := b.d.DeliveryPrune(b.ctx, time.Now().Add(time.Hour))
			require.NoError(t, err)
		}
		b.rcv.SetDefault(webhooktest.OK())
		row, err := b.d.DLQRetry(b.ctx, b.org, page.Items[0].ID)
		require.NoError(t, err)
		require.Equal(t, ev, row.EventID)
		require.Eventually(t, func() bool { return allSucceeded(t, b, 1) }, 10*time.Second, 5*time.Millisecond,
			"the replay is delivered")
	})
}

// TestGoneStopsClaimedRows: after a 410, the subscription's rows already
// claimed are released, not sent to the endpoint that is gone.
func TestGoneStopsClaimedRows(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		released := &countHandler{msg: "webhook: releasing delivery"}
		b := setup(t, be, &webhook.Config{Workers: 1, PerSubscriptionLimit: 4, PollInterval: 5 * time.Millisecond,
			Logger: slog.New(released), DefaultPolicy: testPolicy(3)})
		b.subscribe(t, "gone")
		b.rcv.SetDefault(webhooktest.Gone())
		for range 4 {
			b.publish(t, webhook.EventJobCreated, nil)
		}
		b.start(t)
		// Released rows may be claimed and released again until the 410 is
		// recorded; what matters is that none is sent.
		require.Eventually(t, func() bool { return released.n.Load() >= 3 }, 10*time.Second, time.Millisecond,
			"the three other claimed rows are released")
		require.NoError(t, b.d.Stop(b.ctx))
		require.Equal(t, 1, b.rcv.Count(), "one request to the gone endpoint")
	})
}
