package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

// healthCols are integrationCols and the health columns of migration 0008.
const healthCols = integrationCols + `, check_interval_seconds, status_changed_at, COALESCE(last_sync_error, ''),
	manual_mode`

// extraRow appends destinations to a row's Scan, so that an existing scan
// function reads the leading columns and the caller the trailing ones.
type extraRow struct {
	row
	extra []any
}

func (r extraRow) Scan(dest ...any) error { return r.row.Scan(append(dest, r.extra...)...) }

func (s *Store) scanHealth(r row) (*storage.IntegrationHealth, error) {
	var (
		h        storage.IntegrationHealth
		interval sql.NullInt64
	)
	it, err := s.scanIntegration(extraRow{r, []any{&interval, timePtrCol{&h.StatusChangedAt}, &h.LastSyncError, &h.ManualMode}})
	if err != nil {
		return nil, err
	}
	h.Integration = *it
	h.CheckInterval = time.Duration(interval.Int64) * time.Second
	return &h, nil
}

// IntegrationHealthGet implements [storage.IntegrationHealthStore].
func (s *Store) IntegrationHealthGet(ctx context.Context, orgID, id uuid.UUID) (*storage.IntegrationHealth, error) {
	return readRow(ctx, s, s.scanHealth,
		`SELECT `+healthCols+` FROM integrations WHERE organization_id = ?1 AND id = ?2`, orgID, id)
}

// IntegrationHealthList implements [storage.IntegrationHealthStore].
func (s *Store) IntegrationHealthList(ctx context.Context, p *storage.IntegrationListParams) (*storage.Page[*storage.IntegrationHealth], error) {
	q := query.New(query.Question)
	q.Where("organization_id = ?", p.OrganizationID)
	if p.Type != "" {
		q.Where("type = ?", p.Type)
	}
	query.In(q, "status", strs(p.Statuses))
	return list(ctx, s, q, p.Cursor, p.Limit, "integrations", healthCols, "created_at", s.scanHealth,
		func(h *storage.IntegrationHealth) storage.Cursor { return storage.Cursor{Time: h.CreatedAt, ID: h.ID} })
}

// IntegrationCheckClaim implements [storage.IntegrationHealthStore]
// through the single writer: the due scan and the lease are one write
// transaction.
func (s *Store) IntegrationCheckClaim(ctx context.Context, p *storage.IntegrationCheckClaimParams) ([]*storage.IntegrationHealth, error) {
	var out []*storage.IntegrationHealth
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE integrations SET next_check_at = ?2
			WHERE id IN (
				SELECT id FROM integrations
				WHERE next_check_at IS NOT NULL AND status <> 'disabled' AND next_check_at <= ?1
				ORDER BY next_check_at, id LIMIT ?3)
			RETURNING `+healthCols, ts(p.Now), ts(p.Now.Add(p.Lease)), max(p.Limit, 0))
		if err != nil {
			return mapErr(err)
		}
		defer rows.Close()
		for rows.Next() {
			h, err := s.scanHealth(rows)
			if err != nil {
				return err
			}
			out = append(out, h)
		}
		return mapErr(rows.Err())
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *storage.IntegrationHealth) int { return strings.Compare(a.ID.String(), b.ID.String()) })
	return out, nil
}

// IntegrationStatusSet implements [storage.IntegrationHealthStore]: the
// read of the current status and the update are one write transaction.
func (s *Store) IntegrationStatusSet(ctx context.Context, p *storage.IntegrationStatusSetParams) (*storage.IntegrationStatusChange, error) {
	const update = `UPDATE integrations SET status = ?3, error_message = NULLIF(?4, ''),
		status_changed_at = CASE WHEN status IS ?3 THEN status_changed_at ELSE ?5 END,
		last_health_check = COALESCE(?6, last_health_check),
		next_check_at = CASE WHEN ?7 THEN NULL ELSE COALESCE(?8, next_check_at) END
		WHERE organization_id = ?1 AND id = ?2 RETURNING ` + healthCols
	st, err := s.prepare(ctx, s.w, update)
	if err != nil {
		return nil, err
	}
	var out *storage.IntegrationStatusChange
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var prev string
		var next *time.Time
		err := tx.QueryRowContext(ctx, `SELECT status, next_check_at FROM integrations WHERE organization_id = ?1 AND id = ?2`,
			p.OrganizationID, p.ID).Scan(&prev, timePtrCol{&next})
		if err != nil {
			return mapErr(err)
		}
		if err := p.Applies(storage.IntegrationStatus(prev), next); err != nil {
			return err
		}
		h, err := s.scanHealth(txQueryRow(ctx, tx, st, update, p.OrganizationID, p.ID, string(p.Status), p.ErrorMessage,
			ts(s.Now()), tsPtr(p.CheckedAt), p.ClearNextCheck, tsPtr(p.NextCheckAt)))
		out = &storage.IntegrationStatusChange{Previous: storage.IntegrationStatus(prev), Integration: h}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// IntegrationScheduleSet implements [storage.IntegrationHealthStore].
func (s *Store) IntegrationScheduleSet(ctx context.Context, p *storage.IntegrationScheduleParams) (*storage.IntegrationHealth, error) {
	var interval any
	if p.CheckInterval != nil {
		interval = int64(*p.CheckInterval / time.Second)
	}
	return writeRow(ctx, s, s.scanHealth, `UPDATE integrations SET
		check_interval_seconds = CASE WHEN ?3 IS NULL THEN check_interval_seconds WHEN ?3 = 0 THEN NULL ELSE ?3 END,
		next_check_at = COALESCE(?4, next_check_at), updated_at = ?5
		WHERE organization_id = ?1 AND id = ?2 RETURNING `+healthCols,
		p.OrganizationID, p.ID, interval, tsPtr(p.NextCheckAt), ts(s.Now()))
}
