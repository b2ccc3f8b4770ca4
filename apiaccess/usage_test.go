package apiaccess_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/apiaccess"
)

// traffic is what usageTraffic sends: per token, route and status.
type traffic struct {
	t1, t2 *apiaccess.CreatedToken
}

// usageTraffic sends a known mix through both hosts: token 1 makes 30
// requests of every kind, token 2 (3 a minute) five, of which two are
// refused.
func usageTraffic(t *testing.T, b *bundle) *traffic {
	t.Helper()
	tr := &traffic{
		t1: b.mustToken(t, b.org, func(p *apiaccess.TokenCreateParams) { p.Name = "Token one" }),
		t2: b.mustToken(t, b.org, func(p *apiaccess.TokenCreateParams) { p.Name = "=cmd|' /C calc'!A0"; p.PerMinute = 3 }),
	}
	i := 0
	send := func(token, method, path string, n, want int) {
		for range n {
			require.Equal(t, want, b.hosts[i%2].do(method, path, token).Code, "%s %s", method, path)
			i++
		}
	}
	send(tr.t1.Secret, http.MethodGet, "/api/jobs/1", 12, http.StatusOK)
	send(tr.t1.Secret, http.MethodGet, "/api/candidates/search?q=java", 5, http.StatusOK)
	send(tr.t1.Secret, http.MethodPost, "/api/fail/404", 3, http.StatusNotFound)
	send(tr.t1.Secret, http.MethodPost, "/api/fail/503", 2, http.StatusServiceUnavailable)
	send(tr.t1.Secret, http.MethodPost, "/api/fail/302", 1, http.StatusFound)
	send(tr.t1.Secret, http.MethodGet, "/nowhere", 2, http.StatusNotFound)
	for n, want := range []int{200, 200, 200, 429, 429} { // one host: the outcome does not hang on lease timing
		require.Equal(t, want, b.hosts[0].do(http.MethodGet, "/api/jobs/"+string(rune('a'+n)), tr.t2.Secret).Code)
	}
	for _, h := range b.hosts {
		require.NoError(t, h.svc.Flush(b.ctx))
		require.Zero(t, h.svc.Dropped())
	}
	return tr
}

func TestUsage(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *database) {
		b := setup(t, db, 2, nil)
		tr := usageTraffic(t, b)
		other := b.mustToken(t, newOrg(), nil)
		require.Equal(t, http.StatusOK, b.hosts[0].do(http.MethodGet, "/api/jobs/1", other.Secret).Code)
		require.NoError(t, b.hosts[0].svc.Flush(b.ctx))

		u, err := b.svc().Usage(b.ctx, &apiaccess.UsageParams{OrganizationID: b.org, Top: 3})
		require.NoError(t, err)
		requireCounts(t, apiaccess.Counts{Total: 30, Success: 20, ClientErrors: 7, ServerErrors: 2, Other: 1}, u.Counts)
		require.Equal(t, []string{"GET /api/jobs/{id}", "POST /api/fail/{code}", "GET /api/candidates/search"}, routes(u.TopEndpoints))
		require.Equal(t, []string{"GET /api/jobs/{id}", "POST /api/fail/{code}", "GET /api/candidates/search", ""}, routes(u.Endpoints))
		requireCounts(t, apiaccess.Counts{Total: 17, Success: 15, ClientErrors: 2}, u.Endpoints[0].Counts)
		requireCounts(t, apiaccess.Counts{Total: 6, ClientErrors: 3, ServerErrors: 2, Other: 1}, u.Endpoints[1].Counts)
		requireCounts(t, apiaccess.Counts{Total: 2, ClientErrors: 2}, u.Endpoints[3].Counts)

		require.Len(t, u.Tokens, 2)
		require.Equal(t, tr.t1.ID, u.Tokens[0].TokenID)
		require.Equal(t, "Token one", u.Tokens[0].Name)
		requireCounts(t, apiaccess.Counts{Total: 25, Success: 17, ClientErrors: 5, ServerErrors: 2, Other: 1}, u.Tokens[0].Counts)
		requireCounts(t, apiaccess.Counts{Total: 5, Success: 3, ClientErrors: 2}, u.Tokens[1].Counts)

		require.Equal(t, int64(2), u.ThrottledTotal)
		require.Len(t, u.Throttled, 1)
		th := u.Throttled[0]
		require.Equal(t, apiaccess.Throttle{TokenID: tr.t2.ID, Route: "GET /api/jobs/{id}", Limit: "token_minute", Requests: 2,
			FirstAt: b.clock.Now(), LastAt: b.clock.Now()}, th)

		require.Equal(t, []apiaccess.LimitUsage{{Limit: apiaccess.LimitOrgHour, Max: 10000, Used: 28,
			WindowStart: hourStart(b), WindowEnd: hourStart(b).Add(time.Hour), UsedPct: 0.28}}, u.Limits)

		one, err := b.svc().Usage(b.ctx, &apiaccess.UsageParams{OrganizationID: b.org, TokenID: tr.t2.ID})
		require.NoError(t, err)
		requireCounts(t, apiaccess.Counts{Total: 5, Success: 3, ClientErrors: 2}, one.Counts)
		require.Len(t, one.Limits, 3)
		require.Equal(t, apiaccess.LimitUsage{Limit: apiaccess.LimitTokenMinute, Max: 3, Used: 3, WindowStart: b.clock.Now().Truncate(time.Minute),
			WindowEnd: b.clock.Now().Truncate(time.Minute).Add(time.Minute), UsedPct: 100}, one.Limits[0])
		require.Equal(t, int64(3), one.Limits[1].Used)
		require.Equal(t, 1000, one.Limits[1].Max)
		require.Equal(t, int64(28), one.Limits[2].Used, "the organization's window")

		// A window that ended before the traffic shows nothing; the
		// throttled list reaches 24 h before its end.
		b.clock.Advance(25 * time.Hour)
		later, err := b.svc().Usage(b.ctx, &apiaccess.UsageParams{OrganizationID: b.org})
		require.NoError(t, err)
		require.Zero(t, later.Total)
		require.Empty(t, later.Throttled)
		past, err := b.svc().Usage(b.ctx, &apiaccess.UsageParams{OrganizationID: b.org,
			Since: b.clock.Now().Add(-26 * time.Hour), Until: b.clock.Now().Add(-24 * time.Hour)})
		require.NoError(t, err)
		require.Equal(t, int64(30), past.Total)
		require.Equal(t, int64(2), past.ThrottledTotal)
	})
}

func hourStart(b *bundle) time.Time { return b.clock.Now().Truncate(time.Hour) }

func routes(es []apiaccess.EndpointUsage) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Route
	}
	return out
}

// requireCounts compares counts and checks the percentages against them.
func requireCounts(t *testing.T, want, got apiaccess.Counts) {
	t.Helper()
	require.Equal(t, [5]int64{want.Total, want.Success, want.ClientErrors, want.ServerErrors, want.Other},
		[5]int64{got.Total, got.Success, got.ClientErrors, got.ServerErrors, got.Other})
	pct := func(n int64) float64 { return 100 * float64(n) / float64(want.Total) }
	require.InDelta(t, pct(want.Success), got.SuccessPct, 1e-9)
	require.InDelta(t, pct(want.ClientErrors), got.ClientErrorPct, 1e-9)
	require.InDelta(t, pct(want.ServerErrors), got.ServerErrorPct, 1e-9)
}

func TestUsageReportCSV(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *database) {
		b := setup(t, db, 2, nil)
		tr := usageTraffic(t, b)
		var buf bytes.Buffer
		require.NoError(t, b.svc().UsageReportCSV(b.ctx, &buf, &apiaccess.UsageParams{OrganizationID: b.org}))
		rows, err := csv.NewReader(&buf).ReadAll()
		require.NoError(t, err)
		require.Equal(t, apiaccess.CSVHeader, rows[0])
		byKind := map[string][][]string{}
		for _, r := range rows[1:] {
			require.Len(t, r, len(apiaccess.CSVHeader))
			byKind[r[0]] = append(byKind[r[0]], r)
		}
		require.Equal(t, [][]string{{"total", "", "", "", "", "", "30", "20", "7", "2", "1", "66.67", "23.33", "6.67", "", ""}}, byKind["total"])
		require.Equal(t, [][]string{
			{"token", tr.t1.ID.String(), "Token one", "", "", "", "25", "17", "5", "2", "1", "68.00", "20.00", "8.00", "", ""},
			{"token", tr.t2.ID.String(), "'=cmd|' /C calc'!A0", "", "", "", "5", "3", "2", "0", "0", "60.00", "40.00", "0.00", "", ""},
		}, byKind["token"], "a name that a spreadsheet would run is quoted")
		require.Len(t, byKind["endpoint"], 4)
		require.Equal(t, []string{"endpoint", "", "", "GET /api/jobs/{id}", "", "", "17", "15", "2", "0", "0", "88.24", "11.76", "0.00", "", ""},
			byKind["endpoint"][0])
		now := b.clock.Now().UTC().Format(time.RFC3339)
		require.Equal(t, [][]string{{"throttled", tr.t2.ID.String(), "", "GET /api/jobs/{id}", "token_minute", "", "2", "", "", "", "", "", "", "", now, now}},
			byKind["throttled"])
		require.Equal(t, [][]string{{"limit", "", "", "", "org_hour", "10000", "28", "", "", "", "", "", "", "",
			hourStart(b).Format(time.RFC3339), hourStart(b).Add(time.Hour).Format(time.RFC3339)}}, byKind["limit"])
		require.NotContains(t, buf.String(), tr.t1.Secret)
	})
}

// TestUsageOfUnknownToken is ErrNotFound, not empty figures.
func TestUsageOfUnknownToken(t *testing.T) {
	t.Parallel()
	b := setup(t, backends[0].new(t), 1, nil)
	_, err := b.svc().Usage(b.ctx, &apiaccess.UsageParams{OrganizationID: b.org, TokenID: uuid.New()})
	require.Error(t, err)
}
