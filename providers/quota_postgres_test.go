package providers_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
)

// TestQuotaSharedAcrossPostgresHosts runs two hosts (separate pools on one
// database) taking from one hourly quota at once: together they never go
// over the limit, and the stored usage equals the calls they let through.
func TestQuotaSharedAcrossPostgresHosts(t *testing.T) {
	t.Parallel()
	_, dsn := pgtest.Schema(t)
	k, err := secret.GenerateKey("test")
	require.NoError(t, err)
	ring, err := secret.NewKeyring(k)
	require.NoError(t, err)
	clock := newClock()
	var hosts []*providers.Quota
	for range 2 {
		st, err := postgres.New(pgtest.PoolOn(t, dsn), &postgres.Config{Sealer: ring})
		require.NoError(t, err)
		require.NoError(t, st.Migrate(context.Background()))
		q, err := providers.NewQuota(&providers.QuotaConfig{Store: st, HourlyLimit: 100, Clock: clock.Now})
		require.NoError(t, err)
		hosts = append(hosts, q)
	}
	key := newKey()
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for range 10 {
				if hosts[g%2].Take(context.Background(), key) == nil {
					allowed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	require.LessOrEqual(t, allowed.Load(), int64(100), "the hosts together never exceed the hourly limit")
	require.Positive(t, allowed.Load())
	u, err := hosts[0].Usage(context.Background(), key)
	require.NoError(t, err)
	require.Equal(t, allowed.Load(), u.Hour, "usage counts exactly the calls let through")
	require.Equal(t, 160-allowed.Load(), u.Rejected)
}
