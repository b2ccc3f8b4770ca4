package sqlite

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

const manualCols = `id, organization_id, integration_id, seq, operation, created_at, replayed_at`

func (s *Store) scanManual(r row) (*storage.ManualOperation, error) {
	var (
		op  storage.ManualOperation
		raw string
	)
	err := r.Scan(&op.ID, &op.OrganizationID, &op.IntegrationID, &op.Seq, &raw, timeCol{&op.CreatedAt},
		timePtrCol{&op.ReplayedAt})
	if err != nil {
		return nil, mapErr(err)
	}
	if op.Operation, err = s.openJSON(raw); err != nil {
		return nil, err
	}
	return &op, nil
}

// ManualModeSet implements [storage.ManualStore].
func (s *Store) ManualModeSet(ctx context.Context, orgID, id uuid.UUID, on bool) (*storage.IntegrationHealth, error) {
	h, err := writeRow(ctx, s, s.scanHealth, `UPDATE integrations SET manual_mode = ?3
		WHERE organization_id = ?1 AND id = ?2 AND (?3 = 1 OR NOT EXISTS (SELECT 1 FROM integration_manual_queue
		WHERE integration_id = ?2 AND replayed_at IS NULL)) RETURNING `+healthCols, orgID, id, on)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, s.manualWhy(ctx, orgID, id)
	}
	return h, err
}

// manualWhy tells a missing integration ([storage.ErrNotFound]) from one
// whose state refused the change ([storage.ErrConflict]).
func (s *Store) manualWhy(ctx context.Context, orgID, id uuid.UUID) error {
	if _, err := s.IntegrationGet(ctx, orgID, id); err != nil {
		return err
	}
	return storage.ErrConflict
}

// ManualEnqueue implements [storage.ManualStore].
func (s *Store) ManualEnqueue(ctx context.Context, p *storage.ManualEnqueueParams) (*storage.ManualOperation, error) {
	sealed, err := s.sealJSON(p.Operation)
	if err != nil {
		return nil, err
	}
	op, err := writeRow(ctx, s, s.scanManual, `INSERT INTO integration_manual_queue
		(id, organization_id, integration_id, operation, created_at)
		SELECT ?1, ?2, ?3, ?4, ?5 FROM integrations WHERE organization_id = ?2 AND id = ?3 AND manual_mode = 1
		RETURNING `+manualCols, newID(), p.OrganizationID, p.IntegrationID, sealed, ts(s.Now()))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, s.manualWhy(ctx, p.OrganizationID, p.IntegrationID)
	}
	return op, err
}

// ManualClaim implements [storage.ManualStore].
func (s *Store) ManualClaim(ctx context.Context, p *storage.ManualClaimParams) (*storage.ManualOperation, error) {
	claim := newID()
	op, err := writeRow(ctx, s, s.scanManual, `UPDATE integration_manual_queue SET claim_id = ?3, claimed_until = ?4
		WHERE seq = (SELECT seq FROM integration_manual_queue WHERE organization_id = ?1 AND integration_id = ?2
		AND replayed_at IS NULL ORDER BY seq LIMIT 1) AND (claimed_until IS NULL OR claimed_until <= ?5)
		RETURNING `+manualCols, p.OrganizationID, p.IntegrationID, claim, ts(p.Now.Add(p.Lease)), ts(p.Now))
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
	err := execOne(ctx, s, `UPDATE integration_manual_queue SET replayed_at = ?4
		WHERE organization_id = ?1 AND id = ?2 AND claim_id = ?3 AND replayed_at IS NULL`, orgID, opID, claimID, ts(at))
	if errors.Is(err, storage.ErrNotFound) {
		return storage.ErrConflict
	}
	return err
}

// ManualRelease implements [storage.ManualStore].
func (s *Store) ManualRelease(ctx context.Context, orgID, opID, claimID uuid.UUID) error {
	_, err := s.writeExec(ctx, `UPDATE integration_manual_queue SET claim_id = NULL, claimed_until = NULL
		WHERE organization_id = ?1 AND id = ?2 AND claim_id = ?3 AND replayed_at IS NULL`, orgID, opID, claimID)
	return err
}

// ManualPending implements [storage.ManualStore].
func (s *Store) ManualPending(ctx context.Context, orgID, integrationID uuid.UUID) (int, error) {
	return readRow(ctx, s, func(r row) (int, error) {
		var n int
		return n, mapErr(r.Scan(&n))
	}, `SELECT count(*) FROM integration_manual_queue WHERE organization_id = ?1 AND integration_id = ?2
		AND replayed_at IS NULL`, orgID, integrationID)
}
