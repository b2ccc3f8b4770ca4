package integration

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/singleflight"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// route is a resolved "organization's integration of type T": the primary
// and its backup made callable behind a failover group with their
// breakers, the retry policy in force and the quota. Routes are cached per
// organization and type for Config.CacheTTL; a route whose rows did not
// change is kept when it is revalidated, with its breakers' state.
type route struct {
	orgID uuid.UUID
	typ   string
	// err is why the type cannot be called (not configured, provider not
	// installed), disabled when the primary is disabled.
	err      error
	disabled *DisabledError
	members  []*target
	group    *providers.Group
	// policy is the retry policy in force; attempt is the policy Do runs
	// (429 honoured, see attemptErr).
	policy  retry.Policy
	attempt retry.Policy
	quota   *quotaLease
	// manual is set when the primary is in manual mode: Dispatch queues.
	manual *manualRoute
	// restoring is set while a manual switch is applied to the route
	// being built: it is not reported again.
	restoring bool
	// fingerprint identifies the rows the route was built from.
	fingerprint string
	loaded      time.Time
}

type routeKey struct {
	orgID uuid.UUID
	typ   string
}

// resolver caches routes.
type resolver struct {
	m       *Manager
	mu      sync.RWMutex
	routes  map[routeKey]*route
	gens    map[uuid.UUID]uint64
	flights singleflight.Group
}

func newResolver(m *Manager) *resolver {
	return &resolver{m: m, routes: map[routeKey]*route{}, gens: map[uuid.UUID]uint64{}}
}

// invalidate drops an organization's routes: a change made through this
// Manager applies to the next call.
func (m *Manager) invalidate(orgID uuid.UUID) {
	r := m.res
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gens[orgID]++
	for k := range r.routes {
		if k.orgID == orgID {
			delete(r.routes, k)
		}
	}
}

// get returns the route of an organization's type, from the cache while it
// is fresh.
func (r *resolver) get(ctx context.Context, orgID uuid.UUID, typ string) (*route, error) {
	key := routeKey{orgID, typ}
	r.mu.RLock()
	rt := r.routes[key]
	gen := r.gens[orgID]
	r.mu.RUnlock()
	now := r.m.cfg.Clock()
	if rt != nil && now.Sub(rt.loaded) < r.m.cfg.CacheTTL && !now.Before(rt.loaded) {
		return rt, nil
	}
	v, err, _ := r.flights.Do(orgID.String()+"/"+typ, func() (any, error) {
		fresh, err := r.load(context.WithoutCancel(ctx), key, rt)
		if err != nil {
			return nil, err
		}
		r.mu.Lock()
		if r.gens[orgID] == gen { // no change was made while it loaded
			r.routes[key] = fresh
		}
		r.mu.Unlock()
		return fresh, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*route), nil
}

// load reads a route's rows and builds it, or keeps prev when they did not
// change.
func (r *resolver) load(ctx context.Context, key routeKey, prev *route) (*route, error) {
	m := r.m
	primary, backup, err := m.routeMembers(ctx, key.orgID, key.typ)
	if err != nil {
		return nil, err
	}
	now := m.cfg.Clock()
	if primary == nil {
		return &route{orgID: key.orgID, typ: key.typ, loaded: now,
			err: &NotConfiguredError{OrganizationID: key.orgID, Type: key.typ}}, nil
	}
	var orgPolicy *retry.Policy
	if ownPolicy(primary.RetryPolicy) == nil {
		if orgPolicy, err = m.OrganizationRetryPolicy(ctx, key.orgID); err != nil {
			return nil, err
		}
	}
	fp := fingerprint(primary, backup, orgPolicy)
	if prev != nil && prev.fingerprint == fp {
		kept := *prev
		kept.loaded = now
		return &kept, nil
	}
	rt := &route{orgID: key.orgID, typ: key.typ, fingerprint: fp, loaded: now}
	if primary.ManualMode {
		rt.manual = &manualRoute{IntegrationID: primary.ID, Name: primary.Name}
	}
	if primary.Status == storage.IntegrationDisabled {
		rt.disabled = &DisabledError{IntegrationID: primary.ID, Name: primary.Name, Type: primary.Type}
		return rt, nil
	}
	if err := m.build(ctx, rt, primary, backup, orgPolicy); err != nil {
		rt.err = err
	}
	return rt, nil
}

// build makes the members callable and puts them behind a failover group.
func (m *Manager) build(ctx context.Context, rt *route, primary, backup *storage.IntegrationHealth, orgPolicy *retry.Policy) error {
	if err := m.addMembers(ctx, rt, primary, backup); err != nil {
		return err
	}
	rt.policy = retry.DefaultPolicy()
	if p := ownPolicy(primary.RetryPolicy); p != nil {
		rt.policy = *p
	} else if orgPolicy != nil {
		rt.policy = *orgPolicy
	}
	rt.attempt = rt.policy
	rt.attempt.RetryOn = rt.policy.RetryOn.With(retry.ClassRateLimited)
	rt.attempt.AttemptTimeout = min(retry.AttemptTimeoutMax, rt.policy.AttemptTimeout*time.Duration(len(rt.members)))
	group, err := providers.NewGroup(&providers.GroupConfig{Name: rt.typ, Members: m.instances(rt.members),
		AttemptTimeout: rt.policy.AttemptTimeout, Logger: m.cfg.Logger, Clock: m.cfg.Clock,
		OnSwitch: func(sw providers.Switch) { m.switched(rt, sw) }})
	if err != nil {
		return err
	}
	rt.group = group
	m.restorePin(rt)
	rt.quota = m.quotas.lease(primary.OrganizationID, primary.ID, rt.members[0].settings)
	return nil
}

// addMembers makes the primary and the backup (unless it is disabled or
// cannot be called, which is logged) callable.
func (m *Manager) addMembers(ctx context.Context, rt *route, primary, backup *storage.IntegrationHealth) error {
	for _, h := range []*storage.IntegrationHealth{primary, backup} {
		if h == nil || h.Status == storage.IntegrationDisabled {
			continue
		}
		s, err := decodeSettings(h.Config)
		if err == nil {
			var t *target
			if t, err = m.newTarget(ctx, &h.Integration, s); err == nil {
				rt.members = append(rt.members, t)
				continue
			}
		}
		if h == primary {
			return err
		}
		m.cfg.Logger.WarnContext(ctx, "integration: backup not callable", "integration", h.ID, "err", err)
	}
	return nil
}

// instances puts each member behind its own breaker, under a name unique
// in the group (the provider's display name, numbered when two members
// share it).
func (m *Manager) instances(members []*target) []*providers.Instance {
	out := make([]*providers.Instance, len(members))
	names := map[string]bool{}
	for i, t := range members {
		name := t.display
		for n := 2; names[name]; n++ {
			name = fmt.Sprintf("%s (%d)", t.display, n)
		}
		names[name] = true
		t.instance = name
		out[i] = providers.NewInstance(name, servedBy{t.provider, t}, t.settings, m.cfg.Breaker)
	}
	return out
}

// fingerprint identifies what a route is built from: the members' rows as
// far as calls see them (not their status, besides disabled), and the
// organization's policy when it applies.
func fingerprint(primary, backup *storage.IntegrationHealth, orgPolicy *retry.Policy) string {
	h := sha256.New()
	for _, in := range []*storage.IntegrationHealth{primary, backup} {
		if in == nil {
			fmt.Fprint(h, "none|")
			continue
		}
		fmt.Fprintf(h, "%s|%s|%s|%d|%s|%t|%t|", in.ID, in.Provider, in.Name, len(in.Config), in.RetryPolicy,
			in.Status == storage.IntegrationDisabled, in.ManualMode)
		h.Write(in.Config)
	}
	if orgPolicy != nil {
		fmt.Fprintf(h, "%+v", *orgPolicy)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// servedBy marks, in the call's state, which member ran an attempt.
type servedBy struct {
	providers.Provider
	t *target
}

func (s servedBy) Do(ctx context.Context, set providers.Settings, op *providers.Operation) (*providers.Result, error) {
	if cs, ok := ctx.Value(callStateKey{}).(*callState); ok {
		cs.mark(s.t)
	}
	return s.Provider.Do(ctx, set, op)
}
