package storagetest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func logTests() []test {
	return []test{
		{"InsertList", testLogInsertList},
		{"InsertDefaultsTimeToNow", testLogDefaultTime},
		{"OtherOrganizationEmpty", testLogIsolation},
		{"ListFilterIntegration", testLogListIntegration},
		{"ListFilterLevels", testLogListLevels},
		{"ListFilterTime", testLogListTime},
		{"ListFilterSearch", testLogListSearch},
		{"ListLimitClampedToMax", testLogLimitMax},
		{"DeleteBeforeAcrossOrganizations", testLogDeleteBefore},
		{"DeleteIntegration", testLogDeleteIntegration},
		{"SummaryPendingSumsTheDay", testLogSummaryPending},
		{"SummaryInsertOncePerDay", testLogSummaryInsertOnce},
	}
}

func logParams(org, integrationID uuid.UUID, at time.Time, msg string) *storage.LogInsertParams {
	return &storage.LogInsertParams{
		OrganizationID: org,
		IntegrationID:  integrationID,
		Level:          storage.LogInfo,
		Message:        msg,
		Details:        json.RawMessage(`{"status": 250, "recipient": "a***@example.com"}`),
		Time:           at,
	}
}

func mustInsertLogs(t *testing.T, b *bundle, ps ...*storage.LogInsertParams) {
	t.Helper()
	require.NoError(t, b.store.LogInsert(b.ctx, ps))
}

func listLogs(t *testing.T, b *bundle, p *storage.LogListParams) []*storage.LogEntry {
	t.Helper()
	p.Limit = storage.LimitMax
	page, err := b.store.LogList(b.ctx, p)
	require.NoError(t, err)
	require.Empty(t, page.Next)
	for _, e := range page.Items {
		require.Equal(t, p.OrganizationID, e.OrganizationID)
	}
	return page.Items
}

func messages(es []*storage.LogEntry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Message)
	}
	return out
}

func testLogInsertList(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	ps := []*storage.LogInsertParams{
		logParams(b.org, in.ID, fixedTime, "Email sent to a***@example.com"),
		logParams(b.org, in.ID, fixedTime.Add(time.Second), "Connection refused: dial tcp 10.0.0.1:587 ✗"),
	}
	ps[1].Level = storage.LogError
	ps[1].Details = json.RawMessage(`{"nested": {"attempt": 3, "errors": ["a", "b"]}, "u": "ü"}`)
	mustInsertLogs(t, b, ps...)

	got := listLogs(t, b, &storage.LogListParams{OrganizationID: b.org})
	require.Len(t, got, 2)
	for i, p := range []*storage.LogInsertParams{ps[1], ps[0]} { // newest first
		e := got[i]
		require.NotEqual(t, uuid.Nil, e.ID)
		require.Equal(t, b.org, e.OrganizationID)
		require.Equal(t, in.ID, e.IntegrationID)
		require.Equal(t, p.Level, e.Level)
		require.Equal(t, p.Message, e.Message)
		requireJSON(t, p.Details, e.Details, "Details")
		requireTime(t, p.Time, e.Time, "Time")
	}
	require.NotEqual(t, got[0].ID, got[1].ID)
}

func testLogDefaultTime(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	before := b.store.Now()
	p := logParams(b.org, in.ID, time.Time{}, "no time given")
	p.Details = nil
	mustInsertLogs(t, b, p)
	after := b.store.Now()

	got := listLogs(t, b, &storage.LogListParams{OrganizationID: b.org})
	require.Len(t, got, 1)
	requireStamp(t, got[0].Time)
	require.False(t, got[0].Time.Before(before), "Time %s before Now %s", got[0].Time, before)
	require.False(t, got[0].Time.After(after), "Time %s after Now %s", got[0].Time, after)
	require.Nil(t, got[0].Details, "nil Details stays nil")
}

func testLogIsolation(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	mustInsertLogs(t, b, logParams(b.org, in.ID, fixedTime, "mine"))
	require.Empty(t, listLogs(t, b, &storage.LogListParams{OrganizationID: b.other}))
	require.Empty(t, listLogs(t, b, &storage.LogListParams{OrganizationID: b.other, IntegrationID: in.ID}))
	require.Len(t, listLogs(t, b, &storage.LogListParams{OrganizationID: b.org}), 1)
}

func testLogListIntegration(t *testing.T, b *bundle) {
	in1 := mustCreateIntegration(t, b, b.org)
	in2 := mustCreateIntegration(t, b, b.org)
	mustInsertLogs(t, b,
		logParams(b.org, in1.ID, fixedTime, "one-a"),
		logParams(b.org, in2.ID, fixedTime.Add(time.Second), "two-a"),
		logParams(b.org, in1.ID, fixedTime.Add(2*time.Second), "one-b"),
	)
	require.Equal(t, []string{"one-b", "one-a"}, messages(listLogs(t, b, &storage.LogListParams{OrganizationID: b.org, IntegrationID: in1.ID})))
	require.Equal(t, []string{"two-a"}, messages(listLogs(t, b, &storage.LogListParams{OrganizationID: b.org, IntegrationID: in2.ID})))
	require.Equal(t, []string{"one-b", "two-a", "one-a"}, messages(listLogs(t, b, &storage.LogListParams{OrganizationID: b.org})))
}

func testLogListLevels(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	var ps []*storage.LogInsertParams
	for i, lvl := range []storage.LogLevel{storage.LogDebug, storage.LogInfo, storage.LogWarn, storage.LogError} {
		p := logParams(b.org, in.ID, fixedTime.Add(time.Duration(i)*time.Second), string(lvl))
		p.Level = lvl
		ps = append(ps, p)
	}
	mustInsertLogs(t, b, ps...)
	tests := []struct {
		levels []storage.LogLevel
		want   []string
	}{
		{[]storage.LogLevel{storage.LogError}, []string{"error"}},
		{[]storage.LogLevel{storage.LogWarn, storage.LogError}, []string{"error", "warn"}},
		{[]storage.LogLevel{storage.LogDebug, storage.LogInfo}, []string{"info", "debug"}},
		{nil, []string{"error", "warn", "info", "debug"}},
	}
	for _, tt := range tests {
		got := listLogs(t, b, &storage.LogListParams{OrganizationID: b.org, Levels: tt.levels})
		require.Equal(t, tt.want, messages(got), "levels %v", tt.levels)
	}
}

func testLogListTime(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	at := func(m int) time.Time { return baseTime.Add(time.Duration(m) * time.Minute) }
	for m := range 4 {
		mustInsertLogs(t, b, logParams(b.org, in.ID, at(m), fmt.Sprintf("m%d", m)))
	}
	tests := []struct {
		name string
		r    storage.TimeRange
		want []string
	}{
		{"open", storage.TimeRange{}, []string{"m3", "m2", "m1", "m0"}},
		{"since inclusive", storage.TimeRange{Since: at(1)}, []string{"m3", "m2", "m1"}},
		{"until exclusive", storage.TimeRange{Until: at(2)}, []string{"m1", "m0"}},
		{"both", storage.TimeRange{Since: at(1), Until: at(3)}, []string{"m2", "m1"}},
		{"sub-minute bounds", storage.TimeRange{Since: at(1).Add(time.Microsecond), Until: at(3).Add(time.Microsecond)}, []string{"m3", "m2"}},
		{"empty", storage.TimeRange{Since: at(2), Until: at(2)}, []string{}},
		{"other zone", storage.TimeRange{Since: at(1).In(time.UTC), Until: at(2).In(time.FixedZone("W", -7*3600))}, []string{"m1"}},
	}
	for _, tt := range tests {
		got := listLogs(t, b, &storage.LogListParams{OrganizationID: b.org, Time: tt.r})
		require.Equal(t, tt.want, messages(got), tt.name)
	}
}

func testLogListSearch(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	msgs := []string{"SMTP Connection refused", "connection timed out", "Email sent", "quota at 100%", "quota at 1000", "user_id missing", "userXid present"}
	for i, m := range msgs {
		mustInsertLogs(t, b, logParams(b.org, in.ID, fixedTime.Add(time.Duration(i)*time.Second), m))
	}
	other := mustCreateIntegration(t, b, b.other)
	mustInsertLogs(t, b, logParams(b.other, other.ID, fixedTime, "connection elsewhere"))

	tests := []struct {
		search string
		want   []string
	}{
		{"connection", []string{"connection timed out", "SMTP Connection refused"}},
		{"CONNECTION", []string{"connection timed out", "SMTP Connection refused"}},
		{"smtp conn", []string{"SMTP Connection refused"}},
		{"100%", []string{"quota at 100%"}},
		{"user_id", []string{"user_id missing"}},
		{"%", []string{"quota at 100%"}},
		{"nothing like it", []string{}},
		{"", []string{"userXid present", "user_id missing", "quota at 1000", "quota at 100%", "Email sent", "connection timed out", "SMTP Connection refused"}},
	}
	for _, tt := range tests {
		got := listLogs(t, b, &storage.LogListParams{OrganizationID: b.org, Search: tt.search})
		require.Equal(t, tt.want, messages(got), "search %q", tt.search)
	}
	got := listLogs(t, b, &storage.LogListParams{OrganizationID: b.org, Search: "connection", Levels: []storage.LogLevel{storage.LogError}})
	require.Empty(t, got, "search and levels combine with AND")
}

func testLogLimitMax(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	ps := make([]*storage.LogInsertParams, storage.LimitMax+1)
	for i := range ps {
		ps[i] = logParams(b.org, in.ID, fixedTime.Add(time.Duration(i)*time.Millisecond), fmt.Sprintf("line %d", i))
	}
	mustInsertLogs(t, b, ps...)
	page, err := b.store.LogList(b.ctx, &storage.LogListParams{OrganizationID: b.org, Limit: storage.LimitMax * 10})
	require.NoError(t, err)
	require.Len(t, page.Items, storage.LimitMax)
	require.NotEmpty(t, page.Next)
	require.Equal(t, fmt.Sprintf("line %d", storage.LimitMax), page.Items[0].Message)

	page, err = b.store.LogList(b.ctx, &storage.LogListParams{OrganizationID: b.org, Limit: storage.LimitMax * 10, Cursor: page.Next})
	require.NoError(t, err)
	require.Equal(t, []string{"line 0"}, messages(page.Items))
	require.Empty(t, page.Next)
}

func testLogDeleteBefore(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	oin := mustCreateIntegration(t, b, b.other)
	cutoff := baseTime
	old := []*storage.LogInsertParams{
		logParams(b.org, in.ID, cutoff.Add(-48*time.Hour), "old org 1"),
		logParams(b.org, in.ID, cutoff.Add(-time.Microsecond), "old org 2"),
		logParams(b.other, oin.ID, cutoff.Add(-time.Hour), "old other 1"),
		logParams(b.other, oin.ID, cutoff.Add(-2*time.Hour), "old other 2"),
		logParams(b.other, oin.ID, cutoff.Add(-3*time.Hour), "old other 3"),
	}
	mustInsertLogs(t, b, old...)
	mustInsertLogs(t, b,
		logParams(b.org, in.ID, cutoff, "at cutoff"),
		logParams(b.org, in.ID, cutoff.Add(time.Hour), "new org"),
		logParams(b.other, oin.ID, cutoff.Add(time.Minute), "new other"),
	)

	n, err := b.store.LogDeleteBefore(b.ctx, cutoff, 2)
	require.NoError(t, err)
	require.Equal(t, 2, n, "limited to 2")
	n, err = b.store.LogDeleteBefore(b.ctx, cutoff, 2)
	require.NoError(t, err)
	require.Equal(t, 2, n, "limited to 2")
	n, err = b.store.LogDeleteBefore(b.ctx, cutoff, 100)
	require.NoError(t, err)
	require.Equal(t, 1, n, "the last old entry")
	n, err = b.store.LogDeleteBefore(b.ctx, cutoff, 100)
	require.NoError(t, err)
	require.Zero(t, n, "nothing older left")

	require.Equal(t, []string{"new org", "at cutoff"}, messages(listLogs(t, b, &storage.LogListParams{OrganizationID: b.org})))
	require.Equal(t, []string{"new other"}, messages(listLogs(t, b, &storage.LogListParams{OrganizationID: b.other})))
}

// logPager inserts entries in one batch, several sharing a time, so that
// order falls back to IDs.
func logPager() *pager {
	return &pager{
		seed: func(t *testing.T, b *bundle, org uuid.UUID, n int) []key {
			in := mustCreateIntegration(t, b, org)
			ps := make([]*storage.LogInsertParams, n)
			for i := range ps {
				ps[i] = logParams(org, in.ID, fixedTime.Add(time.Duration(i/3)*time.Second), fmt.Sprintf("line %d", i))
			}
			mustInsertLogs(t, b, ps...)
			page, err := b.store.LogList(b.ctx, &storage.LogListParams{OrganizationID: org, Limit: storage.LimitMax})
			require.NoError(t, err)
			require.Len(t, page.Items, n)
			keys := make([]key, 0, n)
			for _, e := range page.Items {
				keys = append(keys, key{e.Time, e.ID})
			}
			return keys
		},
		list: func(b *bundle, org uuid.UUID, limit int, cursor string) ([]key, string, error) {
			p, err := b.store.LogList(b.ctx, &storage.LogListParams{OrganizationID: org, Limit: limit, Cursor: cursor})
			return pageKeys(p, err, func(e *storage.LogEntry) key { return key{e.Time, e.ID} })
		},
	}
}
