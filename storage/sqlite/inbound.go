package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

const inboundEndpointCols = `integration_id, organization_id, provider, token, token_hash, categories, created_at, updated_at`

// scanInboundEndpoint reads a row and opens its sealed token.
func (s *Store) scanInboundEndpoint(r row) (*storage.InboundEndpoint, error) {
	var (
		e     storage.InboundEndpoint
		token *string
	)
	err := r.Scan(&e.IntegrationID, &e.OrganizationID, &e.Provider, &token, &e.TokenHash,
		jsonValueCol[[]string]{&e.Categories}, timeCol{&e.CreatedAt}, timeCol{&e.UpdatedAt})
	if err != nil {
		return nil, mapErr(err)
	}
	if e.Token, err = s.openText(token); err != nil {
		return nil, err
	}
	if e.Categories == nil {
		e.Categories = []string{}
	}
	return &e, nil
}

// InboundEndpointCreate implements [storage.InboundStore]: the row is made
// only from the organization's integration.
func (s *Store) InboundEndpointCreate(ctx context.Context, p *storage.InboundEndpointCreateParams) (*storage.InboundEndpoint, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	token, err := s.sealText(p.Token)
	if err != nil {
		return nil, err
	}
	now := ts(s.Now())
	return writeRow(ctx, s, s.scanInboundEndpoint, `INSERT INTO inbound_endpoints (`+inboundEndpointCols+`)
		SELECT i.id, i.organization_id, ?3, ?4, ?5, ?6, ?7, ?7 FROM integrations i
		WHERE i.organization_id = ?1 AND i.id = ?2 RETURNING `+inboundEndpointCols,
		p.OrganizationID, p.IntegrationID, p.Provider, token, p.TokenHash, jsonArray(p.Categories), now)
}

// InboundEndpointGet implements [storage.InboundStore].
func (s *Store) InboundEndpointGet(ctx context.Context, orgID, integrationID uuid.UUID) (*storage.InboundEndpoint, error) {
	return readRow(ctx, s, s.scanInboundEndpoint, `SELECT `+inboundEndpointCols+` FROM inbound_endpoints
		WHERE organization_id = ?1 AND integration_id = ?2`, orgID, integrationID)
}

// InboundEndpointGetByTokenHash implements [storage.InboundStore].
func (s *Store) InboundEndpointGetByTokenHash(ctx context.Context, hash string) (*storage.InboundEndpoint, error) {
	if err := storage.CheckKey("hash", hash); err != nil {
		return nil, err
	}
	return readRow(ctx, s, s.scanInboundEndpoint, `SELECT `+inboundEndpointCols+` FROM inbound_endpoints
		WHERE token_hash = ?1`, hash)
}

// InboundEndpointUpdate implements [storage.InboundStore].
func (s *Store) InboundEndpointUpdate(ctx context.Context, p *storage.InboundEndpointUpdateParams) (*storage.InboundEndpoint, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var token *string
	if p.Token != nil {
		var err error
		if token, err = s.sealText(*p.Token); err != nil {
			return nil, err
		}
	}
	var cats any
	if p.Categories != nil {
		cats = jsonArray(p.Categories)
	}
	return writeRow(ctx, s, s.scanInboundEndpoint, `UPDATE inbound_endpoints SET
		token = COALESCE(?3, token), token_hash = COALESCE(?4, token_hash),
		categories = COALESCE(?5, categories), provider = COALESCE(?7, provider), updated_at = ?6
		WHERE organization_id = ?1 AND integration_id = ?2 RETURNING `+inboundEndpointCols,
		p.OrganizationID, p.IntegrationID, token, p.TokenHash, cats, ts(s.Now()), p.Provider)
}

const inboundEventCols = `id, organization_id, integration_id, provider, event_id, type, occurred_at, data,
	received_at, published_at`

func scanInboundEvent(r row) (*storage.InboundEvent, error) {
	var e storage.InboundEvent
	err := r.Scan(&e.ID, &e.OrganizationID, &e.IntegrationID, &e.Provider, &e.EventID, &e.Type,
		timePtrCol{&e.OccurredAt}, jsonCol{&e.Data}, timeCol{&e.ReceivedAt}, timePtrCol{&e.PublishedAt})
	if err != nil {
		return nil, mapErr(err)
	}
	return &e, nil
}

// The statements of InboundEventRecord.
const (
	inboundInsertSQL = `INSERT INTO inbound_events (` + inboundEventCols + `)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL)
		ON CONFLICT (integration_id, event_id) DO NOTHING RETURNING ` + inboundEventCols
	inboundPendingSQL = `SELECT ` + inboundEventCols + ` FROM inbound_events
		WHERE organization_id = ?1 AND integration_id = ?2 AND event_id = ?3 AND published_at IS NULL`
)

// InboundEventRecord implements [storage.InboundStore] in one write
// transaction: each event is inserted unless its ID is stored, and the
// inserted ones are counted in the metric buckets.
func (s *Store) InboundEventRecord(ctx context.Context, p *storage.InboundRecordParams) (*storage.InboundRecordResult, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	now := s.Now()
	var out *storage.InboundRecordResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		out = &storage.InboundRecordResult{}
		seen := map[string]bool{}
		for _, e := range p.Events {
			if seen[e.EventID] {
				continue
			}
			seen[e.EventID] = true
			row, err := scanInboundEvent(tx.QueryRowContext(ctx, inboundInsertSQL, newID(), p.OrganizationID,
				p.IntegrationID, p.Provider, e.EventID, e.Type, tsPtr(e.OccurredAt), string(e.Data), ts(now)))
			switch {
			case err == nil:
				out.Inserted = append(out.Inserted, row)
				continue
			case !errors.Is(err, storage.ErrNotFound):
				return err
			}
			row, err = scanInboundEvent(tx.QueryRowContext(ctx, inboundPendingSQL, p.OrganizationID, p.IntegrationID, e.EventID))
			switch {
			case err == nil:
				out.Unpublished = append(out.Unpublished, row)
			case !errors.Is(err, storage.ErrNotFound):
				return err
			}
		}
		return s.countInbound(ctx, tx, p, out.Inserted, now)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// countInbound adds the inserted events to their hourly metric buckets.
func (s *Store) countInbound(ctx context.Context, tx *sql.Tx, p *storage.InboundRecordParams, rows []*storage.InboundEvent, now time.Time) error {
	if p.MetricPrefix == "" || len(rows) == 0 {
		return nil
	}
	counts := map[string]int64{}
	for _, r := range rows {
		counts[p.MetricPrefix+r.Type]++
	}
	metrics := make([]string, 0, len(counts))
	for m := range counts {
		metrics = append(metrics, m)
	}
	sort.Strings(metrics)
	bucket := ts(now.Truncate(time.Hour))
	for _, m := range metrics {
		if _, err := tx.ExecContext(ctx, activityMetricSQL, p.OrganizationID, p.IntegrationID, m, bucket,
			counts[m], 0, 0, 0); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// InboundEventPublished implements [storage.InboundStore].
func (s *Store) InboundEventPublished(ctx context.Context, orgID uuid.UUID, ids []uuid.UUID) error {
	if len(ids) == 0 {
		return nil
	}
	now := ts(s.Now())
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE inbound_events SET published_at = ?3
				WHERE organization_id = ?1 AND id = ?2 AND published_at IS NULL`, orgID, id, now); err != nil {
				return mapErr(err)
			}
		}
		return nil
	})
}

// InboundEventGet implements [storage.InboundStore].
func (s *Store) InboundEventGet(ctx context.Context, orgID, id uuid.UUID) (*storage.InboundEvent, error) {
	return readRow(ctx, s, scanInboundEvent, `SELECT `+inboundEventCols+` FROM inbound_events
		WHERE organization_id = ?1 AND id = ?2`, orgID, id)
}

// InboundEventList implements [storage.InboundStore], newest first.
func (s *Store) InboundEventList(ctx context.Context, p *storage.InboundEventListParams) (*storage.Page[*storage.InboundEvent], error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	q := query.New(query.Question)
	q.Where("organization_id = ?", p.OrganizationID)
	if p.IntegrationID != uuid.Nil {
		q.Where("integration_id = ?", p.IntegrationID)
	}
	query.In(q, "type", p.Types)
	timeRange(q, "received_at", p.Received)
	return list(ctx, s, q, p.Cursor, p.Limit, "inbound_events", inboundEventCols, "received_at", scanInboundEvent,
		func(e *storage.InboundEvent) storage.Cursor { return storage.Cursor{Time: e.ReceivedAt, ID: e.ID} })
}

// InboundEventDeleteBefore implements [storage.InboundStore].
func (s *Store) InboundEventDeleteBefore(ctx context.Context, before time.Time, limit int) (int, error) {
	return s.writeExec(ctx, `DELETE FROM inbound_events WHERE id IN
		(SELECT id FROM inbound_events WHERE received_at < ?1 ORDER BY received_at LIMIT ?2)`,
		ts(before), storage.PageLimit(limit))
}

// DLQCount implements [storage.DLQCounter].
func (s *Store) DLQCount(ctx context.Context, orgID, webhookID uuid.UUID) (int, error) {
	q := query.New(query.Question)
	q.Where("organization_id = ?", orgID)
	if webhookID != uuid.Nil {
		q.Where("webhook_id = ?", webhookID)
	}
	return readRow(ctx, s, func(r row) (n int, err error) {
		err = r.Scan(&n)
		return n, mapErr(err)
	},
		`SELECT count(*) FROM webhook_dlq`+q.SQL(), q.Args()...)
}
