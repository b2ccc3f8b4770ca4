package sqlite

import (
	"context"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

const alertCols = `id, organization_id, integration_id, dedup_key, severity, title, message, impact, status,
	count, first_seen_at, last_seen_at, resolved_at`

func scanAlert(r row) (*storage.Alert, error) {
	var (
		a                storage.Alert
		integration      *uuid.UUID
		severity, status string
	)
	err := r.Scan(&a.ID, &a.OrganizationID, &integration, &a.DedupKey, &severity, &a.Title, &a.Message, &a.Impact,
		&status, &a.Count, timeCol{&a.FirstSeenAt}, timeCol{&a.LastSeenAt}, timePtrCol{&a.ResolvedAt})
	if err != nil {
		return nil, mapErr(err)
	}
	if integration != nil {
		a.IntegrationID = *integration
	}
	a.Severity, a.Status = storage.AlertSeverity(severity), storage.AlertStatus(status)
	return &a, nil
}

// AlertRaise implements [storage.AlertStore] as one upsert on the partial
// unique index of open alerts.
func (s *Store) AlertRaise(ctx context.Context, p *storage.AlertRaiseParams) (*storage.Alert, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var integration *uuid.UUID
	if p.IntegrationID != uuid.Nil {
		integration = &p.IntegrationID
	}
	return writeRow(ctx, s, scanAlert, `INSERT INTO integration_alerts AS a
		(id, organization_id, integration_id, dedup_key, severity, title, message, impact, status, count, first_seen_at, last_seen_at)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'open', 1, ?9, ?9)
		ON CONFLICT (organization_id, dedup_key) WHERE status = 'open' DO UPDATE SET
		count = a.count + 1, last_seen_at = excluded.last_seen_at, severity = excluded.severity,
		title = excluded.title, message = excluded.message, impact = excluded.impact
		RETURNING `+alertCols,
		newID(), p.OrganizationID, integration, p.DedupKey, string(p.Severity), p.Title, p.Message, p.Impact, ts(s.Now()))
}

// AlertGet implements [storage.AlertStore].
func (s *Store) AlertGet(ctx context.Context, orgID, id uuid.UUID) (*storage.Alert, error) {
	return readRow(ctx, s, scanAlert, `SELECT `+alertCols+` FROM integration_alerts WHERE organization_id = ?1 AND id = ?2`, orgID, id)
}

// AlertList implements [storage.AlertStore], most recently seen first.
func (s *Store) AlertList(ctx context.Context, p *storage.AlertListParams) (*storage.Page[*storage.Alert], error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	q := query.New(query.Question)
	q.Where("organization_id = ?", p.OrganizationID)
	if p.IntegrationID != uuid.Nil {
		q.Where("integration_id = ?", p.IntegrationID)
	}
	query.In(q, "status", strs(p.Statuses))
	return list(ctx, s, q, p.Cursor, p.Limit, "integration_alerts", alertCols, "last_seen_at", scanAlert,
		func(a *storage.Alert) storage.Cursor { return storage.Cursor{Time: a.LastSeenAt, ID: a.ID} })
}

// AlertResolve implements [storage.AlertStore].
func (s *Store) AlertResolve(ctx context.Context, orgID, id uuid.UUID) (*storage.Alert, error) {
	return writeRow(ctx, s, scanAlert, `UPDATE integration_alerts SET
		status = 'resolved', resolved_at = COALESCE(resolved_at, ?3)
		WHERE organization_id = ?1 AND id = ?2 RETURNING `+alertCols, orgID, id, ts(s.Now()))
}
