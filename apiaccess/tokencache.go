package apiaccess

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/singleflight"

	"github.com/intimeos/integrations/storage"
)

// tokenCacheMax bounds the tokens (and unknown hashes) held in memory.
const tokenCacheMax = 100_000

// Principal is who made a request: the token and its organization. The
// middleware puts it in the request's context; read it with
// [PrincipalFrom]. Hosts scope every query by OrganizationID.
type Principal struct {
	OrganizationID uuid.UUID
	TokenID        uuid.UUID
	TokenName      string
	// Scopes are shared by every request of the token: read, never modify.
	Scopes []string

	// limits of the token: per minute, per hour.
	perMinute, perHour int
}

// HasScope reports whether the token holds scope.
func (p *Principal) HasScope(scope string) bool { return slices.Contains(p.Scopes, scope) }

// cachedToken is a token as the request path sees it.
type cachedToken struct {
	// info is nil for a hash that matches no token.
	info      *storage.APITokenInfo
	principal *Principal
	fetched   time.Time
}

// tokenCache keeps tokens by hash. A revocation on this host evicts at
// once; revocations on other hosts arrive through the change feed, read
// by sync. An eviction bumps gen, and a lookup that began before it does
// not cache what it read, which may predate the change.
type tokenCache struct {
	store   storage.APITokenInfoStore
	ttl     time.Duration
	timeout time.Duration
	lim     func(*storage.APITokenInfo) (int, int)
	group   singleflight.Group

	mu     sync.RWMutex
	byHash map[string]*cachedToken
	gen    uint64

	syncMu   sync.Mutex
	applied  map[uuid.UUID]time.Time // change feed entries already applied
	lastSync time.Time
}

func newTokenCache(store storage.APITokenInfoStore, cfg *Config, lim func(*storage.APITokenInfo) (int, int)) *tokenCache {
	return &tokenCache{store: store, ttl: cfg.TokenCacheTTL, timeout: cfg.StoreTimeout, lim: lim,
		byHash: map[string]*cachedToken{}, applied: map[uuid.UUID]time.Time{}}
}

// lookup returns the token whose hash is hash, from memory when fresh.
// A hash of no token is (nil, nil).
func (c *tokenCache) lookup(ctx context.Context, hash string, now time.Time) (*cachedToken, error) {
	c.mu.RLock()
	e, ok := c.byHash[hash]
	gen := c.gen
	c.mu.RUnlock()
	if ok && now.Sub(e.fetched) < c.ttl && !now.Before(e.fetched) {
		return e, nil
	}
	v, err, _ := c.group.Do(hash, func() (any, error) { return c.fetch(ctx, hash, now, gen) })
	if err != nil {
		return nil, err
	}
	return v.(*cachedToken), nil
}

func (c *tokenCache) fetch(ctx context.Context, hash string, now time.Time, gen uint64) (*cachedToken, error) {
	// The lookup is shared by every request waiting for this hash: one
	// caller's cancellation must not fail the others.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
	defer cancel()
	info, err := c.store.APITokenInfoGetByHash(ctx, hash)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	e := &cachedToken{fetched: now}
	if err == nil {
		perMin, perHour := c.lim(info)
		e.info = info
		e.principal = &Principal{OrganizationID: info.OrganizationID, TokenID: info.ID, TokenName: info.Name,
			Scopes: slices.Clone(info.Scopes), perMinute: perMin, perHour: perHour}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		if len(c.byHash) >= tokenCacheMax {
			c.shrinkLocked()
		}
		c.byHash[hash] = e
	}
	return e, nil
}

// shrinkLocked drops about a tenth of the entries (map order is random).
func (c *tokenCache) shrinkLocked() {
	n := len(c.byHash) / 10
	for h := range c.byHash {
		if n <= 0 {
			return
		}
		delete(c.byHash, h)
		n--
	}
}

// evict forgets a token.
func (c *tokenCache) evict(hashes ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, h := range hashes {
		delete(c.byHash, h)
	}
	for _, h := range hashes {
		c.group.Forget(h)
	}
}

// sync reads the change feed since the last read, less overlap, and evicts
// the tokens it names that were not evicted for that entry already.
func (c *tokenCache) sync(ctx context.Context, now time.Time, overlap time.Duration) error {
	c.syncMu.Lock()
	defer c.syncMu.Unlock()
	since := now.Add(-overlap)
	if !c.lastSync.IsZero() && c.lastSync.Add(-overlap).Before(since) {
		since = c.lastSync.Add(-overlap)
	}
	changes, err := c.store.APITokenChanges(ctx, since)
	if err != nil {
		return err
	}
	var hashes []string
	for _, ch := range changes {
		if _, done := c.applied[ch.ID]; !done {
			c.applied[ch.ID] = ch.ChangedAt
			hashes = append(hashes, ch.Hash)
		}
	}
	if len(hashes) > 0 {
		c.evict(hashes...)
	}
	for id, at := range c.applied {
		if at.Before(since) {
			delete(c.applied, id)
		}
	}
	c.lastSync = now
	return nil
}
