package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// IntegrationHealth is an integration with the fields the integration
// Manager keeps about its health and activity (the columns of migration
// 0008): its own health-check interval, when its status last changed, and
// whether its last call failed.
type IntegrationHealth struct {
	Integration
	// CheckInterval is the integration's own health-check interval; zero
	// means the Manager's default.
	CheckInterval time.Duration
	// StatusChangedAt is when Status last changed through
	// [IntegrationHealthStore.IntegrationStatusSet], or nil if it never did.
	StatusChangedAt *time.Time
	// LastSyncError is the error of the call recorded at LastSync, or ""
	// when that call succeeded.
	LastSyncError string
	// ManualMode reports whether the integration's calls are queued
	// ([ManualStore]) until it is re-enabled.
	ManualMode bool
}

// IntegrationCheckClaimParams select the health checks to lease.
type IntegrationCheckClaimParams struct {
	// Now is the claimer's clock: integrations whose next_check_at is at or
	// before it are due.
	Now time.Time
	// Limit is the most integrations one claim leases.
	Limit int
	// Lease is how long a claimed check stays reserved: next_check_at
	// becomes Now+Lease, which is also the claim's fencing token.
	Lease time.Duration
}

// IntegrationStatusSetParams record a health check's result or an admin's
// change of state.
type IntegrationStatusSetParams struct {
	OrganizationID uuid.UUID
	ID             uuid.UUID
	Status         IntegrationStatus
	// ErrorMessage replaces error_message; "" clears it.
	ErrorMessage string
	// CheckedAt, when set, becomes last_health_check.
	CheckedAt *time.Time
	// NextCheckAt, when set, becomes next_check_at; ClearNextCheck sets it
	// to NULL (the integration is no longer scheduled). Neither leaves it.
	NextCheckAt    *time.Time
	ClearNextCheck bool
	// Lease, when set, is the next_check_at a claim returned: the change
	// applies only while the row still holds it (no other claim, reschedule
	// or state change came between), else [ErrConflict].
	Lease *time.Time
	// KeepDisabled leaves a disabled integration as it is ([ErrConflict]):
	// a check that ends after an admin disabled the integration must not
	// bring it back.
	KeepDisabled bool
}

// Applies returns nil when the change may apply to a row whose status is
// prev and whose next_check_at is next (nil for NULL), and an error
// wrapping [ErrConflict] when KeepDisabled or the lease forbid it. Backends
// call it on the row they locked.
func (p *IntegrationStatusSetParams) Applies(prev IntegrationStatus, next *time.Time) error {
	if p.KeepDisabled && prev == IntegrationDisabled {
		return fmt.Errorf("%w: integration %s is disabled", ErrConflict, p.ID)
	}
	if p.Lease != nil && (next == nil || !next.Equal(p.Lease.Truncate(time.Microsecond))) {
		return fmt.Errorf("%w: the health check lease of integration %s has passed", ErrConflict, p.ID)
	}
	return nil
}

// IntegrationStatusChange is the outcome of a status change: the status
// before it and the row after it.
type IntegrationStatusChange struct {
	Previous    IntegrationStatus
	Integration *IntegrationHealth
}

// Changed reports whether the status changed.
func (c *IntegrationStatusChange) Changed() bool { return c.Previous != c.Integration.Status }

// IntegrationScheduleParams change when an integration is checked. Nil
// fields are left as they are.
type IntegrationScheduleParams struct {
	OrganizationID uuid.UUID
	ID             uuid.UUID
	// CheckInterval, when set, becomes the integration's own interval; a
	// zero duration returns it to the Manager's default.
	CheckInterval *time.Duration
	NextCheckAt   *time.Time
}

// IntegrationHealthStore keeps the health fields of integrations and
// schedules health checks as claimable rows: a check is due when
// next_check_at has passed, and a claim leases it by pushing next_check_at
// ahead, so any number of processes share the checks without a leader and
// no integration is claimed twice while its lease lasts.
type IntegrationHealthStore interface {
	// IntegrationHealthGet returns an integration with its health fields.
	IntegrationHealthGet(ctx context.Context, orgID, id uuid.UUID) (*IntegrationHealth, error)
	// IntegrationHealthList lists integrations with their health fields,
	// filtered and paged as [IntegrationStore.IntegrationList].
	IntegrationHealthList(ctx context.Context, p *IntegrationListParams) (*Page[*IntegrationHealth], error)
	// IntegrationCheckClaim leases up to p.Limit integrations, of every
	// organization, that are not disabled and whose next_check_at is at or
	// before p.Now, earliest first. Their next_check_at becomes
	// p.Now+p.Lease. Concurrent claims never return the same row.
	IntegrationCheckClaim(ctx context.Context, p *IntegrationCheckClaimParams) ([]*IntegrationHealth, error)
	// IntegrationStatusSet sets the status, error message and check times
	// atomically, stamping status_changed_at when the status changes, and
	// returns the status before with the row after. A fenced or
	// KeepDisabled change that does not apply is [ErrConflict].
	IntegrationStatusSet(ctx context.Context, p *IntegrationStatusSetParams) (*IntegrationStatusChange, error)
	// IntegrationScheduleSet changes an integration's interval and next
	// check.
	IntegrationScheduleSet(ctx context.Context, p *IntegrationScheduleParams) (*IntegrationHealth, error)
}
