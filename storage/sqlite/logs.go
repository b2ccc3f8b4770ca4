package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

const logCols = `id, organization_id, integration_id, level, message, details, logged_at`

func scanLog(r row) (*storage.LogEntry, error) {
	var (
		e     storage.LogEntry
		level string
	)
	if err := r.Scan(&e.ID, &e.OrganizationID, &e.IntegrationID, &level, &e.Message, jsonCol{&e.Details}, timeCol{&e.Time}); err != nil {
		return nil, mapErr(err)
	}
	e.Level = storage.LogLevel(level)
	return &e, nil
}

// LogInsert implements [storage.LogStore] in one transaction with one
// prepared statement.
func (s *Store) LogInsert(ctx context.Context, ps []*storage.LogInsertParams) error {
	if err := storage.ValidateBatch(ps); err != nil {
		return err
	}
	now := s.Now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO integration_logs
			(id, organization_id, integration_id, level, message, details, logged_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`)
		if err != nil {
			return mapErr(err)
		}
		defer stmt.Close()
		for _, p := range ps {
			at := p.Time
			if at.IsZero() {
				at = now
			}
			if _, err := stmt.ExecContext(ctx, newID(), p.OrganizationID, p.IntegrationID, string(p.Level), p.Message,
				jsonText(p.Details), ts(at)); err != nil {
				return mapErr(err)
			}
		}
		return nil
	})
}

// LogList implements [storage.LogStore]. The search uses LIKE, which SQLite
// compares ignoring case for ASCII letters only (PostgreSQL's ILIKE also
// folds other letters).
func (s *Store) LogList(ctx context.Context, p *storage.LogListParams) (*storage.Page[*storage.LogEntry], error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	q := query.New(query.Question)
	q.Where("organization_id = ?", p.OrganizationID)
	if p.IntegrationID != uuid.Nil {
		q.Where("integration_id = ?", p.IntegrationID)
	}
	query.In(q, "level", strs(p.Levels))
	r, err := pageRange(p)
	if err != nil {
		return nil, err
	}
	timeRange(q, "logged_at", r)
	if p.Search != "" {
		q.Where(`message LIKE ? ESCAPE '\'`, "%"+likeEscape(p.Search)+"%")
	}
	return list(ctx, s, q, p.Cursor, p.Limit, "integration_logs", logCols, "logged_at", scanLog,
		func(e *storage.LogEntry) storage.Cursor { return storage.Cursor{Time: e.Time, ID: e.ID} })
}

// pageRange is p's time range with its end moved up to the cursor's
// time: SQLite uses one upper bound of logged_at to search the index and
// does not take it from the row value (logged_at, id) < (?, ?), so without
// it every page of an integration's entries would walk the index from the
// range's end down to the cursor, and an export of N entries would read
// N²/2000 rows.
func pageRange(p *storage.LogListParams) (storage.TimeRange, error) {
	r := p.Time
	c, err := storage.ParseCursor(p.Cursor)
	if err != nil || c.IsZero() {
		return r, err
	}
	// Times are stored to the microsecond: logged_at <= c.Time.
	if end := c.Time.Truncate(time.Microsecond).Add(time.Microsecond); r.Until.IsZero() || end.Before(r.Until) {
		r.Until = end
	}
	return r, nil
}

// LogDeleteBefore implements [storage.LogStore].
func (s *Store) LogDeleteBefore(ctx context.Context, before time.Time, limit int) (int, error) {
	return s.writeExec(ctx, `DELETE FROM integration_logs WHERE id IN
		(SELECT id FROM integration_logs WHERE logged_at < ?1 ORDER BY logged_at LIMIT ?2)`,
		ts(before), storage.PageLimit(limit))
}

// likeEscape escapes LIKE wildcards so a search is a plain substring match.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// LogDeleteIntegration implements [storage.LogStore].
func (s *Store) LogDeleteIntegration(ctx context.Context, orgID, integrationID uuid.UUID) (int, error) {
	return s.writeExec(ctx, `DELETE FROM integration_logs WHERE organization_id = ?1 AND integration_id = ?2`,
		orgID, integrationID)
}

// dayLayout is how integration_log_summaries.day is written.
const dayLayout = "2006-01-02"

// LogSummaryPending implements [storage.LogStore].
func (s *Store) LogSummaryPending(ctx context.Context, p *storage.LogSummaryPendingParams) ([]*storage.LogDayCalls, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	day := p.Day.UTC().Truncate(24 * time.Hour)
	return queryAll(ctx, s, `SELECT i.organization_id, i.id, i.type, SUM(m.count), SUM(m.errors)
		FROM integration_metrics m JOIN integrations i ON i.id = m.integration_id AND i.organization_id = m.organization_id
		WHERE m.bucket_start >= ?1 AND m.bucket_start < ?2 AND m.metric LIKE ?3 ESCAPE '\'
		AND NOT EXISTS (SELECT 1 FROM integration_log_summaries ls WHERE ls.integration_id = i.id AND ls.day = ?4)
		GROUP BY i.organization_id, i.id, i.type ORDER BY i.id LIMIT ?5`,
		[]any{ts(day), ts(day.AddDate(0, 0, 1)), likeEscape(p.MetricPrefix) + "%", day.Format(dayLayout), storage.PageLimit(p.Limit)},
		scanDayCalls)
}

func scanDayCalls(r row) (*storage.LogDayCalls, error) {
	var c storage.LogDayCalls
	if err := r.Scan(&c.OrganizationID, &c.IntegrationID, &c.Type, &c.Calls, &c.Errors); err != nil {
		return nil, mapErr(err)
	}
	return &c, nil
}

// LogSummaryInsert implements [storage.LogStore]; the single writer
// serialises the claims of this database's processes.
func (s *Store) LogSummaryInsert(ctx context.Context, day time.Time, p *storage.LogInsertParams) (bool, error) {
	if err := p.Validate(); err != nil {
		return false, err
	}
	now := s.Now()
	at := p.Time
	if at.IsZero() {
		at = now
	}
	claimed := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO integration_log_summaries (integration_id, day, written_at)
			VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING`, p.IntegrationID, day.UTC().Format(dayLayout), ts(now))
		if err != nil {
			return mapErr(err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return mapErr(err)
		}
		claimed = true
		_, err = tx.ExecContext(ctx, `INSERT INTO integration_logs
			(id, organization_id, integration_id, level, message, details, logged_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`,
			newID(), p.OrganizationID, p.IntegrationID, string(p.Level), p.Message, jsonText(p.Details), ts(at))
		return mapErr(err)
	})
	return claimed && err == nil, err
}
