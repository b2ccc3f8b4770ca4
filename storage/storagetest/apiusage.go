package storagetest

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func apiUsageTests() []test {
	return []test{
		{"WriteSum", testUsageWriteSum},
		{"Throttles", testUsageThrottles},
		{"LastUsedOnlyForward", testUsageTokenUses},
		{"Totals", testUsageTotals},
		{"AnomalyClaimedOnce", testUsageAnomalies},
		{"Prune", testAPIAccessPrune},
	}
}

func zapierHookTests() []test {
	return []test{
		{"CreateGetListDelete", testZapierHooks},
		{"Refusals", testZapierHookRefusals},
		{"DeletedWithWebhook", testZapierHookCascade},
	}
}

var minute0 = baseTime.Truncate(time.Minute)

func count(org, tok uuid.UUID, m int, route string, class int, n int64) *storage.APIUsageCount {
	return &storage.APIUsageCount{OrganizationID: org, TokenID: tok, BucketStart: minute0.Add(time.Duration(m) * time.Minute),
		Route: route, StatusClass: class, Requests: n}
}

func mustWriteUsage(t *testing.T, b *bundle, batch *storage.APIUsageBatch) {
	t.Helper()
	require.NoError(t, b.store.APIUsageWrite(b.ctx, batch))
}

func sumUsage(t *testing.T, b *bundle, p *storage.APIUsageParams) []storage.APIUsageCount {
	t.Helper()
	got, err := b.store.APIUsageSum(b.ctx, p)
	require.NoError(t, err)
	out := make([]storage.APIUsageCount, len(got))
	for i, c := range got {
		require.True(t, c.BucketStart.IsZero(), "sums have no bucket")
		out[i] = *c
	}
	return out
}

func testUsageWriteSum(t *testing.T, b *bundle) {
	t1, t2 := orderedIDs()
	const jobs, cands = "GET /api/jobs/{id}", "POST /api/candidates"
	mustWriteUsage(t, b, &storage.APIUsageBatch{Counts: []*storage.APIUsageCount{
		count(b.org, t1, 0, jobs, 2, 10), count(b.org, t1, 0, jobs, 2, 5), // the same row twice in a batch adds up
		count(b.org, t1, 1, jobs, 2, 7), count(b.org, t1, 1, jobs, 4, 2),
		count(b.org, t2, 0, cands, 5, 1), count(b.org, t2, 2, "", 0, 3),
		count(b.other, t1, 0, jobs, 2, 99),
	}})
	mustWriteUsage(t, b, &storage.APIUsageBatch{Counts: []*storage.APIUsageCount{count(b.org, t1, 0, jobs, 2, 1)}})

	c := func(tok uuid.UUID, route string, class int, n int64) storage.APIUsageCount {
		return storage.APIUsageCount{OrganizationID: b.org, TokenID: tok, Route: route, StatusClass: class, Requests: n}
	}
	require.Equal(t, []storage.APIUsageCount{c(t1, jobs, 2, 23), c(t1, jobs, 4, 2), c(t2, "", 0, 3), c(t2, cands, 5, 1)},
		sumUsage(t, b, &storage.APIUsageParams{OrganizationID: b.org}))
	require.Equal(t, []storage.APIUsageCount{c(t1, jobs, 2, 23), c(t1, jobs, 4, 2)},
		sumUsage(t, b, &storage.APIUsageParams{OrganizationID: b.org, TokenID: t1}))
	require.Equal(t, []storage.APIUsageCount{c(t1, jobs, 2, 7), c(t1, jobs, 4, 2), c(t2, "", 0, 3)},
		sumUsage(t, b, &storage.APIUsageParams{OrganizationID: b.org, Time: storage.TimeRange{Since: minute0.Add(time.Minute)}}))
	require.Equal(t, []storage.APIUsageCount{c(t1, jobs, 2, 16), c(t2, cands, 5, 1)},
		sumUsage(t, b, &storage.APIUsageParams{OrganizationID: b.org, Time: storage.TimeRange{Until: minute0.Add(time.Minute)}}))
	require.Empty(t, sumUsage(t, b, &storage.APIUsageParams{OrganizationID: NewOrgID()}))
	require.NoError(t, b.store.APIUsageWrite(b.ctx, &storage.APIUsageBatch{}))
}

// orderedIDs returns two IDs, the first sorting before the second.
func orderedIDs() (uuid.UUID, uuid.UUID) {
	a, c := uuid.New(), uuid.New()
	if a.String() > c.String() {
		a, c = c, a
	}
	return a, c
}

func testUsageThrottles(t *testing.T, b *bundle) {
	tok := uuid.New()
	at := minute0.Add(10 * time.Second)
	thr := func(m int, limit string, n int64, first, last time.Time) *storage.APIThrottleCount {
		return &storage.APIThrottleCount{OrganizationID: b.org, TokenID: tok, BucketStart: minute0.Add(time.Duration(m) * time.Minute),
			Route: "GET /x", Limit: limit, Requests: n, FirstAt: first, LastAt: last}
	}
	mustWriteUsage(t, b, &storage.APIUsageBatch{Throttles: []*storage.APIThrottleCount{
		thr(0, "token_minute", 3, at, at.Add(time.Second)),
		thr(0, "token_minute", 2, at.Add(-time.Second), at.Add(5*time.Second)),
		thr(1, "org_hour", 1, at.Add(time.Minute), at.Add(time.Minute)),
	}})
	mustWriteUsage(t, b, &storage.APIUsageBatch{Throttles: []*storage.APIThrottleCount{thr(0, "token_minute", 1, at, at.Add(2*time.Second))}})
	got, err := b.store.APIThrottleList(b.ctx, &storage.APIUsageParams{OrganizationID: b.org})
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, "org_hour", got[0].Limit, "newest bucket first")
	requireTime(t, minute0.Add(time.Minute), got[0].BucketStart)
	require.Equal(t, "token_minute", got[1].Limit)
	require.Equal(t, int64(6), got[1].Requests)
	requireTime(t, at.Add(-time.Second), got[1].FirstAt)
	requireTime(t, at.Add(5*time.Second), got[1].LastAt)
	got, err = b.store.APIThrottleList(b.ctx, &storage.APIUsageParams{OrganizationID: b.other})
	require.NoError(t, err)
	require.Empty(t, got)
}

func testUsageTokenUses(t *testing.T, b *bundle) {
	tok := mustCreateAPIToken(t, b, b.org)
	at := fixedTime.Add(time.Hour)
	use := func(org uuid.UUID, when time.Time) *storage.APIUsageBatch {
		return &storage.APIUsageBatch{Uses: []*storage.APITokenUse{{OrganizationID: org, TokenID: tok.ID, At: when}}}
	}
	mustWriteUsage(t, b, use(b.org, at))
	requireTimePtr(t, &at, mustGetAPIToken(t, b, tok.Hash).LastUsedAt)
	mustWriteUsage(t, b, use(b.org, at.Add(-time.Minute)))
	requireTimePtr(t, &at, mustGetAPIToken(t, b, tok.Hash).LastUsedAt, "an older use does not move it back")
	mustWriteUsage(t, b, use(b.other, at.Add(time.Hour)))
	requireTimePtr(t, &at, mustGetAPIToken(t, b, tok.Hash).LastUsedAt, "another organization cannot touch it")
	mustWriteUsage(t, b, &storage.APIUsageBatch{Uses: []*storage.APITokenUse{
		{OrganizationID: b.org, TokenID: tok.ID, At: at.Add(2 * time.Minute)},
		{OrganizationID: b.org, TokenID: tok.ID, At: at.Add(time.Minute)},
	}})
	requireTimePtr(t, ptr(at.Add(2*time.Minute)), mustGetAPIToken(t, b, tok.Hash).LastUsedAt, "the latest of a batch")
}

func testUsageTotals(t *testing.T, b *bundle) {
	busy, quiet, idle := uuid.New(), uuid.New(), uuid.New()
	mustWriteUsage(t, b, &storage.APIUsageBatch{Counts: []*storage.APIUsageCount{
		count(b.org, busy, 0, "a", 2, 5), count(b.org, busy, 30, "a", 2, 5), count(b.org, busy, 60, "a", 2, 70),
		count(b.org, busy, 60, "b", 4, 30),
		count(b.other, quiet, 60, "a", 2, 1),
		count(b.org, idle, 10, "a", 2, 8),
		count(b.org, busy, 61, "a", 2, 1000), // after Until
	}})
	got, err := b.store.APIUsageTotals(b.ctx, &storage.APIUsageTotalsParams{BaselineSince: minute0,
		CurrentSince: minute0.Add(60 * time.Minute), Until: minute0.Add(61 * time.Minute)})
	require.NoError(t, err)
	want := map[uuid.UUID]storage.APIUsageTotal{
		busy:  {OrganizationID: b.org, TokenID: busy, Current: 100, Baseline: 10},
		quiet: {OrganizationID: b.other, TokenID: quiet, Current: 1, Baseline: 0},
	}
	require.Len(t, got, len(want), "tokens with no current traffic are left out")
	for _, g := range got {
		require.Equal(t, want[g.TokenID], *g)
	}
}

func testUsageAnomalies(t *testing.T, b *bundle) {
	tok := uuid.New()
	a := &storage.APIAnomaly{OrganizationID: b.org, TokenID: tok, WindowStart: minute0, WindowEnd: minute0.Add(time.Minute),
		Requests: 90, BaselinePerWindow: 2.5}
	ok, err := b.store.APIAnomalyClaim(b.ctx, a)
	require.NoError(t, err)
	require.True(t, ok)
	require.NotEqual(t, uuid.Nil, a.ID)
	requireStamp(t, a.DetectedAt)
	again := *a
	ok, err = b.store.APIAnomalyClaim(b.ctx, &again)
	require.NoError(t, err)
	require.False(t, ok, "one claim per token and window")
	next := *a
	next.WindowStart, next.WindowEnd = a.WindowEnd, a.WindowEnd.Add(time.Minute)
	ok, err = b.store.APIAnomalyClaim(b.ctx, &next)
	require.NoError(t, err)
	require.True(t, ok)

	got, err := b.store.APIAnomalyList(b.ctx, &storage.APIUsageParams{OrganizationID: b.org})
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, next.ID, got[0].ID, "newest first")
	require.Equal(t, a.ID, got[1].ID)
	require.Equal(t, int64(90), got[1].Requests)
	require.InDelta(t, 2.5, got[1].BaselinePerWindow, 1e-9)
	requireTime(t, minute0, got[1].WindowStart)
	requireTime(t, minute0.Add(time.Minute), got[1].WindowEnd)
	got, err = b.store.APIAnomalyList(b.ctx, &storage.APIUsageParams{OrganizationID: b.other})
	require.NoError(t, err)
	require.Empty(t, got)
}

func testAPIAccessPrune(t *testing.T, b *bundle) {
	tok := mustCreateTokenInfo(t, b, b.org, nil, nil)
	_, err := b.store.APITokenInfoRevoke(b.ctx, b.org, tok.ID)
	require.NoError(t, err)
	mustWriteUsage(t, b, &storage.APIUsageBatch{
		Counts: []*storage.APIUsageCount{count(b.org, tok.ID, 0, "a", 2, 1), count(b.org, tok.ID, 5, "a", 2, 1)},
		Throttles: []*storage.APIThrottleCount{{OrganizationID: b.org, TokenID: tok.ID, BucketStart: minute0, Route: "a",
			Limit: "org_hour", Requests: 1, FirstAt: minute0, LastAt: minute0}},
	})
	mustLease(t, b, leaseParams(b, "k", 10, 1))
	n, err := b.store.APIAccessPrune(b.ctx, &storage.APIAccessPruneParams{})
	require.NoError(t, err)
	require.Zero(t, n, "zero cut-offs keep everything")

	n, err = b.store.APIAccessPrune(b.ctx, &storage.APIAccessPruneParams{UsageBefore: minute0.Add(time.Minute),
		WindowsBefore: rateWindow.Add(2 * time.Minute), ChangesBefore: b.store.Now().Add(time.Second)})
	require.NoError(t, err)
	require.Equal(t, 4, n, "one usage row, one throttle, one window, one change")
	require.Len(t, sumUsage(t, b, &storage.APIUsageParams{OrganizationID: b.org}), 1)
	require.Empty(t, changesOf(t, b, tok.ID))
	g := mustLease(t, b, leaseParams(b, "k", 10, 1))[0]
	require.Equal(t, 1, g.Total, "the window started over")
}

func testZapierHooks(t *testing.T, b *bundle) {
	w1 := mustCreateWebhook(t, b, b.org)
	w2 := mustCreateWebhook(t, b, b.org, func(p *storage.WebhookCreateParams) { p.Name = "second" })
	tok := uuid.New()
	h1, err := b.store.ZapierHookCreate(b.ctx, &storage.ZapierHook{OrganizationID: b.org, WebhookID: w1.ID, TokenID: tok, Event: "job.created"})
	require.NoError(t, err)
	require.Equal(t, w1.ID, h1.WebhookID)
	require.Equal(t, b.org, h1.OrganizationID)
	require.Equal(t, tok, h1.TokenID)
	require.Equal(t, "job.created", h1.Event)
	requireStamp(t, h1.CreatedAt)
	h2, err := b.store.ZapierHookCreate(b.ctx, &storage.ZapierHook{OrganizationID: b.org, WebhookID: w2.ID, TokenID: tok, Event: "job.updated"})
	require.NoError(t, err)

	got, err := b.store.ZapierHookGet(b.ctx, b.org, w1.ID)
	require.NoError(t, err)
	require.Equal(t, h1, got)
	list, err := b.store.ZapierHookList(b.ctx, b.org)
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.ElementsMatch(t, []uuid.UUID{h1.WebhookID, h2.WebhookID}, []uuid.UUID{list[0].WebhookID, list[1].WebhookID})

	require.NoError(t, b.store.ZapierHookDelete(b.ctx, b.org, w1.ID))
	_, err = b.store.ZapierHookGet(b.ctx, b.org, w1.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	require.ErrorIs(t, b.store.ZapierHookDelete(b.ctx, b.org, w1.ID), storage.ErrNotFound)
	mustGetWebhook(t, b, b.org, w1.ID) // the subscription is not the mark's to delete
}

func testZapierHookRefusals(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	_, err := b.store.ZapierHookCreate(b.ctx, &storage.ZapierHook{OrganizationID: b.other, WebhookID: w.ID, TokenID: uuid.New(), Event: "e"})
	require.ErrorIs(t, err, storage.ErrNotFound, "another organization's subscription")
	_, err = b.store.ZapierHookCreate(b.ctx, &storage.ZapierHook{OrganizationID: b.org, WebhookID: uuid.New(), TokenID: uuid.New(), Event: "e"})
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = b.store.ZapierHookCreate(b.ctx, &storage.ZapierHook{OrganizationID: b.org, WebhookID: w.ID, TokenID: uuid.New(), Event: "e"})
	require.NoError(t, err)
	_, err = b.store.ZapierHookCreate(b.ctx, &storage.ZapierHook{OrganizationID: b.org, WebhookID: w.ID, TokenID: uuid.New(), Event: "e"})
	require.ErrorIs(t, err, storage.ErrConflict)
	_, err = b.store.ZapierHookGet(b.ctx, b.other, w.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	require.ErrorIs(t, b.store.ZapierHookDelete(b.ctx, b.other, w.ID), storage.ErrNotFound)
	list, err := b.store.ZapierHookList(b.ctx, b.other)
	require.NoError(t, err)
	require.Empty(t, list)
}

func testZapierHookCascade(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	_, err := b.store.ZapierHookCreate(b.ctx, &storage.ZapierHook{OrganizationID: b.org, WebhookID: w.ID, TokenID: uuid.New(), Event: "e"})
	require.NoError(t, err)
	require.NoError(t, b.store.WebhookDelete(b.ctx, b.org, w.ID))
	_, err = b.store.ZapierHookGet(b.ctx, b.org, w.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
}
