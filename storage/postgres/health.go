package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

// healthCols are integrationCols and the health columns of migration 0008.
const healthCols = integrationCols + `, check_interval_seconds, status_changed_at, COALESCE(last_sync_error, ''),
	manual_mode`

// extraRow appends destinations to a row's Scan, so that an existing scan
// function reads the leading columns and the caller the trailing ones.
type extraRow struct {
	pgx.Row
	extra []any
}

func (r extraRow) Scan(dest ...any) error { return r.Row.Scan(append(dest, r.extra...)...) }

func (s *Store) scanHealth(row pgx.Row) (*storage.IntegrationHealth, error) {
	var (
		h        storage.IntegrationHealth
		interval *int64
	)
	it, err := s.scanIntegration(extraRow{row, []any{&interval, &h.StatusChangedAt, &h.LastSyncError, &h.ManualMode}})
	if err != nil {
		return nil, err
	}
	h.Integration = *it
	if interval != nil {
		h.CheckInterval = time.Duration(*interval) * time.Second
	}
	h.StatusChangedAt = utc(h.StatusChangedAt)
	return &h, nil
}

// IntegrationHealthGet implements [storage.IntegrationHealthStore].
func (s *Store) IntegrationHealthGet(ctx context.Context, orgID, id uuid.UUID) (*storage.IntegrationHealth, error) {
	return s.scanHealth(s.db.QueryRow(ctx,
		`SELECT `+healthCols+` FROM integrations WHERE organization_id = $1 AND id = $2`, id16(orgID), id16(id)))
}

// IntegrationHealthList implements [storage.IntegrationHealthStore].
func (s *Store) IntegrationHealthList(ctx context.Context, p *storage.IntegrationListParams) (*storage.Page[*storage.IntegrationHealth], error) {
	q := query.New(query.Dollar)
	q.Where("organization_id = ?", p.OrganizationID)
	if p.Type != "" {
		q.Where("type = ?", p.Type)
	}
	query.In(q, "status", strs(p.Statuses))
	return list(ctx, s, q, p.Cursor, p.Limit, "integrations", healthCols, "created_at", s.scanHealth,
		func(h *storage.IntegrationHealth) storage.Cursor { return storage.Cursor{Time: h.CreatedAt, ID: h.ID} })
}

// IntegrationCheckClaim implements [storage.IntegrationHealthStore] with
// FOR UPDATE SKIP LOCKED, so that concurrent claims from several hosts
// never return the same row.
func (s *Store) IntegrationCheckClaim(ctx context.Context, p *storage.IntegrationCheckClaimParams) ([]*storage.IntegrationHealth, error) {
	now := p.Now.UTC().Truncate(time.Microsecond)
	out, err := queryAll(ctx, s, `UPDATE integrations SET next_check_at = $2
		WHERE id IN (
			SELECT id FROM integrations
			WHERE next_check_at IS NOT NULL AND status <> 'disabled' AND next_check_at <= $1
			ORDER BY next_check_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
		RETURNING `+healthCols, []any{now, now.Add(p.Lease), max(p.Limit, 0)}, s.scanHealth)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *storage.IntegrationHealth) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	return out, nil
}

// IntegrationStatusSet implements [storage.IntegrationHealthStore] in one
// statement (one round trip): the row is locked by a sub-select that also
// reads the status before, and the fence and KeepDisabled are conditions of
// the update. When nothing is updated, a read says whether the row is
// missing or the change did not apply.
func (s *Store) IntegrationStatusSet(ctx context.Context, p *storage.IntegrationStatusSetParams) (*storage.IntegrationStatusChange, error) {
	var prev string
	h, err := s.scanHealth(extraFirst{s.db.QueryRow(ctx, `UPDATE integrations SET status = $3::text,
		error_message = NULLIF($4, ''),
		status_changed_at = CASE WHEN status IS NOT DISTINCT FROM $3::text THEN status_changed_at ELSE $5 END,
		last_health_check = COALESCE($6, last_health_check),
		next_check_at = CASE WHEN $7 THEN NULL ELSE COALESCE($8, next_check_at) END
		FROM (SELECT id AS old_id, status AS old_status, next_check_at AS old_next FROM integrations
			WHERE organization_id = $1 AND id = $2 FOR UPDATE) old
		WHERE id = old.old_id AND NOT ($9 AND old.old_status = 'disabled')
		  AND ($10::timestamptz IS NULL OR old.old_next = $10::timestamptz)
		RETURNING old.old_status, `+healthCols,
		id16(p.OrganizationID), id16(p.ID), string(p.Status), p.ErrorMessage, s.Now(), micro(p.CheckedAt),
		p.ClearNextCheck, micro(p.NextCheckAt), p.KeepDisabled, micro(p.Lease)), []any{&prev}})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, s.statusSetMissed(ctx, p)
	}
	if err != nil {
		return nil, err
	}
	return &storage.IntegrationStatusChange{Previous: storage.IntegrationStatus(prev), Integration: h}, nil
}

// extraFirst prepends destinations to a row's Scan, so that the leading
// columns go to the caller and the rest to an existing scan function.
type extraFirst struct {
	pgx.Row
	first []any
}

func (r extraFirst) Scan(dest ...any) error { return r.Row.Scan(append(r.first, dest...)...) }

// statusSetMissed explains an IntegrationStatusSet that updated nothing:
// the row is missing (ErrNotFound), or the change did not apply
// (ErrConflict).
func (s *Store) statusSetMissed(ctx context.Context, p *storage.IntegrationStatusSetParams) error {
	var prev string
	var next *time.Time
	err := s.db.QueryRow(ctx, `SELECT status, next_check_at FROM integrations WHERE organization_id = $1 AND id = $2`,
		id16(p.OrganizationID), id16(p.ID)).Scan(&prev, &next)
	if err != nil {
		return mapErr(err)
	}
	if err := p.Applies(storage.IntegrationStatus(prev), next); err != nil {
		return err
	}
	return fmt.Errorf("%w: integration %s changed meanwhile", storage.ErrConflict, p.ID)
}

// IntegrationScheduleSet implements [storage.IntegrationHealthStore].
func (s *Store) IntegrationScheduleSet(ctx context.Context, p *storage.IntegrationScheduleParams) (*storage.IntegrationHealth, error) {
	var interval *int64
	if p.CheckInterval != nil {
		v := int64(*p.CheckInterval / time.Second)
		interval = &v
	}
	return s.scanHealth(s.db.QueryRow(ctx, `UPDATE integrations SET
		check_interval_seconds = CASE WHEN $3::bigint IS NULL THEN check_interval_seconds
			WHEN $3::bigint = 0 THEN NULL ELSE $3::bigint END,
		next_check_at = COALESCE($4, next_check_at), updated_at = $5
		WHERE organization_id = $1 AND id = $2 RETURNING `+healthCols,
		id16(p.OrganizationID), id16(p.ID), interval, micro(p.NextCheckAt), s.Now()))
}
