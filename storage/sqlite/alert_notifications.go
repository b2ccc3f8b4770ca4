package sqlite

import (
	"context"
	"database/sql"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

const alertNotificationCols = `id, organization_id, alert_id, notifier, kind, window_no, status, attempts,
	next_attempt_at, claim_id, last_error, sent_at, created_at`

func scanAlertNotification(r row) (*storage.AlertNotification, error) {
	var (
		n            storage.AlertNotification
		kind, status string
		claim        *uuid.UUID
	)
	err := r.Scan(&n.ID, &n.OrganizationID, &n.AlertID, &n.Notifier, &kind, &n.Window, &status, &n.Attempts,
		timeCol{&n.NextAttemptAt}, &claim, &n.LastError, timePtrCol{&n.SentAt}, timeCol{&n.CreatedAt})
	if err != nil {
		return nil, mapErr(err)
	}
	if claim != nil {
		n.ClaimID = *claim
	}
	n.Kind, n.Status = storage.AlertNotificationKind(kind), storage.AlertNotificationStatus(status)
	return &n, nil
}

// AlertResolveKey implements [storage.AlertNotificationStore].
func (s *Store) AlertResolveKey(ctx context.Context, orgID uuid.UUID, dedupKey string) (*storage.Alert, error) {
	return writeRow(ctx, s, scanAlert, `UPDATE integration_alerts SET status = 'resolved', resolved_at = ?3
		WHERE organization_id = ?1 AND dedup_key = ?2 AND status = 'open' RETURNING `+alertCols,
		orgID, dedupKey, ts(s.Now()))
}

// AlertNotificationAdd implements [storage.AlertNotificationStore] in one
// write transaction; existing notifications are left as they are.
func (s *Store) AlertNotificationAdd(ctx context.Context, ps []*storage.AlertNotificationAddParams) (int, error) {
	for _, p := range ps {
		if err := p.Validate(); err != nil {
			return 0, err
		}
	}
	now := s.Now()
	added := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, p := range ps {
			next := p.NextAttemptAt
			if next.IsZero() {
				next = now
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO alert_notifications
				(id, organization_id, alert_id, notifier, kind, window_no, next_attempt_at, created_at)
				SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 WHERE EXISTS
					(SELECT 1 FROM integration_alerts WHERE organization_id = ?2 AND id = ?3)
				ON CONFLICT (alert_id, notifier, kind, window_no) DO NOTHING`,
				newID(), p.OrganizationID, p.AlertID, p.Notifier, string(p.Kind), p.Window, ts(next), ts(now))
			if err != nil {
				return mapErr(err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return mapErr(err)
			}
			added += int(n)
		}
		return nil
	})
	return added, err
}

// AlertNotificationClaim implements [storage.AlertNotificationStore]
// through the single writer: the due scan and the lease are one statement.
func (s *Store) AlertNotificationClaim(ctx context.Context, p *storage.AlertNotificationClaimParams) ([]*storage.AlertNotification, error) {
	var out []*storage.AlertNotification
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE alert_notifications
			SET next_attempt_at = ?2, claim_id = ?3, attempts = attempts + 1
			WHERE id IN (SELECT id FROM alert_notifications WHERE status = 'pending' AND next_attempt_at <= ?1
				ORDER BY next_attempt_at, id LIMIT ?4)
			RETURNING `+alertNotificationCols, ts(p.Now), ts(p.Now.Add(p.Lease)), newID(), max(p.Limit, 0))
		if err != nil {
			return mapErr(err)
		}
		defer rows.Close()
		for rows.Next() {
			n, err := scanAlertNotification(rows)
			if err != nil {
				return err
			}
			out = append(out, n)
		}
		return mapErr(rows.Err())
	})
	return out, err
}

// AlertNotificationFinish implements [storage.AlertNotificationStore].
func (s *Store) AlertNotificationFinish(ctx context.Context, p *storage.AlertNotificationFinishParams) (*storage.AlertNotification, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	now := s.Now()
	next := p.NextAttemptAt
	if next.IsZero() {
		next = now
	}
	var sent any
	if p.Status == storage.AlertNotificationSent {
		sent = ts(now)
	}
	return writeRow(ctx, s, scanAlertNotification, `UPDATE alert_notifications
		SET status = ?4, next_attempt_at = ?5, last_error = ?6, sent_at = COALESCE(?7, sent_at), claim_id = NULL
		WHERE organization_id = ?1 AND id = ?2 AND claim_id = ?3 RETURNING `+alertNotificationCols,
		p.OrganizationID, p.ID, p.ClaimID, string(p.Status), ts(next), p.Error, sent)
}

// AlertNotificationList implements [storage.AlertNotificationStore].
func (s *Store) AlertNotificationList(ctx context.Context, orgID, alertID uuid.UUID) ([]*storage.AlertNotification, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+alertNotificationCols+` FROM alert_notifications
		WHERE organization_id = ?1 AND alert_id = ?2 ORDER BY created_at, id`, orgID, alertID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*storage.AlertNotification
	for rows.Next() {
		n, err := scanAlertNotification(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, mapErr(rows.Err())
}

func scanAlertSettings(r row) (*storage.AlertSettings, error) {
	var (
		a        storage.AlertSettings
		severity string
	)
	err := r.Scan(&a.OrganizationID, jsonValueCol[[]string]{&a.EmailTo}, &a.Slack, &a.SlackChannel, &severity,
		timeCol{&a.UpdatedAt})
	if err != nil {
		return nil, mapErr(err)
	}
	a.MinSeverity = storage.AlertSeverity(severity)
	return &a, nil
}

const alertSettingsCols = `organization_id, email_to, slack, slack_channel, min_severity, updated_at`

// AlertSettingsGet implements [storage.AlertNotificationStore].
func (s *Store) AlertSettingsGet(ctx context.Context, orgID uuid.UUID) (*storage.AlertSettings, error) {
	return readRow(ctx, s, scanAlertSettings, `SELECT `+alertSettingsCols+` FROM alert_settings WHERE organization_id = ?1`, orgID)
}

// AlertSettingsSet implements [storage.AlertNotificationStore].
func (s *Store) AlertSettingsSet(ctx context.Context, a *storage.AlertSettings) (*storage.AlertSettings, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return writeRow(ctx, s, scanAlertSettings, `INSERT INTO alert_settings (`+alertSettingsCols+`)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6)
		ON CONFLICT (organization_id) DO UPDATE SET email_to = excluded.email_to, slack = excluded.slack,
		slack_channel = excluded.slack_channel, min_severity = excluded.min_severity, updated_at = excluded.updated_at
		RETURNING `+alertSettingsCols,
		a.OrganizationID, jsonArray(a.EmailTo), a.Slack, a.SlackChannel, string(a.MinSeverity), ts(s.Now()))
}

// AlertOrganizations implements [storage.AlertNotificationStore].
func (s *Store) AlertOrganizations(ctx context.Context, after uuid.UUID, limit int) ([]uuid.UUID, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT organization_id FROM integrations
		WHERE organization_id > ?1 ORDER BY organization_id LIMIT ?2`, after, max(limit, 0))
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []uuid.UUID
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, id)
	}
	return out, mapErr(rows.Err())
}
