package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

const webhookCols = `id, organization_id, name, url, secret, previous_secret, previous_secret_expires_at,
	events, status, COALESCE(disabled_reason, ''), retry_policy, created_at, updated_at`

func (s *Store) scanWebhook(r row) (*storage.Webhook, error) {
	var (
		w            storage.Webhook
		secret, prev *string
		status       string
	)
	err := r.Scan(&w.ID, &w.OrganizationID, &w.Name, &w.URL, &secret, &prev, timePtrCol{&w.PreviousSecretExpiresAt},
		jsonValueCol[[]string]{&w.Events}, &status, &w.DisabledReason, jsonCol{&w.RetryPolicy},
		timeCol{&w.CreatedAt}, timeCol{&w.UpdatedAt})
	if err != nil {
		return nil, mapErr(err)
	}
	w.Status = storage.WebhookStatus(status)
	if w.Secret, err = s.openText(secret); err != nil {
		return nil, err
	}
	if w.PreviousSecret, err = s.openText(prev); err != nil {
		return nil, err
	}
	return &w, nil
}

// WebhookCreate implements [storage.WebhookStore].
func (s *Store) WebhookCreate(ctx context.Context, p *storage.WebhookCreateParams) (*storage.Webhook, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	secret, err := s.sealText(p.Secret)
	if err != nil {
		return nil, err
	}
	status := p.Status
	if status == "" {
		status = storage.WebhookActive
	}
	return writeRow(ctx, s, s.scanWebhook, `INSERT INTO webhooks
		(id, organization_id, name, url, secret, events, status, retry_policy, created_at, updated_at)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) RETURNING `+webhookCols,
		newID(), p.OrganizationID, p.Name, p.URL, secret, jsonArray(p.Events), string(status), jsonText(p.RetryPolicy), ts(s.Now()))
}

// WebhookGet implements [storage.WebhookStore].
func (s *Store) WebhookGet(ctx context.Context, orgID, id uuid.UUID) (*storage.Webhook, error) {
	return readRow(ctx, s, s.scanWebhook,
		`SELECT `+webhookCols+` FROM webhooks WHERE organization_id = ?1 AND id = ?2`, orgID, id)
}

// WebhookList implements [storage.WebhookStore]. The event filter looks
// inside the JSON array of events with json_each.
func (s *Store) WebhookList(ctx context.Context, p *storage.WebhookListParams) (*storage.Page[*storage.Webhook], error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	q := query.New(query.Question)
	q.Where("organization_id = ?", p.OrganizationID)
	query.In(q, "status", strs(p.Statuses))
	if p.Event != "" {
		q.Where("EXISTS (SELECT 1 FROM json_each(events) WHERE value = ?)", p.Event)
	}
	return list(ctx, s, q, p.Cursor, p.Limit, "webhooks", webhookCols, "created_at", s.scanWebhook,
		func(w *storage.Webhook) storage.Cursor { return storage.Cursor{Time: w.CreatedAt, ID: w.ID} })
}

// WebhookUpdate implements [storage.WebhookStore].
func (s *Store) WebhookUpdate(ctx context.Context, p *storage.WebhookUpdateParams) (*storage.Webhook, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	secret, err := s.sealOptional(p.Secret)
	if err != nil {
		return nil, err
	}
	prev, err := s.sealOptional(p.PreviousSecret)
	if err != nil {
		return nil, err
	}
	var events any
	if p.Events != nil {
		events = jsonArray(p.Events)
	}
	w, err := writeRow(ctx, s, s.scanWebhook, `UPDATE webhooks SET
		name = COALESCE(?3, name), url = COALESCE(?4, url), secret = COALESCE(?5, secret),
		previous_secret = CASE WHEN ?6 IS NULL THEN previous_secret ELSE NULLIF(?6, '') END,
		previous_secret_expires_at = CASE WHEN ?6 = '' THEN NULL ELSE COALESCE(?7, previous_secret_expires_at) END,
		events = COALESCE(?8, events), status = COALESCE(?9, status),
		disabled_reason = COALESCE(?10, disabled_reason), retry_policy = COALESCE(?11, retry_policy), updated_at = ?12
		WHERE organization_id = ?1 AND id = ?2 AND (?13 IS NULL OR updated_at = ?13) RETURNING `+webhookCols,
		p.OrganizationID, p.ID, p.Name, p.URL, secret, prev, tsPtr(p.PreviousSecretExpiresAt),
		events, strPtr(p.Status), p.DisabledReason, jsonText(p.RetryPolicy), ts(s.Now()), tsPtr(p.IfUpdatedAt))
	if errors.Is(err, storage.ErrNotFound) && p.IfUpdatedAt != nil {
		if _, gerr := s.WebhookGet(ctx, p.OrganizationID, p.ID); gerr == nil {
			return nil, storage.ErrConflict // changed since it was read
		}
	}
	return w, err
}

// sealOptional seals a value that may be absent (nil) or cleared ("").
func (s *Store) sealOptional(v *string) (*string, error) {
	if v == nil || *v == "" {
		return v, nil
	}
	return s.sealText(*v)
}

// WebhookDelete implements [storage.WebhookStore]. Its deliveries and
// dead-letter entries go with it.
func (s *Store) WebhookDelete(ctx context.Context, orgID, id uuid.UUID) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhook_dlq WHERE organization_id = ?1 AND webhook_id = ?2`, orgID, id); err != nil {
			return mapErr(err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE organization_id = ?1 AND id = ?2`, orgID, id)
		if err != nil {
			return mapErr(err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmpErr(err, storage.ErrNotFound)
		}
		return nil
	})
}

// cmpErr returns mapErr(err) when err is set, otherwise fallback.
func cmpErr(err, fallback error) error {
	if err != nil {
		return mapErr(err)
	}
	return fallback
}
