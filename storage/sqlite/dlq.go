package sqlite

import (
	"context"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

const dlqCols = `id, organization_id, webhook_id, delivery_id, reason, added_at`

func scanDLQ(r row) (*storage.DLQEntry, error) {
	var e storage.DLQEntry
	if err := r.Scan(&e.ID, &e.OrganizationID, &e.WebhookID, &e.DeliveryID, &e.Reason, timeCol{&e.AddedAt}); err != nil {
		return nil, mapErr(err)
	}
	return &e, nil
}

// DLQAdd implements [storage.DLQStore]. The delivery must belong to the
// organization and to the webhook.
func (s *Store) DLQAdd(ctx context.Context, p *storage.DLQAddParams) (*storage.DLQEntry, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return writeRow(ctx, s, scanDLQ, `INSERT INTO webhook_dlq (id, organization_id, webhook_id, delivery_id, reason, added_at)
		SELECT ?1, d.organization_id, d.webhook_id, d.id, ?5, ?6 FROM webhook_deliveries d
		WHERE d.organization_id = ?2 AND d.webhook_id = ?3 AND d.id = ?4 RETURNING `+dlqCols,
		newID(), p.OrganizationID, p.WebhookID, p.DeliveryID, p.Reason, ts(s.Now()))
}

// DLQGet implements [storage.DLQStore].
func (s *Store) DLQGet(ctx context.Context, orgID, id uuid.UUID) (*storage.DLQEntry, error) {
	return readRow(ctx, s, scanDLQ, `SELECT `+dlqCols+` FROM webhook_dlq WHERE organization_id = ?1 AND id = ?2`, orgID, id)
}

// DLQList implements [storage.DLQStore].
func (s *Store) DLQList(ctx context.Context, p *storage.DLQListParams) (*storage.Page[*storage.DLQEntry], error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	q := query.New(query.Question)
	q.Where("organization_id = ?", p.OrganizationID)
	if p.WebhookID != uuid.Nil {
		q.Where("webhook_id = ?", p.WebhookID)
	}
	return list(ctx, s, q, p.Cursor, p.Limit, "webhook_dlq", dlqCols, "added_at", scanDLQ,
		func(e *storage.DLQEntry) storage.Cursor { return storage.Cursor{Time: e.AddedAt, ID: e.ID} })
}

// DLQDelete implements [storage.DLQStore].
func (s *Store) DLQDelete(ctx context.Context, orgID, id uuid.UUID) error {
	return execOne(ctx, s, `DELETE FROM webhook_dlq WHERE organization_id = ?1 AND id = ?2`, orgID, id)
}

// DLQDeleteEvent implements [storage.DLQStore].
func (s *Store) DLQDeleteEvent(ctx context.Context, orgID, webhookID, eventID, keep uuid.UUID) (int, error) {
	return s.writeExec(ctx, `DELETE FROM webhook_dlq WHERE organization_id = ?1 AND webhook_id = ?2 AND delivery_id IN (
		SELECT id FROM webhook_deliveries WHERE organization_id = ?1 AND webhook_id = ?2 AND event_id = ?3 AND id <> ?4)`, orgID, webhookID, eventID, keep)
}

// DLQClear implements [storage.DLQStore].
func (s *Store) DLQClear(ctx context.Context, orgID, webhookID uuid.UUID) (int, error) {
	q := query.New(query.Question)
	q.Where("organization_id = ?", orgID)
	if webhookID != uuid.Nil {
		q.Where("webhook_id = ?", webhookID)
	}
	return s.writeExec(ctx, `DELETE FROM webhook_dlq`+q.SQL(), q.Args()...)
}
