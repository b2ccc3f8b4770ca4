package integration

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// RouteSetParams name the integrations that serve an organization's calls
// of a type.
type RouteSetParams struct {
	OrganizationID uuid.UUID
	Type           string
	// Primary serves the calls; uuid.Nil means the oldest integration of
	// the type.
	Primary uuid.UUID
	// Backup is where calls fail over to when the primary fails
	// (ADMIN-INT-011, §9 "Switch to backup provider"); uuid.Nil means none.
	Backup uuid.UUID
}

// Route is the integrations that serve an organization's calls of a type.
type Route struct {
	Type string
	// Primary is the integration that serves the type (nil when the
	// organization has none); Backup the one calls fail over to, if any.
	Primary *Integration
	Backup  *Integration
}

// RouteSet sets the primary and the backup of a type. Both must be
// integrations of the organization and of that type, and different: else a
// *[ValidationError] and nothing changes. The next call follows the new
// route.
func (m *Manager) RouteSet(ctx context.Context, p *RouteSetParams) (*Route, error) {
	if p.Backup != uuid.Nil && p.Backup == p.Primary {
		return nil, &ValidationError{Fields: []FieldError{{Field: FieldBackup, Message: MsgBackupInvalid}}}
	}
	_, err := m.store.IntegrationRouteSet(ctx, &storage.IntegrationRouteSetParams{OrganizationID: p.OrganizationID,
		Type: p.Type, PrimaryID: p.Primary, BackupID: p.Backup})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, &ValidationError{Fields: []FieldError{{Field: FieldBackup, Message: MsgBackupInvalid}}}
	}
	if err != nil {
		return nil, err
	}
	m.invalidate(p.OrganizationID)
	return m.Route(ctx, p.OrganizationID, p.Type)
}

// BackupSet names the integration an organization's calls of a type fail
// over to (uuid.Nil: none), keeping the primary.
func (m *Manager) BackupSet(ctx context.Context, orgID uuid.UUID, typ string, backup uuid.UUID) (*Route, error) {
	rt, err := m.store.IntegrationRouteGet(ctx, orgID, typ)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	var primary uuid.UUID
	if rt != nil {
		primary = rt.PrimaryID
	}
	return m.RouteSet(ctx, &RouteSetParams{OrganizationID: orgID, Type: typ, Primary: primary, Backup: backup})
}

// Route returns the integrations that serve an organization's calls of a
// type.
func (m *Manager) Route(ctx context.Context, orgID uuid.UUID, typ string) (*Route, error) {
	primary, backup, err := m.routeMembers(ctx, orgID, typ)
	if err != nil {
		return nil, err
	}
	out := &Route{Type: typ}
	if primary != nil {
		if out.Primary, err = m.view(ctx, primary); err != nil {
			return nil, err
		}
	}
	if backup != nil {
		if out.Backup, err = m.view(ctx, backup); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// routeMembers reads a type's primary and backup: the route's, else the
// oldest integration of the type (other than the backup) as primary, else
// the backup alone.
func (m *Manager) routeMembers(ctx context.Context, orgID uuid.UUID, typ string) (primary, backup *storage.IntegrationHealth, err error) {
	rt, err := m.store.IntegrationRouteGet(ctx, orgID, typ)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, nil, err
	}
	if rt != nil && rt.BackupID != uuid.Nil {
		if backup, err = m.store.IntegrationHealthGet(ctx, orgID, rt.BackupID); err != nil {
			return nil, nil, err
		}
	}
	if rt != nil && rt.PrimaryID != uuid.Nil {
		primary, err = m.store.IntegrationHealthGet(ctx, orgID, rt.PrimaryID)
		return primary, backup, err
	}
	all, err := m.healthList(ctx, orgID, typ)
	if err != nil {
		return nil, nil, err
	}
	for _, h := range all {
		if backup == nil || h.ID != backup.ID {
			return h, backup, nil
		}
	}
	return backup, nil, nil // the backup is all there is: it serves alone
}

func isConflict(err error) bool { return errors.Is(err, storage.ErrConflict) }
