package integration

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// leaseMargin is added to twice the check timeout to make a claim's lease:
// a claimed check starts at once (a claim takes no more rows than free
// slots), so it ends well before its lease and no other host checks the
// integration again in the same round.
const leaseMargin = 10 * time.Second

// checkLease is how long a claimed health check stays reserved.
func (m *Manager) checkLease() time.Duration { return 2*m.cfg.HealthCheckTimeout + leaseMargin }

// scheduleLoop runs due health checks until claimCtx ends; checks in
// flight run on checkCtx.
func (m *Manager) scheduleLoop(claimCtx, checkCtx context.Context) {
	for {
		n, err := m.runDue(claimCtx, checkCtx)
		if claimCtx.Err() != nil {
			return
		}
		if err != nil {
			m.cfg.Logger.Error("integration: claim health checks", "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-claimCtx.Done():
			return
		case <-time.After(m.cfg.HealthCheckPoll):
		}
	}
}

// HealthCheckRun runs every health check that is due now, at most
// Config.HealthCheckConcurrency at a time, and returns how many it ran when
// they are done. Started Managers do this on their own every
// Config.HealthCheckPoll; several hosts share the checks through claims.
func (m *Manager) HealthCheckRun(ctx context.Context) (int, error) {
	return m.runDue(ctx, ctx)
}

// runDue runs due checks on Config.HealthCheckConcurrency workers until a
// claim comes back short (nothing more is due) or claimCtx ends, and
// returns when the checks it started are done. Claims come in batches:
// the claimer keeps up to one batch (the concurrency) of claimed checks
// waiting beside the ones running, and claims again when half of it is
// free, so a claim's round trip is paid once per half batch, not per
// check. A claimed check waits at most one check's time before it runs,
// well within its lease.
func (m *Manager) runDue(claimCtx, checkCtx context.Context) (int, error) {
	conc := m.cfg.HealthCheckConcurrency
	jobs := make(chan *storage.IntegrationHealth, conc)
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for h := range jobs {
				m.runClaimed(checkCtx, h)
			}
		})
	}
	defer wg.Wait()
	defer close(jobs)
	total := 0
	for {
		room := cap(jobs) - len(jobs)
		if room < (conc+1)/2 && total > 0 {
			if err := waitRoom(claimCtx, jobs, (conc+1)/2); err != nil {
				return total, err
			}
			continue
		}
		hs, err := m.store.IntegrationCheckClaim(claimCtx, &storage.IntegrationCheckClaimParams{
			Now: m.now(), Limit: room, Lease: m.checkLease()})
		if err != nil {
			return total, err
		}
		for _, h := range hs {
			jobs <- h
		}
		total += len(hs)
		if len(hs) < room {
			return total, nil
		}
	}
}

// waitRoom waits until jobs has room for n more, polling as checks take
// claimed rows.
func waitRoom(ctx context.Context, jobs chan *storage.IntegrationHealth, n int) error {
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for cap(jobs)-len(jobs) < n {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// runClaimed runs a claimed check and stores its result under the claim's
// lease. A check cut short by Stop is dropped: the lease expires and any
// host checks it again.
func (m *Manager) runClaimed(ctx context.Context, h *storage.IntegrationHealth) {
	t, o := m.checkStored(ctx, h, nil)
	if ctx.Err() != nil {
		return
	}
	_, err := m.applyCheck(ctx, t, o, m.interval(h), h.NextCheckAt, CauseHealthCheck)
	if err != nil && !errors.Is(err, storage.ErrConflict) && !errors.Is(err, storage.ErrNotFound) {
		m.cfg.Logger.Error("integration: store a health check", "integration", h.ID, "err", err)
	}
}

// checkStored runs the check of a stored integration, or takes tested, a
// check of its settings just run. One whose settings or provider cannot be
// used fails the check with the reason.
func (m *Manager) checkStored(ctx context.Context, h *storage.IntegrationHealth, tested *checkOutcome) (*target, *checkOutcome) {
	t := &target{orgID: h.OrganizationID, id: h.ID, typ: h.Type, name: h.Name, display: h.Provider}
	s, err := decodeSettings(h.Config)
	if err == nil {
		var tt *target
		if tt, err = m.newTarget(ctx, &h.Integration, s); err == nil {
			if tested != nil {
				return tt, tested
			}
			return tt, m.check(ctx, tt)
		}
	}
	return t, &checkOutcome{err: err, start: m.now(), message: scrub(providers.UserMessage(err, t.display), nil),
		class: retry.ClassifyError(err).Class}
}

// HealthCheckAll checks every integration of an organization that is not
// disabled now ("Health Check All"), Config.HealthCheckConcurrency at a
// time, and returns them with their tests, oldest first. Each check
// reschedules the integration's next one.
func (m *Manager) HealthCheckAll(ctx context.Context, orgID uuid.UUID) ([]*Integration, error) {
	hs, err := m.healthList(ctx, orgID, "")
	if err != nil {
		return nil, err
	}
	out := make([]*Integration, len(hs))
	errs := make([]error, len(hs))
	sem := make(chan struct{}, m.cfg.HealthCheckConcurrency)
	var wg sync.WaitGroup
	for i, h := range hs {
		if h.Status == storage.IntegrationDisabled {
			out[i], errs[i] = m.view(ctx, h)
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			out[i], errs[i] = m.checkOne(ctx, h, nil, CauseHealthCheck)
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// checkOne checks an integration now (or records tested) and returns its
// view with the test.
func (m *Manager) checkOne(ctx context.Context, h *storage.IntegrationHealth, tested *checkOutcome, cause string) (*Integration, error) {
	t, o := m.checkStored(ctx, h, tested)
	ch, err := m.applyCheck(ctx, t, o, m.interval(h), nil, cause)
	if errors.Is(err, storage.ErrConflict) {
		return m.IntegrationGet(ctx, h.OrganizationID, h.ID)
	}
	if err != nil {
		return nil, err
	}
	in, err := m.view(ctx, ch.Integration)
	if err != nil {
		return nil, err
	}
	in.Check = o.res
	return in, nil
}
