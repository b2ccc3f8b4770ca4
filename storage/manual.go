package storage

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// ManualOperation is an operation queued while its integration is in manual
// mode (a row of integration_manual_queue).
type ManualOperation struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	// Seq orders the queue: replays run in Seq order.
	Seq int64
	// Operation is the queued operation as JSON (providers.Operation),
	// plaintext here and sealed at rest.
	Operation  json.RawMessage
	CreatedAt  time.Time
	ReplayedAt *time.Time
	// ClaimID is the claim that holds the row, when it is claimed.
	ClaimID uuid.UUID
}

// ManualEnqueueParams queue an operation of an integration in manual mode.
type ManualEnqueueParams struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	Operation      json.RawMessage
}

// ManualClaimParams claim the oldest pending operation of an integration.
type ManualClaimParams struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	// Now is the claimer's clock and Lease how long the claim holds the
	// row: another claim gets it only after Now+Lease.
	Now   time.Time
	Lease time.Duration
}

// ManualStore keeps the manual-mode flag of integrations and the durable
// queue of the operations their calls make meanwhile (UC-ADMIN-007 §9).
// Replays are sequential per integration: only the oldest pending row can
// be claimed, and a claimed row is marked replayed once, under its claim.
type ManualStore interface {
	// ManualModeSet turns an integration's manual mode on or off. Off is
	// refused with [ErrConflict] while operations are pending: replay them
	// first.
	ManualModeSet(ctx context.Context, orgID, id uuid.UUID, on bool) (*IntegrationHealth, error)
	// ManualEnqueue queues an operation at the end of the integration's
	// queue; [ErrConflict] when the integration is not in manual mode.
	ManualEnqueue(ctx context.Context, p *ManualEnqueueParams) (*ManualOperation, error)
	// ManualClaim claims the integration's oldest pending operation:
	// [ErrNotFound] when none is pending, [ErrConflict] when another
	// claim holds it.
	ManualClaim(ctx context.Context, p *ManualClaimParams) (*ManualOperation, error)
	// ManualMarkReplayed marks a claimed operation replayed at at;
	// [ErrConflict] when the claim no longer holds it.
	ManualMarkReplayed(ctx context.Context, orgID, opID, claimID uuid.UUID, at time.Time) error
	// ManualRelease gives a claimed operation back, pending.
	ManualRelease(ctx context.Context, orgID, opID, claimID uuid.UUID) error
	// ManualPending counts an integration's pending operations.
	ManualPending(ctx context.Context, orgID, integrationID uuid.UUID) (int, error)
}
