package storagetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func apiRateTests() []test {
	return []test{
		{"LeaseShareShrinks", testRateLeaseShrinks},
		{"LeaseWant", testRateLeaseWant},
		{"WindowsAndKeysApart", testRateWindowsApart},
		{"LimitChange", testRateLimitChange},
		{"Return", testRateReturn},
		{"ConcurrentNeverPastLimit", testRateConcurrent},
		{"BadLeases", testRateBadLeases},
	}
}

// rateWindow is the minute window of the fixture time.
var rateWindow = baseTime.Truncate(time.Minute)

func leaseParams(b *bundle, key string, limit, want int) *storage.APIRateLeaseParams {
	return &storage.APIRateLeaseParams{Key: key, OrganizationID: b.org, WindowStart: rateWindow,
		WindowEnd: rateWindow.Add(time.Minute), Limit: limit, Want: want}
}

func mustLease(t *testing.T, b *bundle, ps ...*storage.APIRateLeaseParams) []*storage.APIRateGrant {
	t.Helper()
	gs, err := b.store.APIRateLease(b.ctx, ps)
	require.NoError(t, err)
	require.Len(t, gs, len(ps))
	for i, g := range gs {
		require.Equal(t, ps[i].Key, g.Key, "grants in the order asked")
		requireTime(t, ps[i].WindowStart, g.WindowStart)
	}
	return gs
}

func testRateLeaseShrinks(t *testing.T, b *bundle) {
	// Limit 10, asking for everything: half of what is left each time.
	var got, totals []int
	for range 6 {
		g := mustLease(t, b, leaseParams(b, "k", 10, 100))[0]
		got, totals = append(got, g.Granted), append(totals, g.Total)
		require.Equal(t, 10, g.Limit)
	}
	require.Equal(t, []int{5, 3, 1, 1, 0, 0}, got)
	require.Equal(t, []int{5, 8, 9, 10, 10, 10}, totals)
}

func testRateLeaseWant(t *testing.T, b *bundle) {
	g := mustLease(t, b, leaseParams(b, "k", 100, 3))[0]
	require.Equal(t, 3, g.Granted)
	require.Equal(t, 3, g.Total)
	g = mustLease(t, b, leaseParams(b, "k", 100, 1))[0]
	require.Equal(t, 1, g.Granted)
	require.Equal(t, 4, g.Total)
	one := mustLease(t, b, leaseParams(b, "one", 1, 5))[0]
	require.Equal(t, 1, one.Granted, "a limit of 1 is granted")
	zero := mustLease(t, b, leaseParams(b, "zero", 0, 5))[0]
	require.Zero(t, zero.Granted, "a limit of 0 grants nothing")
}

func testRateWindowsApart(t *testing.T, b *bundle) {
	a := leaseParams(b, "a", 4, 4)
	next := leaseParams(b, "a", 4, 4)
	next.WindowStart, next.WindowEnd = a.WindowEnd, a.WindowEnd.Add(time.Minute)
	other := leaseParams(b, "b", 4, 4)
	gs := mustLease(t, b, a, next, other)
	for _, g := range gs {
		require.Equal(t, 2, g.Granted)
		require.Equal(t, 2, g.Total)
	}
	gs = mustLease(t, b, other, a)
	require.Equal(t, []int{1, 1}, []int{gs[0].Granted, gs[1].Granted})
	require.Equal(t, []int{3, 3}, []int{gs[0].Total, gs[1].Total})
}

func testRateLimitChange(t *testing.T, b *bundle) {
	mustLease(t, b, leaseParams(b, "k", 10, 5))
	g := mustLease(t, b, leaseParams(b, "k", 4, 5))[0]
	require.Zero(t, g.Granted, "a lowered limit below what is leased grants nothing")
	require.Equal(t, 5, g.Total)
	require.Equal(t, 4, g.Limit)
	g = mustLease(t, b, leaseParams(b, "k", 20, 5))[0]
	require.Equal(t, 5, g.Granted, "a raised limit grants again")
	require.Equal(t, 20, g.Limit)
}

func testRateReturn(t *testing.T, b *bundle) {
	mustLease(t, b, leaseParams(b, "k", 10, 4))
	require.NoError(t, b.store.APIRateReturn(b.ctx, []*storage.APIRateReturnParams{
		{Key: "k", WindowStart: rateWindow, N: 3},
		{Key: "unknown", WindowStart: rateWindow, N: 3},
	}))
	g := mustLease(t, b, leaseParams(b, "k", 10, 1))[0]
	require.Equal(t, 2, g.Total, "4 leased, 3 returned, 1 leased")
	require.NoError(t, b.store.APIRateReturn(b.ctx, []*storage.APIRateReturnParams{{Key: "k", WindowStart: rateWindow, N: 50}}))
	g = mustLease(t, b, leaseParams(b, "k", 10, 1))[0]
	require.Equal(t, 1, g.Total, "never below zero")
	require.NoError(t, b.store.APIRateReturn(b.ctx, nil))
}

// testRateConcurrent leases one budget from many goroutines at once, each
// lease naming two windows in an order of its own: the grants add up to the
// limit exactly, and no two leases deadlock.
func testRateConcurrent(t *testing.T, b *bundle) {
	const limit, workers = 200, 8
	var granted [2]atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				ps := []*storage.APIRateLeaseParams{leaseParams(b, "x", limit, 1+w%4), leaseParams(b, "y", limit, 1+w%3)}
				if w%2 == 1 {
					ps[0], ps[1] = ps[1], ps[0]
				}
				gs, err := b.store.APIRateLease(b.ctx, ps)
				if !assertNoError(t, err) {
					return
				}
				done := true
				for _, g := range gs {
					granted[keyIndex(g.Key)].Add(int64(g.Granted))
					if g.Total > limit {
						t.Errorf("total %d past the limit", g.Total)
					}
					done = done && g.Granted == 0
				}
				if done {
					return
				}
			}
		})
	}
	wg.Wait()
	require.Equal(t, int64(limit), granted[0].Load())
	require.Equal(t, int64(limit), granted[1].Load())
}

func keyIndex(key string) int {
	if key == "x" {
		return 0
	}
	return 1
}

// assertNoError reports err without stopping a goroutine's test.
func assertNoError(t *testing.T, err error) bool {
	if err != nil {
		t.Errorf("unexpected error: %v", err)
		return false
	}
	return true
}

func testRateBadLeases(t *testing.T, b *bundle) {
	good := leaseParams(b, "k", 10, 1)
	bad := []*storage.APIRateLeaseParams{
		{Key: "", OrganizationID: b.org, WindowStart: rateWindow, WindowEnd: rateWindow.Add(time.Minute), Limit: 1, Want: 1},
		leaseParams(b, "k", 10, 0),
		leaseParams(b, "k", -1, 1),
		{Key: "k", OrganizationID: b.org, WindowStart: rateWindow, WindowEnd: rateWindow, Limit: 1, Want: 1},
	}
	for i, p := range bad {
		_, err := b.store.APIRateLease(b.ctx, []*storage.APIRateLeaseParams{good, p})
		require.Error(t, err, fmt.Sprint(i))
	}
	_, err := b.store.APIRateLease(b.ctx, []*storage.APIRateLeaseParams{good, leaseParams(b, "k", 10, 1)})
	require.Error(t, err, "the same window twice")
	g := mustLease(t, b, good)[0]
	require.Equal(t, 1, g.Total, "refused leases took nothing")
}
