package integration

import (
	"time"

	"github.com/intimeos/integrations/storage"
)

// Manager is the one entry point a host wires up: the catalog, configuring
// integrations, the call path every provider call takes, health checks, and
// the dashboard's figures. It is safe for concurrent use; make one per
// process.
type Manager struct {
	cfg     Config
	store   storage.Store
	reg     *registry
	catalog *Catalog
	hooks   *hookSet
}

// New returns a Manager configured by cfg.
func New(cfg *Config) (*Manager, error) {
	c := cfg.WithDefaults()
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &Manager{cfg: c, store: c.Store, reg: newRegistry(c.Providers), catalog: c.Catalog, hooks: &hookSet{}}, nil
}

// now is the Manager's clock in UTC, truncated to microseconds like the
// stores.
func (m *Manager) now() time.Time { return m.cfg.Clock().UTC().Truncate(time.Microsecond) }

// ProvidersRefresh forgets the cached descriptions of the providers, so
// that the catalog and forms show a plugin replaced since.
func (m *Manager) ProvidersRefresh() { m.reg.refresh() }

// Store returns the Manager's store.
func (m *Manager) Store() storage.Store { return m.store }
