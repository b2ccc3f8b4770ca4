package webhook_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

// lookupFailStore fails WebhookGet for one subscription while down is set,
// as a database that cannot be reached would.
type lookupFailStore struct {
	storage.Store
	target atomic.Pointer[uuid.UUID]
	down   atomic.Bool
	fails  atomic.Int32
}

func (s *lookupFailStore) WebhookGet(ctx context.Context, orgID, id uuid.UUID) (*storage.Webhook, error) {
	if t := s.target.Load(); s.down.Load() && t != nil && *t == id {
		s.fails.Add(1)
		return nil, errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")
	}
	return s.Store.WebhookGet(ctx, orgID, id)
}

// TestLookupFailureParked: rows whose subscription cannot be loaded are
// tried again after a short pause, not left leased for the whole lease (6
// min), and they do not hold the workers meanwhile: the other
// subscription's rows go through. Each row's first failure is logged at
// Warn, the tries that follow at Debug. The rows used to wait for the
// lease to end.
func TestLookupFailureParked(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		st := &lookupFailStore{Store: be.open(t)}
		logs := &logBuffer{}
		b := setupOn(t, st, &webhook.Config{Workers: 2, PerSubscriptionLimit: 2, PollInterval: 10 * time.Millisecond,
			Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
		broken := b.subscribe(t, "broken")
		b.subscribe(t, "healthy")
		st.target.Store(&broken.ID)
		st.down.Store(true)
		const n = 6
		for range n {
			b.publish(t, webhook.EventJobCreated, nil)
		}
		b.start(t)
		require.Eventually(t, func() bool { return countPath(b, "/hooks/healthy") == n }, 20*time.Second,
			10*time.Millisecond, "the healthy subscription's rows go through")
		require.Eventually(t, func() bool { return st.fails.Load() >= 4 }, 20*time.Second, 10*time.Millisecond,
			"the broken subscription's rows are tried again")
		require.Zero(t, countPath(b, "/hooks/broken"))

		st.down.Store(false) // the database is back
		require.Eventually(t, func() bool { return countPath(b, "/hooks/broken") == n }, 20*time.Second,
			10*time.Millisecond, "within seconds, far inside the 6 min lease")
		require.Equal(t, 2*n, len(b.rcv.CountByDelivery()), "each delivered once")

		warned := map[string]bool{}
		for _, r := range logs.records(t, "webhook: cannot load the delivery's subscription") {
			require.Equal(t, broken.ID.String(), r["webhook"])
			if r["level"] == "WARN" {
				require.False(t, warned[r["delivery"].(string)], "one warning per row")
				warned[r["delivery"].(string)] = true
			}
		}
		require.NotEmpty(t, warned)
	})
}

// setupOn is setup on a given store.
func setupOn(t *testing.T, st storage.Store, cfg *webhook.Config) *bundle {
	t.Helper()
	return setup(t, backend{open: func(testing.TB) storage.Store { return st }}, cfg)
}

// countPath counts the requests the receiver got on one path.
func countPath(b *bundle, path string) int {
	n := 0
	for _, r := range b.rcv.Requests() {
		if strings.HasSuffix(r.URL, path) {
			n++
		}
	}
	return n
}

// TestStopReleasesParked: rows parked when Stop comes are released, due
// again at once for another dispatcher, not left leased until the lease
// ends.
func TestStopReleasesParked(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		st := &lookupFailStore{Store: be.open(t)}
		b := setupOn(t, st, &webhook.Config{PollInterval: 10 * time.Millisecond})
		s := b.subscribe(t, "parked")
		st.target.Store(&s.ID)
		st.down.Store(true)
		for range 3 {
			b.publish(t, webhook.EventJobCreated, nil)
		}
		b.start(t)
		require.Eventually(t, func() bool { return st.fails.Load() >= 6 }, 20*time.Second, 10*time.Millisecond,
			"the rows are parked and tried again")
		require.NoError(t, b.d.Stop(b.ctx))
		rows, err := st.DeliveryClaim(b.ctx, &storage.DeliveryClaimParams{Now: time.Now(), Limit: 10,
			LeaseFor: time.Minute, ClaimID: uuid.New()})
		require.NoError(t, err)
		require.Len(t, rows, 3, "free at once")
		require.Zero(t, b.rcv.Count())
	})
}
