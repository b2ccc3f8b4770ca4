package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// APIAccessStore holds what package apiaccess keeps beyond [APITokenStore]:
// per-token settings and rotation, a feed of token changes, the shared
// rate-limit windows, usage counters, anomaly claims and the marks of
// Zapier's webhook subscriptions. Its tables (migration 0009):
//
//   - api_token_settings: one row per token made by [APITokenInfoStore]:
//     rate limits, and the token it replaced or was replaced by.
//   - api_token_changes: a feed of revocations, rotations and limit changes
//     that every host reads to drop its cached copy of a token.
//   - api_rate_windows: per limit key and window, how much of the limit
//     the hosts have leased so far.
//   - api_usage, api_throttles: request counts per minute, token, route
//     and status class; refused requests per minute, token, route and limit.
//   - api_anomalies: one row per token and minute found anomalous, so that
//     one host reports it.
//   - zapier_hooks: the webhook subscriptions made through Zapier's REST
//     hooks (deleted with the subscription).
type APIAccessStore interface {
	APITokenInfoStore
	APIRateStore
	APIUsageStore
	ZapierHookStore
	// APIAccessPrune deletes what the cut-offs of p leave behind and
	// returns how many rows it deleted.
	APIAccessPrune(ctx context.Context, p *APIAccessPruneParams) (int, error)
}

// APITokenInfo is an API token with its settings. Tokens made by
// [APITokenStore.APITokenCreate] have no settings row: their optional fields
// are nil.
type APITokenInfo struct {
	APIToken
	// PerMinute and PerHour override the default rate limits; nil means
	// the default.
	PerMinute *int
	PerHour   *int
	// RotatedFrom is the token this one replaced; ReplacedBy the token
	// that replaced this one. Nil when there is none.
	RotatedFrom *uuid.UUID
	ReplacedBy  *uuid.UUID
}

// APITokenInfoCreateParams are a new token and its settings.
type APITokenInfoCreateParams struct {
	APITokenCreateParams
	PerMinute *int
	PerHour   *int
}

// APITokenRotateParams replace a token with a new one that keeps its
// organization, name, scopes and limits.
type APITokenRotateParams struct {
	OrganizationID uuid.UUID
	// ID is the token being replaced.
	ID uuid.UUID
	// Prefix and Hash are the new token's; ExpiresAt its expiry (nil:
	// none).
	Prefix    string
	Hash      string
	ExpiresAt *time.Time
	// OldValidUntil is when the old token stops working: nil or a time
	// not after the store's clock revokes it at once; a later time sets its
	// expiry to that time (or keeps an earlier expiry).
	OldValidUntil *time.Time
}

// APITokenLimitsParams set a token's rate limits; nil clears an override.
type APITokenLimitsParams struct {
	OrganizationID uuid.UUID
	ID             uuid.UUID
	PerMinute      *int
	PerHour        *int
}

// APITokenChange is one entry of the change feed: a token whose cached
// copies must be dropped.
type APITokenChange struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	TokenID        uuid.UUID
	// Hash is the token's hash, the key hosts cache it by.
	Hash      string
	ChangedAt time.Time
}

// APITokenInfoStore keeps tokens with their settings. Every change that
// can refuse a token or change its limits is written to the change feed in
// the same transaction.
type APITokenInfoStore interface {
	// APITokenInfoCreate writes a token and its settings in one
	// transaction. A hash already used is [ErrConflict].
	APITokenInfoCreate(ctx context.Context, p *APITokenInfoCreateParams) (*APITokenInfo, error)
	APITokenInfoGet(ctx context.Context, orgID, id uuid.UUID) (*APITokenInfo, error)
	// APITokenInfoGetByHash finds a token by its hash in any organization:
	// it is how a request is authenticated. Revoked and expired tokens are
	// found too, so the caller can say why it refuses them.
	APITokenInfoGetByHash(ctx context.Context, hash string) (*APITokenInfo, error)
	// APITokenInfoList lists an organization's tokens, newest first.
	APITokenInfoList(ctx context.Context, orgID uuid.UUID) ([]*APITokenInfo, error)
	// APITokenInfoRotate creates the replacement and retires the old token
	// in one transaction, and returns the new token. A token that is
	// revoked or already replaced is [ErrConflict], so that of two
	// rotations at once only one succeeds.
	APITokenInfoRotate(ctx context.Context, p *APITokenRotateParams) (*APITokenInfo, error)
	// APITokenInfoRevoke revokes a token at once (keeping an earlier
	// revocation time) and writes the change feed.
	APITokenInfoRevoke(ctx context.Context, orgID, id uuid.UUID) (*APITokenInfo, error)
	// APITokenInfoLimitsSet changes a token's rate limits.
	APITokenInfoLimitsSet(ctx context.Context, p *APITokenLimitsParams) (*APITokenInfo, error)
	// APITokenChanges returns the feed entries written at or after since,
	// in any organization, oldest first.
	APITokenChanges(ctx context.Context, since time.Time) ([]*APITokenChange, error)
}

// APIRateLeaseParams ask for part of a limit's budget in one window.
type APIRateLeaseParams struct {
	// Key names the limit ("t:<token>:m", say); the store treats it as
	// opaque.
	Key            string
	OrganizationID uuid.UUID
	WindowStart    time.Time
	WindowEnd      time.Time
	// Limit is the window's budget; the latest lease's Limit applies.
	Limit int
	// Want is how much the caller asks for, at least 1.
	Want int
}

// APIRateGrant is what one lease obtained.
type APIRateGrant struct {
	Key         string
	WindowStart time.Time
	// Granted is this lease's share, 0 when the window's budget is spent.
	Granted int
	// Total is what all hosts have leased in the window, Granted included.
	Total int
	Limit int
}

// APIRateReturnParams give back leased budget that was not used.
type APIRateReturnParams struct {
	Key         string
	WindowStart time.Time
	N           int
}

// APIRateStore keeps the budget of each rate-limit window, which the hosts
// lease in chunks. The sum of the grants of a window never exceeds its limit.
type APIRateStore interface {
	// APIRateLease leases budget for each of ps, atomically per window, and
	// returns the grants in the order of ps. A grant is the least of Want,
	// what is left, and half of what is left rounded up, so that hosts
	// leasing at once share the end of a budget instead of one taking it.
	APIRateLease(ctx context.Context, ps []*APIRateLeaseParams) ([]*APIRateGrant, error)
	// APIRateReturn gives unused budget back (never below zero).
	APIRateReturn(ctx context.Context, ps []*APIRateReturnParams) error
}

// APIAccessPruneParams are the cut-offs of [APIAccessStore.APIAccessPrune];
// a zero time keeps that table.
type APIAccessPruneParams struct {
	// UsageBefore removes usage, throttle and anomaly rows of buckets
	// that started before it.
	UsageBefore time.Time
	// WindowsBefore removes rate windows that ended before it.
	WindowsBefore time.Time
	// ChangesBefore removes change feed entries written before it.
	ChangesBefore time.Time
}

// FirstGrant is the grant of a window's first lease: the least of Want, the
// limit and half the limit rounded up (never negative). Backends use it as
// the inserted row's grant; a later lease applies the same rule to what is
// left, and since half of what is left is never more than half the limit,
// FirstGrant carries all a later lease needs to know of Want.
func FirstGrant(p *APIRateLeaseParams) int {
	return max(0, min(p.Want, p.Limit, (p.Limit+1)/2))
}

// CheckRateLeases refuses leases a backend cannot apply: an empty key, a
// Want below 1, a negative limit, a window that does not end after it
// starts, or the same window twice.
func CheckRateLeases(ps []*APIRateLeaseParams) error {
	type window struct {
		key   string
		start int64
	}
	seen := make(map[window]bool, len(ps))
	for _, p := range ps {
		switch {
		case p.Key == "":
			return errors.New("storage: rate lease: empty key")
		case p.Want < 1 || p.Limit < 0:
			return fmt.Errorf("storage: rate lease %s: want %d, limit %d", p.Key, p.Want, p.Limit)
		case !p.WindowEnd.After(p.WindowStart):
			return fmt.Errorf("storage: rate lease %s: window ends before it starts", p.Key)
		}
		w := window{p.Key, p.WindowStart.UnixMicro()}
		if seen[w] {
			return fmt.Errorf("storage: rate lease %s: same window twice", p.Key)
		}
		seen[w] = true
	}
	return nil
}
