package storage

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// OAuthRefreshFunc decides, while the token row is locked, what to write.
// It receives the row as it is now (re-read after the lock was taken) and
// returns the new token set, or nil to keep the row as it is (another
// refresher got there first). The returned params' OrganizationID, ID and
// ExpectVersion are ignored: the store takes them from current. An error
// aborts without writing and is returned as is.
//
// The function runs inside the store's lock: it must not call the Store.
type OAuthRefreshFunc func(current *OAuthToken) (*OAuthTokenUpdateParams, error)

// OAuthRefreshStore serialises OAuth token refreshes across processes and
// schedules proactive refreshes as claimable rows.
type OAuthRefreshStore interface {
	// OAuthTokenRefresh runs fn while holding an exclusive lock on the
	// token row that every process sharing the database respects
	// (PostgreSQL: SELECT ... FOR UPDATE in a transaction; SQLite: the
	// write lock of BEGIN IMMEDIATE), then applies fn's update with a
	// version check and returns the row as it is after the call. A token of
	// another organization is [ErrNotFound] and fn is not called.
	OAuthTokenRefresh(ctx context.Context, orgID, id uuid.UUID, fn OAuthRefreshFunc) (*OAuthToken, error)
	// OAuthTokenClaimExpiring leases up to limit token sets, of any
	// organization, that have a refresh token, expire before now+within and
	// are not leased, oldest expiry first. Each stays leased until
	// now+lease, so that another process's claim skips it; a refresh does
	// not end the lease, it simply moves the expiry out of the window.
	OAuthTokenClaimExpiring(ctx context.Context, now time.Time, within time.Duration, limit int, lease time.Duration) ([]*OAuthToken, error)
}
