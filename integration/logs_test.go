package integration_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/storage"
)

// noLogMaintenance leaves log maintenance to the test.
func noLogMaintenance(c *integration.Config) { c.NoLogMaintenance = true }

// seedLog writes entries straight to the store.
func (e *env) seedLog(t testing.TB, ps ...*storage.LogInsertParams) {
	t.Helper()
	require.NoError(t, e.store.LogInsert(e.ctx, ps))
}

func logAt(org, id uuid.UUID, at time.Time, level storage.LogLevel, msg, details string) *storage.LogInsertParams {
	p := &storage.LogInsertParams{OrganizationID: org, IntegrationID: id, Level: level, Message: msg, Time: at}
	if details != "" {
		p.Details = json.RawMessage(details)
	}
	return p
}

func lineMessages(ls []*integration.LogLine) []string {
	out := []string{}
	for _, l := range ls {
		out = append(out, l.Message)
	}
	return out
}

// seeded keeps the messages TestAdminInt009Logs wrote itself.
func seeded(ls []*integration.LogLine) []string {
	out := []string{}
	for _, m := range lineMessages(ls) {
		switch m {
		case "Connection timeout", "Email sent successfully", "Slow response", "Other integration's entry",
			"Connection refused", "Ten days ago":
			out = append(out, m)
		}
	}
	return out
}

// listAll pages through q by keyset, limit at a time.
func (e *env) listAll(t *testing.T, q integration.LogQuery, limit int) []*integration.LogLine {
	t.Helper()
	q.Limit = limit
	var out []*integration.LogLine
	for {
		page, err := e.mgr.LogList(e.ctx, &q)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Items), limit)
		out = append(out, page.Items...)
		if page.Next == "" {
			return out
		}
		q.Cursor = page.Next
	}
}

// TestAdminInt009Logs: the logs screen (§8, ADMIN-INT-009) lists an
// integration's or the organization's entries by time range, level and
// text, newest first, a keyset page at a time, each with its details
// (host:port, error and stack, message ID, recipient, duration).
func TestAdminInt009Logs(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, &envOpts{config: noLogMaintenance})
		in := e.create(t, &integration.CreateParams{Name: "SMTP Email", Settings: probeSettings("logs-009")})
		other := e.create(t, &integration.CreateParams{Settings: probeSettings("logs-009-other")})
		_, err := e.mgr.Dispatch(e.ctx, e.org, "probe", failOp(probeFailure{Kind: "auth", Message: "535 authentication failed"}))
		require.Error(t, err)
		e.flush(t)

		now := e.clock.Now()
		e.seedLog(t,
			logAt(e.org, in.ID, now.Add(-10*time.Minute), storage.LogError, "Connection timeout",
				`{"endpoint": "smtp.sendgrid.net:587", "error": "ETIMEDOUT after 30000ms", "stack": "goroutine 7 [running]:\nmain.send()"}`),
			logAt(e.org, in.ID, now.Add(-30*time.Minute), storage.LogInfo, "Email sent successfully",
				`{"to": ["candidate@example.com"], "subject": "Interview Invitation", "message_id": "<abc123@sendgrid.net>", "duration_ms": 1200}`),
			logAt(e.org, in.ID, now.Add(-3*time.Hour), storage.LogWarn, "Slow response",
				`{"response_time_ms": 5200, "normal_ms": 800}`),
			logAt(e.org, other.ID, now.Add(-5*time.Hour), storage.LogInfo, "Other integration's entry", ""),
			logAt(e.org, in.ID, now.Add(-3*24*time.Hour), storage.LogError, "Connection refused", `{"host": "10.0.0.1", "port": 25}`),
			logAt(e.org, in.ID, now.Add(-10*24*time.Hour), storage.LogInfo, "Ten days ago", ""),
		)

		t.Run("time ranges", func(t *testing.T) {
			q := integration.LogQuery{OrganizationID: e.org, IntegrationID: in.ID}
			for _, tt := range []struct {
				r    integration.LogRange
				want []string
			}{
				{integration.LogRangeLastHour, []string{"Connection timeout", "Email sent successfully"}},
				{"", []string{"Connection timeout", "Email sent successfully", "Slow response"}},
				{integration.LogRangeLast24h, []string{"Connection timeout", "Email sent successfully", "Slow response"}},
				{integration.LogRangeLast7d, []string{"Connection timeout", "Email sent successfully", "Slow response", "Connection refused"}},
				{integration.LogRangeLast30d, []string{"Connection timeout", "Email sent successfully", "Slow response", "Connection refused", "Ten days ago"}},
			} {
				q.Range = tt.r
				require.Equal(t, tt.want, seeded(e.listAll(t, q, 50)), "range %q", tt.r)
			}
			q.Range, q.Since, q.Until = integration.LogRangeCustom, now.Add(-4*24*time.Hour), now.Add(-time.Hour)
			require.Equal(t, []string{"Slow response", "Connection refused"}, lineMessages(e.listAll(t, q, 50)))
			q.Until = time.Time{}
			require.Equal(t, []string{"Connection timeout", "Email sent successfully", "Slow response", "Connection refused"},
				seeded(e.listAll(t, q, 50)), "an open end")
		})

		t.Run("level, text and integration", func(t *testing.T) {
			q := integration.LogQuery{OrganizationID: e.org, IntegrationID: in.ID, Range: integration.LogRangeLast7d,
				Levels: []storage.LogLevel{storage.LogError}, Search: "CONNECTION"}
			require.Equal(t, []string{"Connection timeout", "Connection refused"}, lineMessages(e.listAll(t, q, 50)))
			q.Levels, q.Search = []storage.LogLevel{storage.LogWarn, storage.LogInfo}, "sent"
			require.Equal(t, []string{"Email sent successfully"}, lineMessages(e.listAll(t, q, 50)))
			org := e.listAll(t, integration.LogQuery{OrganizationID: e.org, Search: "integration's"}, 50)
			require.Equal(t, []string{"Other integration's entry"}, lineMessages(org), "the organization's entries")
			mine := e.listAll(t, integration.LogQuery{OrganizationID: e.org, IntegrationID: in.ID, Search: "integration's"}, 50)
			require.Empty(t, mine)
		})

		t.Run("newest first by keyset pages", func(t *testing.T) {
			q := integration.LogQuery{OrganizationID: e.org, Range: integration.LogRangeLast30d}
			all := e.listAll(t, q, storage.LimitMax)
			require.GreaterOrEqual(t, len(all), 8, "the seeded entries, the failed call and the health checks")
			paged := e.listAll(t, q, 2)
			require.Equal(t, len(all), len(paged))
			for i := range all {
				require.Equal(t, all[i].ID, paged[i].ID, "entry %d", i)
				if i > 0 {
					require.False(t, all[i].Time.After(all[i-1].Time), "newest first")
				}
			}
		})

		t.Run("details", func(t *testing.T) {
			ls := e.listAll(t, integration.LogQuery{OrganizationID: e.org, IntegrationID: in.ID, Range: integration.LogRangeLast7d}, 50)
			by := map[string]*integration.LogLine{}
			for _, l := range ls {
				by[l.Message] = l
			}
			timeout := by["Connection timeout"]
			require.Equal(t, [2]any{"smtp.sendgrid.net", 587}, [2]any{timeout.Host, timeout.Port})
			require.Equal(t, "ETIMEDOUT after 30000ms", timeout.Error)
			require.Contains(t, timeout.Stack, "goroutine 7")
			require.False(t, timeout.HasDuration)
			sent := by["Email sent successfully"]
			require.Equal(t, "<abc123@sendgrid.net>", sent.MessageID)
			require.Equal(t, []string{"candidate@example.com"}, sent.Recipients)
			require.Equal(t, 1200*time.Millisecond, sent.Duration)
			require.True(t, sent.HasDuration)
			require.Equal(t, "Interview Invitation", sent.Details["subject"])
			require.Equal(t, 5200*time.Millisecond, by["Slow response"].Duration)
			require.Equal(t, [2]any{"10.0.0.1", 25}, [2]any{by["Connection refused"].Host, by["Connection refused"].Port})

			var call *integration.LogLine
			for _, l := range ls {
				if l.Level == storage.LogError && l.Details["operation"] == "probe.fail" {
					call = l
				}
			}
			require.NotNil(t, call, "the failed call's entry, as the recorder wrote it")
			require.Equal(t, [2]any{"probe.example.com", 443}, [2]any{call.Host, call.Port})
			require.Contains(t, call.Error, "535 authentication failed")
			require.True(t, call.HasDuration)
			require.Equal(t, in.ID, call.IntegrationID)
			require.Equal(t, e.org, call.OrganizationID)
		})

		t.Run("invalid queries", func(t *testing.T) {
			for _, tt := range []struct {
				q     integration.LogQuery
				field string
				msg   string
			}{
				{integration.LogQuery{Range: "2d"}, "Range", integration.MsgLogRangeInvalid},
				{integration.LogQuery{Range: integration.LogRangeCustom}, "Since", integration.MsgLogCustomRangeBounds},
				{integration.LogQuery{Range: integration.LogRangeCustom, Since: now, Until: now}, "Until", integration.MsgLogRangeOrder},
				{integration.LogQuery{Range: integration.LogRangeLastHour, Since: now}, "Since", integration.MsgLogBoundsNotCustom},
			} {
				tt.q.OrganizationID = e.org
				_, err := e.mgr.LogList(e.ctx, &tt.q)
				requireFields(t, err, map[string]string{tt.field: tt.msg})
			}
			_, err := e.mgr.LogList(e.ctx, &integration.LogQuery{OrganizationID: uuid.New(), IntegrationID: in.ID})
			require.ErrorIs(t, err, storage.ErrNotFound, "another organization's integration")
			_, err = e.mgr.LogList(e.ctx, &integration.LogQuery{OrganizationID: e.org, Cursor: "not-a-cursor"})
			require.ErrorIs(t, err, storage.ErrInvalid)
		})
	})
}

// TestLogClear: Clear deletes one integration's entries, an explicit admin
// action that is itself logged.
func TestLogClear(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, &envOpts{config: noLogMaintenance})
		in := e.create(t, &integration.CreateParams{Settings: probeSettings("clear")})
		keep := e.create(t, &integration.CreateParams{Settings: probeSettings("clear-keep")})
		e.flush(t)
		now := e.clock.Now()
		for i := range 5 {
			e.seedLog(t, logAt(e.org, in.ID, now.Add(-time.Duration(i+1)*time.Minute), storage.LogInfo, fmt.Sprintf("entry %d", i), ""))
		}
		e.seedLog(t, logAt(e.org, keep.ID, now.Add(-time.Minute), storage.LogInfo, "kept", ""))
		before := len(e.logs(t, in.ID))
		require.Equal(t, 6, before, "5 entries and the health check of IntegrationCreate")

		_, err := e.mgr.LogClear(e.ctx, uuid.New(), in.ID, "mallory@example.com")
		require.ErrorIs(t, err, storage.ErrNotFound, "another organization's integration")
		_, err = e.mgr.LogClear(e.ctx, e.org, in.ID, "  ")
		require.ErrorContains(t, err, "actor")
		require.Len(t, e.logs(t, in.ID), before, "nothing cleared")

		n, err := e.mgr.LogClear(e.ctx, e.org, in.ID, "jane@example.com")
		require.NoError(t, err)
		require.Equal(t, before, n)
		logs := e.logs(t, in.ID)
		require.Len(t, logs, 1)
		require.Equal(t, storage.LogInfo, logs[0].Level)
		require.Equal(t, "Logs cleared by jane@example.com (6 entries)", logs[0].Message)
		require.Equal(t, map[string]any{"action": "clear_logs", "actor": "jane@example.com", "deleted": float64(6)}, details(t, logs[0]))
		require.Equal(t, now, logs[0].Time)
		require.Equal(t, []string{"kept"}, messages(e.callLogs(t, keep.ID)), "the other integration keeps its log")

		n, err = e.mgr.LogClear(e.ctx, e.org, in.ID, "jane@example.com")
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Equal(t, "Logs cleared by jane@example.com (1 entry)", e.logs(t, in.ID)[0].Message)
	})
}

func messages(es []*storage.LogEntry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Message)
	}
	return out
}
