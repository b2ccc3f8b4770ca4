package integration

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/intimeos/integrations/storage"
)

// Manager is the one entry point a host wires up: the catalog, configuring
// integrations, the call path every provider call takes ([Manager.Dispatch]),
// health checks, and the dashboard's figures. It is safe for concurrent
// use; make one per process. [Manager.Start] runs its background work
// (batched recording and health checks) and [Manager.Stop] ends it.
type Manager struct {
	cfg     Config
	store   storage.Store
	reg     *registry
	catalog *Catalog
	hooks   *hookSet
	res     *resolver
	quotas  *quotaTable
	rec     *Recorder
	pins    pinSet

	mu      sync.Mutex
	running *runner
}

var _ Dispatcher = (*Manager)(nil)

// New returns a Manager configured by cfg. Nothing runs in the background
// until [Manager.Start].
func New(cfg *Config) (*Manager, error) {
	c := cfg.WithDefaults()
	if err := c.validate(); err != nil {
		return nil, err
	}
	m := &Manager{cfg: c, store: c.Store, reg: newRegistry(c.Providers), catalog: c.Catalog, hooks: &hookSet{}}
	m.res = newResolver(m)
	m.quotas = newQuotaTable(m)
	m.rec = newRecorder(m)
	return m, nil
}

// runner holds what Start started.
type runner struct {
	// stopClaiming ends the scheduler's claims; abortChecks cancels the
	// checks in flight when Stop's context ends.
	stopClaiming context.CancelFunc
	abortChecks  context.CancelFunc
	wg           sync.WaitGroup
}

// Start starts the batched recorder, the health-check scheduler and log
// maintenance (retention, daily summaries). They
// run until [Manager.Stop]; ctx only bounds Start. Run Start on every host:
// health checks are claimed rows, shared without a leader. Without Start
// everything works, but each call's record is written on its own, and
// nothing is checked on a schedule.
func (m *Manager) Start(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.running != nil {
		return errors.New("integration: manager already started")
	}
	claimCtx, stopClaiming := context.WithCancel(context.Background())
	checkCtx, abortChecks := context.WithCancel(context.Background())
	r := &runner{stopClaiming: stopClaiming, abortChecks: abortChecks}
	m.rec.start()
	if !m.cfg.NoHealthCheckScheduler {
		r.wg.Go(func() { m.scheduleLoop(claimCtx, checkCtx) })
	}
	if !m.cfg.NoLogMaintenance {
		r.wg.Go(func() { m.logMaintenanceLoop(claimCtx) })
	}
	m.running = r
	return nil
}

// Stop stops the health-check scheduler (checks in flight finish, unless
// ctx ends first: then they are cancelled and their results dropped, to be
// checked again by any host once their lease expires), writes every queued
// record,
// and gives back the quota units this process reserved but did not use.
// Records that cannot be written by the time ctx ends are counted in
// [RecorderStats.Lost]. Stop on a Manager that is not running only gives
// the quota back.
func (m *Manager) Stop(ctx context.Context) error {
	m.mu.Lock()
	r := m.running
	m.running = nil
	m.mu.Unlock()
	var err error
	if r != nil {
		r.stopClaiming()
		done := make(chan struct{})
		go func() { r.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			err = ctx.Err()
			r.abortChecks()
			<-done
		}
		r.abortChecks()
		err = errors.Join(err, m.rec.stop(ctx))
	}
	m.quotas.giveBack(ctx)
	return err
}

// now is the Manager's clock in UTC, truncated to microseconds like the
// stores.
func (m *Manager) now() time.Time { return m.cfg.Clock().UTC().Truncate(time.Microsecond) }

// ProvidersRefresh forgets the cached descriptions of the providers, so
// that the catalog and forms show a plugin replaced since.
func (m *Manager) ProvidersRefresh() { m.reg.refresh() }

// Store returns the Manager's store.
func (m *Manager) Store() storage.Store { return m.store }
