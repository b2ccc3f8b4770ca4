package oauth

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/singleflight"

	"github.com/intimeos/integrations/storage"
)

// Store is what a [Connector] needs of [storage.Store].
type Store interface {
	storage.IntegrationStore
	storage.OAuthStore
	storage.OAuthRefreshStore
}

// Connector connects OAuth accounts to integrations and keeps their tokens
// fresh. It is safe for concurrent use; make one per process and share it,
// so that every caller of one connection shares one lock and one cache.
type Connector struct {
	store   Store
	cfg     Config
	flights singleflight.Group

	mu    sync.Mutex
	cache map[uuid.UUID]*storage.OAuthToken // by integration ID

	discoMu sync.Mutex
	disco   map[string]*discovery // by issuer URL
}

// New returns a Connector on store. cfg is required (BaseURL has no
// default); New copies it and fills the other defaults.
func New(store Store, cfg *Config) (*Connector, error) {
	if store == nil {
		return nil, errors.New("oauth: store is nil")
	}
	if cfg == nil {
		return nil, errors.New("oauth: Config is required (BaseURL)")
	}
	c := &Connector{store: store, cfg: cfg.WithDefaults(), cache: map[uuid.UUID]*storage.OAuthToken{}, disco: map[string]*discovery{}}
	if err := c.cfg.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Connector) now() time.Time { return c.cfg.Clock().UTC() }

func (c *Connector) cached(integrationID uuid.UUID) *storage.OAuthToken {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cache[integrationID]
}

// remember caches t unless the cache holds a newer version of the same row.
func (c *Connector) remember(t *storage.OAuthToken) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.cache[t.IntegrationID]; old == nil || old.ID != t.ID || old.Version <= t.Version {
		c.cache[t.IntegrationID] = t
	}
}

func (c *Connector) forget(integrationID uuid.UUID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.cache, integrationID)
}

// integration loads an integration and its validated settings.
func (c *Connector) integration(ctx context.Context, orgID, id uuid.UUID) (*storage.Integration, *endpoint, error) {
	in, err := c.store.IntegrationGet(ctx, orgID, id)
	if err != nil {
		return nil, nil, err
	}
	s, err := c.cfg.Settings(ctx, in)
	if err != nil {
		return nil, nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, nil, err
	}
	ep, err := c.endpoint(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	return in, ep, nil
}
