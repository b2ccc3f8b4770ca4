package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

const logCols = `id, organization_id, integration_id, level, message, details, logged_at`

func scanLog(row pgx.Row) (*storage.LogEntry, error) {
	var (
		e     storage.LogEntry
		level string
	)
	if err := row.Scan(&e.ID, &e.OrganizationID, &e.IntegrationID, &level, &e.Message, &e.Details, &e.Time); err != nil {
		return nil, mapErr(err)
	}
	e.Level, e.Time = storage.LogLevel(level), e.Time.UTC()
	return &e, nil
}

// LogInsert implements [storage.LogStore] with one batch round trip.
func (s *Store) LogInsert(ctx context.Context, ps []*storage.LogInsertParams) error {
	if err := storage.ValidateBatch(ps); err != nil {
		return err
	}
	now := s.Now()
	batch := &pgx.Batch{}
	for _, p := range ps {
		at := p.Time
		if at.IsZero() {
			at = now
		}
		batch.Queue(`INSERT INTO integration_logs (id, organization_id, integration_id, level, message, details, logged_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, newID(), p.OrganizationID, p.IntegrationID, string(p.Level), p.Message,
			nullJSON(p.Details), at.UTC().Truncate(time.Microsecond))
	}
	return s.inTx(ctx, func(tx pgx.Tx) error { return mapErr(tx.SendBatch(ctx, batch).Close()) })
}

// LogList implements [storage.LogStore].
func (s *Store) LogList(ctx context.Context, p *storage.LogListParams) (*storage.Page[*storage.LogEntry], error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	q := query.New(query.Dollar)
	q.Where("organization_id = ?", p.OrganizationID)
	if p.IntegrationID != uuid.Nil {
		q.Where("integration_id = ?", p.IntegrationID)
	}
	query.In(q, "level", strs(p.Levels))
	timeRange(q, "logged_at", p.Time)
	if p.Search != "" {
		q.Where(`message ILIKE ? ESCAPE '\'`, "%"+likeEscape(p.Search)+"%")
	}
	return list(ctx, s, q, p.Cursor, p.Limit, "integration_logs", logCols, "logged_at", scanLog,
		func(e *storage.LogEntry) storage.Cursor { return storage.Cursor{Time: e.Time, ID: e.ID} })
}

// LogDeleteBefore implements [storage.LogStore].
func (s *Store) LogDeleteBefore(ctx context.Context, before time.Time, limit int) (int, error) {
	tag, err := s.db.Exec(ctx, `DELETE FROM integration_logs WHERE id IN
		(SELECT id FROM integration_logs WHERE logged_at < $1 ORDER BY logged_at LIMIT $2)`,
		before.UTC(), storage.PageLimit(limit))
	if err != nil {
		return 0, mapErr(err)
	}
	return int(tag.RowsAffected()), nil
}

// likeEscape escapes LIKE wildcards so a search is a plain substring match.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// LogDeleteIntegration implements [storage.LogStore].
func (s *Store) LogDeleteIntegration(ctx context.Context, orgID, integrationID uuid.UUID) (int, error) {
	tag, err := s.db.Exec(ctx, `DELETE FROM integration_logs WHERE organization_id = $1 AND integration_id = $2`,
		orgID, integrationID)
	if err != nil {
		return 0, mapErr(err)
	}
	return int(tag.RowsAffected()), nil
}

// LogSummaryPending implements [storage.LogStore].
func (s *Store) LogSummaryPending(ctx context.Context, p *storage.LogSummaryPendingParams) ([]*storage.LogDayCalls, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	day := p.Day.UTC().Truncate(24 * time.Hour)
	return queryAll(ctx, s, `SELECT i.organization_id, i.id, i.type, SUM(m.count)::BIGINT, SUM(m.errors)::BIGINT
		FROM integration_metrics m JOIN integrations i ON i.id = m.integration_id AND i.organization_id = m.organization_id
		WHERE m.bucket_start >= $1 AND m.bucket_start < $2 AND m.metric LIKE $3 ESCAPE '\'
		AND NOT EXISTS (SELECT 1 FROM integration_log_summaries ls WHERE ls.integration_id = i.id AND ls.day = $4::DATE)
		GROUP BY i.organization_id, i.id, i.type ORDER BY i.id LIMIT $5`,
		[]any{day, day.AddDate(0, 0, 1), likeEscape(p.MetricPrefix) + "%", day.Format("2006-01-02"), storage.PageLimit(p.Limit)},
		scanDayCalls)
}

func scanDayCalls(row pgx.Row) (*storage.LogDayCalls, error) {
	var c storage.LogDayCalls
	if err := row.Scan(&c.OrganizationID, &c.IntegrationID, &c.Type, &c.Calls, &c.Errors); err != nil {
		return nil, mapErr(err)
	}
	return &c, nil
}

// LogSummaryInsert implements [storage.LogStore]: of two hosts claiming
// the same day, the second's INSERT waits for the first's transaction and
// then does nothing.
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
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO integration_log_summaries (integration_id, day, written_at)
			VALUES ($1, $2::DATE, $3) ON CONFLICT DO NOTHING`, p.IntegrationID, day.UTC().Format("2006-01-02"), now)
		if err != nil {
			return mapErr(err)
		}
		if tag.RowsAffected() == 0 {
			return nil
		}
		claimed = true
		_, err = tx.Exec(ctx, `INSERT INTO integration_logs (id, organization_id, integration_id, level, message, details, logged_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, newID(), p.OrganizationID, p.IntegrationID, string(p.Level), p.Message,
			nullJSON(p.Details), at.UTC().Truncate(time.Microsecond))
		return mapErr(err)
	})
	return claimed && err == nil, err
}
