package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
)

const alertNotificationCols = `id, organization_id, alert_id, notifier, kind, window_no, status, attempts,
	next_attempt_at, claim_id, last_error, sent_at, created_at`

func scanAlertNotification(r pgx.Row) (*storage.AlertNotification, error) {
	var (
		n            storage.AlertNotification
		kind, status string
		claim        *uuid.UUID
	)
	err := r.Scan(&n.ID, &n.OrganizationID, &n.AlertID, &n.Notifier, &kind, &n.Window, &status, &n.Attempts,
		&n.NextAttemptAt, &claim, &n.LastError, &n.SentAt, &n.CreatedAt)
	if err != nil {
		return nil, mapErr(err)
	}
	if claim != nil {
		n.ClaimID = *claim
	}
	n.Kind, n.Status = storage.AlertNotificationKind(kind), storage.AlertNotificationStatus(status)
	n.NextAttemptAt, n.CreatedAt, n.SentAt = n.NextAttemptAt.UTC(), n.CreatedAt.UTC(), utc(n.SentAt)
	return &n, nil
}

// AlertResolveKey implements [storage.AlertNotificationStore].
func (s *Store) AlertResolveKey(ctx context.Context, orgID uuid.UUID, dedupKey string) (*storage.Alert, error) {
	return scanAlert(s.db.QueryRow(ctx, `UPDATE integration_alerts SET status = 'resolved', resolved_at = $3
		WHERE organization_id = $1 AND dedup_key = $2 AND status = 'open' RETURNING `+alertCols,
		id16(orgID), dedupKey, s.Now()))
}

// AlertNotificationAdd implements [storage.AlertNotificationStore] in one
// statement; existing notifications are left as they are.
func (s *Store) AlertNotificationAdd(ctx context.Context, ps []*storage.AlertNotificationAddParams) (int, error) {
	now := s.Now()
	var (
		ids, orgs, alerts [][16]byte
		notifiers, kinds  []string
		windows           []int32
		nexts             []time.Time
	)
	for _, p := range ps {
		if err := p.Validate(); err != nil {
			return 0, err
		}
		next := p.NextAttemptAt
		if next.IsZero() {
			next = now
		}
		ids, orgs, alerts = append(ids, id16(newID())), append(orgs, id16(p.OrganizationID)), append(alerts, id16(p.AlertID))
		notifiers, kinds = append(notifiers, p.Notifier), append(kinds, string(p.Kind))
		windows, nexts = append(windows, int32(p.Window)), append(nexts, next.UTC().Truncate(time.Microsecond))
	}
	if len(ps) == 0 {
		return 0, nil
	}
	return s.execCount(ctx, `INSERT INTO alert_notifications
		(id, organization_id, alert_id, notifier, kind, window_no, next_attempt_at, created_at)
		SELECT n.id, n.org, n.alert, n.notifier, n.kind, n.window_no, n.next, $8
		FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::int[], $7::timestamptz[])
			AS n(id, org, alert, notifier, kind, window_no, next)
		JOIN integration_alerts a ON a.id = n.alert AND a.organization_id = n.org
		ON CONFLICT (alert_id, notifier, kind, window_no) DO NOTHING`,
		ids, orgs, alerts, notifiers, kinds, windows, nexts, now)
}

// AlertNotificationClaim implements [storage.AlertNotificationStore] with
// FOR UPDATE SKIP LOCKED, so that concurrent claims from several hosts
// never return the same row.
func (s *Store) AlertNotificationClaim(ctx context.Context, p *storage.AlertNotificationClaimParams) ([]*storage.AlertNotification, error) {
	now := p.Now.UTC().Truncate(time.Microsecond)
	return queryAll(ctx, s, `UPDATE alert_notifications
		SET next_attempt_at = $2, claim_id = $3, attempts = attempts + 1
		WHERE id IN (SELECT id FROM alert_notifications WHERE status = 'pending' AND next_attempt_at <= $1
			ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)
		RETURNING `+alertNotificationCols, []any{now, now.Add(p.Lease), id16(newID()), max(p.Limit, 0)},
		scanAlertNotification)
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
	var sent *time.Time
	if p.Status == storage.AlertNotificationSent {
		sent = &now
	}
	return scanAlertNotification(s.db.QueryRow(ctx, `UPDATE alert_notifications
		SET status = $4, next_attempt_at = $5, last_error = $6, sent_at = COALESCE($7, sent_at), claim_id = NULL
		WHERE organization_id = $1 AND id = $2 AND claim_id = $3 RETURNING `+alertNotificationCols,
		id16(p.OrganizationID), id16(p.ID), id16(p.ClaimID), string(p.Status), next.UTC().Truncate(time.Microsecond),
		p.Error, sent))
}

// AlertNotificationList implements [storage.AlertNotificationStore].
func (s *Store) AlertNotificationList(ctx context.Context, orgID, alertID uuid.UUID) ([]*storage.AlertNotification, error) {
	return queryAll(ctx, s, `SELECT `+alertNotificationCols+` FROM alert_notifications
		WHERE organization_id = $1 AND alert_id = $2 ORDER BY created_at, id`,
		[]any{id16(orgID), id16(alertID)}, scanAlertNotification)
}

const alertSettingsCols = `organization_id, email_to, slack, slack_channel, min_severity, updated_at`

func scanAlertSettings(r pgx.Row) (*storage.AlertSettings, error) {
	var (
		a        storage.AlertSettings
		severity string
	)
	if err := r.Scan(&a.OrganizationID, &a.EmailTo, &a.Slack, &a.SlackChannel, &severity, &a.UpdatedAt); err != nil {
		return nil, mapErr(err)
	}
	a.MinSeverity, a.UpdatedAt = storage.AlertSeverity(severity), a.UpdatedAt.UTC()
	if len(a.EmailTo) == 0 {
		a.EmailTo = nil
	}
	return &a, nil
}

// AlertSettingsGet implements [storage.AlertNotificationStore].
func (s *Store) AlertSettingsGet(ctx context.Context, orgID uuid.UUID) (*storage.AlertSettings, error) {
	return scanAlertSettings(s.db.QueryRow(ctx, `SELECT `+alertSettingsCols+` FROM alert_settings WHERE organization_id = $1`,
		id16(orgID)))
}

// AlertSettingsSet implements [storage.AlertNotificationStore].
func (s *Store) AlertSettingsSet(ctx context.Context, a *storage.AlertSettings) (*storage.AlertSettings, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	emails := a.EmailTo
	if emails == nil {
		emails = []string{}
	}
	return scanAlertSettings(s.db.QueryRow(ctx, `INSERT INTO alert_settings (`+alertSettingsCols+`)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (organization_id) DO UPDATE SET email_to = EXCLUDED.email_to, slack = EXCLUDED.slack,
		slack_channel = EXCLUDED.slack_channel, min_severity = EXCLUDED.min_severity, updated_at = EXCLUDED.updated_at
		RETURNING `+alertSettingsCols,
		id16(a.OrganizationID), emails, a.Slack, a.SlackChannel, string(a.MinSeverity), s.Now()))
}

// AlertOrganizations implements [storage.AlertNotificationStore].
func (s *Store) AlertOrganizations(ctx context.Context, after uuid.UUID, limit int) ([]uuid.UUID, error) {
	return queryAll(ctx, s, `SELECT DISTINCT organization_id FROM integrations
		WHERE organization_id > $1 ORDER BY organization_id LIMIT $2`, []any{id16(after), max(limit, 0)},
		func(r pgx.Row) (uuid.UUID, error) {
			var id uuid.UUID
			return id, mapErr(r.Scan(&id))
		})
}
