package integration

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/intimeos/integrations/storage"
)

// LogSummaryGrace is how long after midnight UTC the previous day's
// summaries are written, so that the calls that ended just after midnight
// (and the recorder's last batches) are counted.
const LogSummaryGrace = 10 * time.Minute

// LogSummaryMessage is the daily summary entry's message (§8).
const LogSummaryMessage = "Daily summary sent"

// summaryBatch is how many integrations one read of pending summaries
// returns.
const summaryBatch = 100

// LogMaintenance is what one pass of log maintenance did.
type LogMaintenance struct {
	// Deleted counts the entries older than Config.LogRetention deleted.
	Deleted int
	// Summaries counts the daily summaries this process wrote (another
	// host may have written the others).
	Summaries int
}

// LogMaintenanceRun runs one pass of log maintenance now: it deletes the
// entries older than Config.LogRetention (of every organization, in
// batches of storage.LimitMax, so the store's writers interleave) and
// writes the daily summary of the previous UTC day of every integration
// that made calls that day and has none yet. A started Manager runs it
// every Config.LogMaintenanceInterval, unless Config.NoLogMaintenance.
// Every host may run it: a summary is claimed in the store
// (storage.LogStore.LogSummaryInsert), so each is written once per day
// across hosts.
func (m *Manager) LogMaintenanceRun(ctx context.Context) (*LogMaintenance, error) {
	out := &LogMaintenance{}
	var errs []error
	if m.cfg.LogRetention > 0 {
		n, err := m.logRetain(ctx, m.now().Add(-m.cfg.LogRetention))
		out.Deleted = n
		errs = append(errs, err)
	}
	if !m.cfg.NoLogSummary {
		n, err := m.logSummarize(ctx, m.now())
		out.Summaries = n
		errs = append(errs, err)
	}
	return out, errors.Join(errs...)
}

// logRetain deletes the entries older than before, a batch at a time.
func (m *Manager) logRetain(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for {
		n, err := m.store.LogDeleteBefore(ctx, before, storage.LimitMax)
		total += n
		if err != nil {
			return total, fmt.Errorf("integration: log retention: %w", err)
		}
		if n < storage.LimitMax {
			return total, nil
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

// summaryDay is the day whose summaries are due at now: yesterday, once
// LogSummaryGrace has passed since midnight.
func summaryDay(now time.Time) time.Time {
	return now.UTC().Add(-LogSummaryGrace).Truncate(24*time.Hour).AddDate(0, 0, -1)
}

// logSummarize writes the due daily summaries and returns how many this
// process wrote.
func (m *Manager) logSummarize(ctx context.Context, now time.Time) (int, error) {
	day := summaryDay(now)
	written := 0
	for {
		due, err := m.store.LogSummaryPending(ctx, &storage.LogSummaryPendingParams{Day: day,
			MetricPrefix: MetricCallPrefix, Limit: summaryBatch})
		if err != nil {
			return written, fmt.Errorf("integration: daily log summary: %w", err)
		}
		for _, c := range due {
			ok, err := m.store.LogSummaryInsert(ctx, day, insertParams(summaryEntry(c, day, now)))
			if err != nil {
				return written, fmt.Errorf("integration: daily log summary of %s: %w", c.IntegrationID, err)
			}
			if ok {
				written++
			}
		}
		if len(due) < summaryBatch {
			return written, nil
		}
	}
}

// summaryEntry is an integration's summary of day (§8): "Daily summary
// sent", "247 emails sent yesterday", "99.2% success rate".
func summaryEntry(c *storage.LogDayCalls, day, now time.Time) *LogEntry {
	ok := c.Calls - c.Errors
	w := summaryWords(c.Type)
	return &LogEntry{OrganizationID: c.OrganizationID, IntegrationID: c.IntegrationID, Level: storage.LogInfo,
		Message: LogSummaryMessage, Time: now, Details: map[string]any{
			"sent":         countOf(ok, w.one, w.many) + " " + w.verb + " yesterday",
			"success_rate": successRate(ok, c.Calls) + " success rate",
			"day":          day.Format(time.DateOnly), "calls": c.Calls, "failed": c.Errors,
		}}
}

// words name what an integration type's calls are: "emails sent".
type words struct{ one, many, verb string }

var typeWords = map[string]words{
	TypeEmail:            {"email", "emails", "sent"},
	TypeSMS:              {"text message", "text messages", "sent"},
	TypeSlack:            {"message", "messages", "sent"},
	TypeBackgroundChecks: {"background check", "background checks", "ordered"},
	TypeEVerify:          {"verification", "verifications", "run"},
}

func summaryWords(typ string) words {
	if w, ok := typeWords[typ]; ok {
		return w
	}
	return words{"call", "calls", "made"}
}

// successRate writes ok of total as "99.2%", never "100.0%" when a call
// failed.
func successRate(ok, total int64) string {
	r := math.Round(rate(ok, total)*10) / 10
	if ok < total && r >= 100 {
		r = 99.9
	}
	return fmt.Sprintf("%.1f%%", r)
}

// logMaintenanceLoop runs log maintenance at once and then every
// Config.LogMaintenanceInterval until ctx ends.
func (m *Manager) logMaintenanceLoop(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		res, err := m.LogMaintenanceRun(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			m.cfg.Logger.Error("integration: log maintenance", "err", err)
		}
		if res.Deleted > 0 || res.Summaries > 0 {
			m.cfg.Logger.Info("integration: log maintenance", "deleted", res.Deleted, "summaries", res.Summaries)
		}
		t.Reset(m.cfg.LogMaintenanceInterval)
	}
}
