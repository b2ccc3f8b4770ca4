package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
)

const manualCols = `id, organization_id, integration_id, seq, operation, created_at, replayed_at`

func (s *Store) scanManual(r pgx.Row) (*storage.ManualOperation, error) {
	var (
		op  storage.ManualOperation
		raw []byte
	)
	if err := r.Scan(&op.ID, &op.OrganizationID, &op.IntegrationID, &op.Seq, &raw, &op.CreatedAt, &op.ReplayedAt); err != nil {
		return nil, mapErr(err)
	}
	op.CreatedAt, op.ReplayedAt = op.CreatedAt.UTC(), utc(op.ReplayedAt)
	var err error
	if op.Operation, err = s.openJSON(raw); err != nil {
		return nil, err
	}
	return &op, nil
}

// lockIntegration locks an integration's row in tx (FOR UPDATE, or FOR
// SHARE when share) and returns its manual mode.
func lockIntegration(ctx context.Context, tx pgx.Tx, orgID, id uuid.UUID, share bool) (bool, error) {
	lock := "FOR UPDATE"
	if share {
		lock = "FOR SHARE"
	}
	var manual bool
	err := tx.QueryRow(ctx, `SELECT manual_mode FROM integrations WHERE organization_id = $1 AND id = $2 `+lock,
		orgID, id).Scan(&manual)
	return manual, mapErr(err)
}

// ManualModeSet implements [storage.ManualStore]. Turning it off locks the
// integration's row first, so that no operation is queued between the
// count of pending ones and the change (queueing takes a share lock).
func (s *Store) ManualModeSet(ctx context.Context, orgID, id uuid.UUID, on bool) (*storage.IntegrationHealth, error) {
	var out *storage.IntegrationHealth
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := lockIntegration(ctx, tx, orgID, id, false); err != nil {
			return err
		}
		if !on {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM integration_manual_queue
				WHERE integration_id = $1 AND replayed_at IS NULL`, id).Scan(&n); err != nil {
				return mapErr(err)
			}
			if n > 0 {
				return storage.ErrConflict
			}
		}
		var err error
		out, err = s.scanHealth(tx.QueryRow(ctx, `UPDATE integrations SET manual_mode = $3
			WHERE organization_id = $1 AND id = $2 RETURNING `+healthCols, orgID, id, on))
		return err
	})
	return out, err
}

// ManualEnqueue implements [storage.ManualStore].
func (s *Store) ManualEnqueue(ctx context.Context, p *storage.ManualEnqueueParams) (*storage.ManualOperation, error) {
	sealed, err := s.sealJSON(p.Operation)
	if err != nil {
		return nil, err
	}
	var out *storage.ManualOperation
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		manual, err := lockIntegration(ctx, tx, p.OrganizationID, p.IntegrationID, true)
		if err != nil {
			return err
		}
		if !manual {
			return storage.ErrConflict
		}
		out, err = s.scanManual(tx.QueryRow(ctx, `INSERT INTO integration_manual_queue
			(id, organization_id, integration_id, operation, created_at) VALUES ($1, $2, $3, $4, $5)
			RETURNING `+manualCols, newID(), p.OrganizationID, p.IntegrationID, sealed, s.Now()))
		return err
	})
	return out, err
}

// ManualClaim implements [storage.ManualStore]. Two claims of the same row
// serialise on its lock; the second sees the first's lease and claims
// nothing.
func (s *Store) ManualClaim(ctx context.Context, p *storage.ManualClaimParams) (*storage.ManualOperation, error) {
	claim := newID()
	op, err := s.scanManual(s.db.QueryRow(ctx, `UPDATE integration_manual_queue SET claim_id = $3, claimed_until = $4
		WHERE id = (SELECT id FROM integration_manual_queue WHERE organization_id = $1 AND integration_id = $2
		AND replayed_at IS NULL ORDER BY seq LIMIT 1) AND replayed_at IS NULL
		AND (claimed_until IS NULL OR claimed_until <= $5) RETURNING `+manualCols,
		p.OrganizationID, p.IntegrationID, claim, p.Now.Add(p.Lease), p.Now))
	if errors.Is(err, storage.ErrNotFound) {
		n, cerr := s.ManualPending(ctx, p.OrganizationID, p.IntegrationID)
		if cerr != nil {
			return nil, cerr
		}
		if n > 0 {
			return nil, storage.ErrConflict
		}
		return nil, storage.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	op.ClaimID = claim
	return op, nil
}

// ManualMarkReplayed implements [storage.ManualStore].
func (s *Store) ManualMarkReplayed(ctx context.Context, orgID, opID, claimID uuid.UUID, at time.Time) error {
	err := execOne(ctx, s, `UPDATE integration_manual_queue SET replayed_at = $4
		WHERE organization_id = $1 AND id = $2 AND claim_id = $3 AND replayed_at IS NULL`, orgID, opID, claimID, at)
	if errors.Is(err, storage.ErrNotFound) {
		return storage.ErrConflict
	}
	return err
}

// ManualRelease implements [storage.ManualStore].
func (s *Store) ManualRelease(ctx context.Context, orgID, opID, claimID uuid.UUID) error {
	_, err := s.db.Exec(ctx, `UPDATE integration_manual_queue SET claim_id = NULL, claimed_until = NULL
		WHERE organization_id = $1 AND id = $2 AND claim_id = $3 AND replayed_at IS NULL`, orgID, opID, claimID)
	return mapErr(err)
}

// ManualPending implements [storage.ManualStore].
func (s *Store) ManualPending(ctx context.Context, orgID, integrationID uuid.UUID) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM integration_manual_queue WHERE organization_id = $1
		AND integration_id = $2 AND replayed_at IS NULL`, orgID, integrationID).Scan(&n)
	return n, mapErr(err)
}
