package apiaccess_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/apiaccess"
	"github.com/intimeos/integrations/storage"
)

// flaky is the real store with an outage switch on the calls of the
// request path and of the flush.
type flaky struct {
	storage.Store
	down atomic.Bool
}

var errDown = errors.New("connection refused")

func (f *flaky) APIRateLease(ctx context.Context, ps []*storage.APIRateLeaseParams) ([]*storage.APIRateGrant, error) {
	if f.down.Load() {
		return nil, errDown
	}
	return f.Store.APIRateLease(ctx, ps)
}

func (f *flaky) APITokenInfoGetByHash(ctx context.Context, hash string) (*storage.APITokenInfo, error) {
	if f.down.Load() {
		return nil, errDown
	}
	return f.Store.APITokenInfoGetByHash(ctx, hash)
}

func (f *flaky) APIUsageWrite(ctx context.Context, b *storage.APIUsageBatch) error {
	if f.down.Load() {
		return errDown
	}
	return f.Store.APIUsageWrite(ctx, b)
}

// TestStoreOutage: while the store is down the middleware answers 503 once
// the budget it holds is spent (never unlimited), keeps the usage figures,
// and recovers when the store is back.
func TestStoreOutage(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *database) {
		c := newClock()
		st := &flaky{Store: db.open(t, c.Now)}
		svc, err := apiaccess.New(st, &apiaccess.Config{Clock: c.Now})
		require.NoError(t, err)
		t.Cleanup(func() { _ = svc.Stop(context.Background()) })
		h := &host{svc: svc, store: st, handler: svc.Middleware(testMux())}
		ctx := context.Background()
		org := newOrg()
		cached, err := svc.TokenCreate(ctx, &apiaccess.TokenCreateParams{OrganizationID: org, Name: "a"})
		require.NoError(t, err)
		fresh, err := svc.TokenCreate(ctx, &apiaccess.TokenCreateParams{OrganizationID: org, Name: "b"})
		require.NoError(t, err)
		ok := 0
		for range 3 {
			require.Equal(t, http.StatusOK, h.do(http.MethodGet, "/api/jobs/1", cached.Secret).Code)
			ok++
		}

		st.down.Store(true)
		w := h.do(http.MethodGet, "/api/jobs/1", fresh.Secret)
		require.Equal(t, http.StatusServiceUnavailable, w.Code)
		require.Equal(t, "unavailable", decodeError(t, w).Error)
		unavailable := 0
		for range 20 {
			switch code := h.do(http.MethodGet, "/api/jobs/1", cached.Secret).Code; code {
			case http.StatusOK:
				ok++
			case http.StatusServiceUnavailable:
				unavailable++
			default:
				t.Fatalf("status %d", code)
			}
		}
		require.Positive(t, unavailable, "no lease, no admission")
		require.LessOrEqual(t, ok, 3+(&apiaccess.Config{}).LeaseChunk(100), "admitted at most what was leased")
		require.Error(t, svc.Flush(ctx))

		st.down.Store(false)
		c.Advance(time.Second) // past Recheck
		require.Equal(t, http.StatusOK, h.do(http.MethodGet, "/api/jobs/1", cached.Secret).Code)
		require.Equal(t, http.StatusOK, h.do(http.MethodGet, "/api/jobs/1", fresh.Secret).Code)
		ok += 2
		require.NoError(t, svc.Flush(ctx))
		require.Zero(t, svc.Dropped())
		u, err := svc.Usage(ctx, &apiaccess.UsageParams{OrganizationID: org})
		require.NoError(t, err)
		require.Equal(t, int64(ok), u.Total, "the figures kept through the outage were written")
	})
}
