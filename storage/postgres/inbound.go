package postgres

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

const inboundEndpointCols = `integration_id, organization_id, provider, token, token_hash, categories, created_at, updated_at`

// scanInboundEndpoint reads a row and opens its sealed token.
func (s *Store) scanInboundEndpoint(row pgx.Row) (*storage.InboundEndpoint, error) {
	var (
		e     storage.InboundEndpoint
		token *string
	)
	err := row.Scan(&e.IntegrationID, &e.OrganizationID, &e.Provider, &token, &e.TokenHash, &e.Categories,
		&e.CreatedAt, &e.UpdatedAt)
	if err != nil {
		return nil, mapErr(err)
	}
	if e.Token, err = s.openText(token); err != nil {
		return nil, err
	}
	if e.Categories == nil {
		e.Categories = []string{}
	}
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
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
	cats := p.Categories
	if cats == nil {
		cats = []string{}
	}
	return s.scanInboundEndpoint(s.db.QueryRow(ctx, `INSERT INTO inbound_endpoints (`+inboundEndpointCols+`)
		SELECT i.id, i.organization_id, $3, $4, $5, $6, $7, $7 FROM integrations i
		WHERE i.organization_id = $1 AND i.id = $2 RETURNING `+inboundEndpointCols,
		id16(p.OrganizationID), id16(p.IntegrationID), p.Provider, token, p.TokenHash, cats, s.Now()))
}

// InboundEndpointGet implements [storage.InboundStore].
func (s *Store) InboundEndpointGet(ctx context.Context, orgID, integrationID uuid.UUID) (*storage.InboundEndpoint, error) {
	return s.scanInboundEndpoint(s.db.QueryRow(ctx, `SELECT `+inboundEndpointCols+` FROM inbound_endpoints
		WHERE organization_id = $1 AND integration_id = $2`, id16(orgID), id16(integrationID)))
}

// InboundEndpointGetByTokenHash implements [storage.InboundStore].
func (s *Store) InboundEndpointGetByTokenHash(ctx context.Context, hash string) (*storage.InboundEndpoint, error) {
	if err := storage.CheckKey("hash", hash); err != nil {
		return nil, err
	}
	return s.scanInboundEndpoint(s.db.QueryRow(ctx, `SELECT `+inboundEndpointCols+` FROM inbound_endpoints
		WHERE token_hash = $1`, hash))
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
	return s.scanInboundEndpoint(s.db.QueryRow(ctx, `UPDATE inbound_endpoints SET
		token = COALESCE($3, token), token_hash = COALESCE($4, token_hash),
		categories = COALESCE($5, categories), provider = COALESCE($7, provider), updated_at = $6
		WHERE organization_id = $1 AND integration_id = $2 RETURNING `+inboundEndpointCols,
		id16(p.OrganizationID), id16(p.IntegrationID), token, p.TokenHash, p.Categories, s.Now(), p.Provider))
}

const inboundEventCols = `id, organization_id, integration_id, provider, event_id, type, occurred_at, data,
	received_at, published_at`

func scanInboundEvent(row pgx.Row) (*storage.InboundEvent, error) {
	var (
		e    storage.InboundEvent
		data []byte
	)
	err := row.Scan(&e.ID, &e.OrganizationID, &e.IntegrationID, &e.Provider, &e.EventID, &e.Type, &e.OccurredAt,
		&data, &e.ReceivedAt, &e.PublishedAt)
	if err != nil {
		return nil, mapErr(err)
	}
	e.Data = data
	e.OccurredAt, e.ReceivedAt, e.PublishedAt = utc(e.OccurredAt), e.ReceivedAt.UTC(), utc(e.PublishedAt)
	return &e, nil
}

// InboundEventRecord implements [storage.InboundStore] in one transaction
// of three statements: the insert of the new events (in event ID order,
// so that two hosts inserting overlapping requests wait for each other
// rather than deadlock), the read of the request's unpublished events, and
// the metric buckets of the inserted ones (in metric order).
func (s *Store) InboundEventRecord(ctx context.Context, p *storage.InboundRecordParams) (*storage.InboundRecordResult, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	events := uniqueInbound(p.Events)
	now := s.Now()
	var out *storage.InboundRecordResult
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		inserted, err := insertInbound(ctx, tx, p, events, now)
		if err != nil {
			return err
		}
		out = &storage.InboundRecordResult{Inserted: inserted}
		if out.Unpublished, err = unpublishedInbound(ctx, tx, p, events, inserted); err != nil {
			return err
		}
		return countInbound(ctx, tx, p, inserted, now)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// inboundRow is an event to insert with the ID it gets.
type inboundRow struct {
	in *storage.InboundEventInput
	id uuid.UUID
}

// uniqueInbound drops repeated event IDs, keeping the first, gives each
// event its row ID in the order given (so that a list shows them in the
// provider's order), and sorts them by event ID.
func uniqueInbound(in []*storage.InboundEventInput) []inboundRow {
	out := make([]inboundRow, 0, len(in))
	seen := make(map[string]bool, len(in))
	for _, e := range in {
		if !seen[e.EventID] {
			seen[e.EventID] = true
			out = append(out, inboundRow{in: e, id: newID()})
		}
	}
	slices.SortFunc(out, func(a, b inboundRow) int { return strings.Compare(a.in.EventID, b.in.EventID) })
	return out
}

func insertInbound(ctx context.Context, tx pgx.Tx, p *storage.InboundRecordParams, events []inboundRow, now time.Time) ([]*storage.InboundEvent, error) {
	if len(events) == 0 {
		return nil, nil
	}
	n := len(events)
	ids, eventIDs, types, data := make([][16]byte, n), make([]string, n), make([]string, n), make([]string, n)
	occurred := make([]*time.Time, n)
	for i, r := range events {
		e := r.in
		ids[i], eventIDs[i], types[i], data[i], occurred[i] = id16(r.id), e.EventID, e.Type, string(e.Data), micro(e.OccurredAt)
	}
	rows, err := queryTx(ctx, tx, `INSERT INTO inbound_events (`+inboundEventCols+`)
		SELECT i, $1, $2, $3, e, t, o, d::json, $4, NULL
		FROM unnest($5::uuid[], $6::text[], $7::text[], $8::timestamptz[], $9::text[]) WITH ORDINALITY AS u(i, e, t, o, d, n)
		ORDER BY n
		ON CONFLICT (integration_id, event_id) DO NOTHING RETURNING `+inboundEventCols,
		id16(p.OrganizationID), id16(p.IntegrationID), p.Provider, now, ids, eventIDs, types, occurred, data)
	if err != nil {
		return nil, err
	}
	order := make(map[string]int, len(p.Events))
	for i, e := range p.Events {
		if _, ok := order[e.EventID]; !ok {
			order[e.EventID] = i
		}
	}
	slices.SortFunc(rows, func(a, b *storage.InboundEvent) int { return order[a.EventID] - order[b.EventID] })
	return rows, nil
}

func unpublishedInbound(ctx context.Context, tx pgx.Tx, p *storage.InboundRecordParams, events []inboundRow, inserted []*storage.InboundEvent) ([]*storage.InboundEvent, error) {
	if len(events) == len(inserted) {
		return nil, nil
	}
	eventIDs := make([]string, len(events))
	for i, e := range events {
		eventIDs[i] = e.in.EventID
	}
	fresh := make([][16]byte, len(inserted))
	for i, e := range inserted {
		fresh[i] = id16(e.ID)
	}
	return queryTx(ctx, tx, `SELECT `+inboundEventCols+` FROM inbound_events
		WHERE organization_id = $1 AND integration_id = $2 AND event_id = ANY($3) AND published_at IS NULL
		AND NOT (id = ANY($4::uuid[])) ORDER BY received_at, id`,
		id16(p.OrganizationID), id16(p.IntegrationID), eventIDs, fresh)
}

// countInbound adds the inserted events to their hourly metric buckets.
func countInbound(ctx context.Context, tx pgx.Tx, p *storage.InboundRecordParams, rows []*storage.InboundEvent, now time.Time) error {
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
	slices.Sort(metrics)
	batch := &pgx.Batch{}
	for _, m := range metrics {
		batch.Queue(`INSERT INTO integration_metrics AS m (`+metricCols+`) VALUES ($1, $2, $3, $4, $5, 0, 0, 0)
			ON CONFLICT (organization_id, integration_id, metric, bucket_start) DO UPDATE SET count = m.count + EXCLUDED.count`,
			id16(p.OrganizationID), id16(p.IntegrationID), m, now.Truncate(time.Hour), counts[m])
	}
	return mapErr(tx.SendBatch(ctx, batch).Close())
}

// queryTx runs sql in tx and scans every row as an event.
func queryTx(ctx context.Context, tx pgx.Tx, sql string, args ...any) ([]*storage.InboundEvent, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*storage.InboundEvent
	for rows.Next() {
		e, err := scanInboundEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}

// InboundEventPublished implements [storage.InboundStore].
func (s *Store) InboundEventPublished(ctx context.Context, orgID uuid.UUID, ids []uuid.UUID) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.db.Exec(ctx, `UPDATE inbound_events SET published_at = $3
		WHERE organization_id = $1 AND id = ANY($2::uuid[]) AND published_at IS NULL`, id16(orgID), ids16(ids), s.Now())
	return mapErr(err)
}

// InboundEventGet implements [storage.InboundStore].
func (s *Store) InboundEventGet(ctx context.Context, orgID, id uuid.UUID) (*storage.InboundEvent, error) {
	return scanInboundEvent(s.db.QueryRow(ctx, `SELECT `+inboundEventCols+` FROM inbound_events
		WHERE organization_id = $1 AND id = $2`, id16(orgID), id16(id)))
}

// InboundEventList implements [storage.InboundStore], newest first.
func (s *Store) InboundEventList(ctx context.Context, p *storage.InboundEventListParams) (*storage.Page[*storage.InboundEvent], error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	q := query.New(query.Dollar)
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
	tag, err := s.db.Exec(ctx, `DELETE FROM inbound_events WHERE id IN
		(SELECT id FROM inbound_events WHERE received_at < $1 ORDER BY received_at LIMIT $2)`,
		before.UTC(), storage.PageLimit(limit))
	if err != nil {
		return 0, mapErr(err)
	}
	return int(tag.RowsAffected()), nil
}

// DLQCount implements [storage.DLQCounter].
func (s *Store) DLQCount(ctx context.Context, orgID, webhookID uuid.UUID) (int, error) {
	q := query.New(query.Dollar)
	q.Where("organization_id = ?", id16(orgID))
	if webhookID != uuid.Nil {
		q.Where("webhook_id = ?", id16(webhookID))
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM webhook_dlq`+q.SQL(), q.Args()...).Scan(&n); err != nil {
		return 0, mapErr(err)
	}
	return n, nil
}
