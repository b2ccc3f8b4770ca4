package integration

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/uuid"
)

// NoBackupError is returned by [Manager.SwitchToBackup] for an integration
// whose type has no backup to switch to.
type NoBackupError struct {
	IntegrationID uuid.UUID
	Type          string
}

func (e *NoBackupError) Error() string {
	return fmt.Sprintf("integration: the %s integration %s has no backup; name one with BackupSet first", e.Type, e.IntegrationID)
}

// pinSet holds the manual switches of this process: which integration
// serves each (organization, type) first until switched back. A route
// built again (after a change) keeps its switch.
type pinSet struct {
	mu   sync.Mutex
	pins map[routeKey]uuid.UUID
}

func (p *pinSet) get(k routeKey) uuid.UUID {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pins[k]
}

func (p *pinSet) set(k routeKey, id uuid.UUID) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pins == nil {
		p.pins = map[routeKey]uuid.UUID{}
	}
	if id == uuid.Nil {
		delete(p.pins, k)
		return
	}
	p.pins[k] = id
}

// SwitchToBackup makes the backup of id's type serve its calls first, the
// spec's "Switch to Backup" (§5, §9): "Use AWS SES temporarily". id is the
// type's primary (or its backup). The primary stays the fallback. The
// switch is logged on the primary and reported to [Hooks].Switch with
// Manual set, as automatic failovers are without it; [Manager.SwitchToPrimary]
// returns to automatic order. The switch holds in this process (every
// route it builds again keeps it) until switched back; other hosts keep
// their own order.
func (m *Manager) SwitchToBackup(ctx context.Context, orgID, id uuid.UUID) error {
	rt, err := m.routeOf(ctx, orgID, id)
	if err != nil {
		return err
	}
	if len(rt.members) < 2 {
		return &NoBackupError{IntegrationID: id, Type: rt.typ}
	}
	backup := rt.members[1]
	m.pins.set(routeKey{orgID, rt.typ}, backup.id)
	return rt.group.SwitchTo(backup.instance)
}

// SwitchToPrimary undoes [Manager.SwitchToBackup]: the type's calls go to
// the primary first again, and fail over automatically. It is reported
// like the switch, Manual set, when it changes the serving integration.
func (m *Manager) SwitchToPrimary(ctx context.Context, orgID, id uuid.UUID) error {
	rt, err := m.routeOf(ctx, orgID, id)
	if err != nil {
		return err
	}
	m.pins.set(routeKey{orgID, rt.typ}, uuid.Nil)
	rt.group.SwitchAuto()
	return nil
}

// Serving returns the display name of the provider that serves an
// organization's calls of a type now: the primary's, the backup's after
// a failover or [Manager.SwitchToBackup].
func (m *Manager) Serving(ctx context.Context, orgID uuid.UUID, typ string) (string, error) {
	rt, err := m.callable(ctx, orgID, typ)
	if err != nil {
		return "", err
	}
	return rt.group.Active(), nil
}

// routeOf resolves the callable route of integration id's type, which id
// must serve (as primary or backup).
func (m *Manager) routeOf(ctx context.Context, orgID, id uuid.UUID) (*route, error) {
	h, err := m.store.IntegrationHealthGet(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	rt, err := m.callable(ctx, orgID, h.Type)
	if err != nil {
		return nil, err
	}
	for _, t := range rt.members {
		if t.id == id {
			return rt, nil
		}
	}
	return nil, &NoBackupError{IntegrationID: id, Type: h.Type}
}

// callable resolves a type's route and refuses one that cannot be called.
func (m *Manager) callable(ctx context.Context, orgID uuid.UUID, typ string) (*route, error) {
	return usable(m.res.get(ctx, orgID, typ))
}

// usable returns a resolved route, or why it cannot be called: the
// resolution's error, the route's own, or its being disabled.
func usable(rt *route, err error) (*route, error) {
	switch {
	case err != nil:
		return nil, err
	case rt.err != nil:
		return nil, rt.err
	case rt.disabled != nil:
		return nil, rt.disabled
	}
	return rt, nil
}

// restorePin applies this process's manual switch to a route being built,
// without reporting it again.
func (m *Manager) restorePin(rt *route) {
	pinned := m.pins.get(routeKey{rt.orgID, rt.typ})
	if pinned == uuid.Nil {
		return
	}
	for _, t := range rt.members[1:] {
		if t.id == pinned {
			rt.restoring = true
			_ = rt.group.SwitchTo(t.instance)
			rt.restoring = false
		}
	}
}
