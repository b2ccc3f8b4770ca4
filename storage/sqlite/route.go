package sqlite

import (
	"context"
	"database/sql"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

const routeCols = `organization_id, type, primary_integration_id, backup_integration_id, updated_at`

func scanRoute(r row) (*storage.IntegrationRoute, error) {
	var (
		rt              storage.IntegrationRoute
		primary, backup uuid.NullUUID
	)
	if err := r.Scan(&rt.OrganizationID, &rt.Type, &primary, &backup, timeCol{&rt.UpdatedAt}); err != nil {
		return nil, mapErr(err)
	}
	rt.PrimaryID, rt.BackupID = primary.UUID, backup.UUID
	return &rt, nil
}

// nullID maps uuid.Nil to NULL.
func nullID(id uuid.UUID) any {
	if id == uuid.Nil {
		return nil
	}
	return id
}

// IntegrationRouteGet implements [storage.OrganizationSettingsStore].
func (s *Store) IntegrationRouteGet(ctx context.Context, orgID uuid.UUID, typ string) (*storage.IntegrationRoute, error) {
	return readRow(ctx, s, scanRoute,
		`SELECT `+routeCols+` FROM integration_routes WHERE organization_id = ?1 AND type = ?2`, orgID, typ)
}

// IntegrationRouteList implements [storage.OrganizationSettingsStore].
func (s *Store) IntegrationRouteList(ctx context.Context, orgID uuid.UUID) ([]*storage.IntegrationRoute, error) {
	return queryAll(ctx, s, `SELECT `+routeCols+` FROM integration_routes WHERE organization_id = ?1 ORDER BY type`,
		[]any{orgID}, scanRoute)
}

// IntegrationRouteSet implements [storage.OrganizationSettingsStore]: the
// checks of the named integrations and the write are one transaction.
func (s *Store) IntegrationRouteSet(ctx context.Context, p *storage.IntegrationRouteSetParams) (*storage.IntegrationRoute, error) {
	now := s.Now()
	var out *storage.IntegrationRoute
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range []uuid.UUID{p.PrimaryID, p.BackupID} {
			if id == uuid.Nil {
				continue
			}
			ok, err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM integrations
				WHERE organization_id = ?1 AND id = ?2 AND type = ?3)`, p.OrganizationID, id, p.Type)
			if err != nil {
				return err
			}
			if !ok {
				return storage.ErrNotFound
			}
		}
		if p.PrimaryID == uuid.Nil && p.BackupID == uuid.Nil {
			_, err := tx.ExecContext(ctx, `DELETE FROM integration_routes WHERE organization_id = ?1 AND type = ?2`,
				p.OrganizationID, p.Type)
			out = &storage.IntegrationRoute{OrganizationID: p.OrganizationID, Type: p.Type, UpdatedAt: now}
			return mapErr(err)
		}
		var err error
		out, err = scanRoute(tx.QueryRowContext(ctx, `INSERT INTO integration_routes (`+routeCols+`)
			VALUES (?1, ?2, ?3, ?4, ?5)
			ON CONFLICT (organization_id, type) DO UPDATE SET primary_integration_id = excluded.primary_integration_id,
			backup_integration_id = excluded.backup_integration_id, updated_at = excluded.updated_at
			RETURNING `+routeCols, p.OrganizationID, p.Type, nullID(p.PrimaryID), nullID(p.BackupID), ts(now)))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

const orgSettingsCols = `organization_id, retry_policy, updated_at`

func scanOrgSettings(r row) (*storage.OrganizationSettings, error) {
	var o storage.OrganizationSettings
	if err := r.Scan(&o.OrganizationID, jsonCol{&o.RetryPolicy}, timeCol{&o.UpdatedAt}); err != nil {
		return nil, mapErr(err)
	}
	return &o, nil
}

// OrganizationSettingsGet implements [storage.OrganizationSettingsStore].
func (s *Store) OrganizationSettingsGet(ctx context.Context, orgID uuid.UUID) (*storage.OrganizationSettings, error) {
	return readRow(ctx, s, scanOrgSettings,
		`SELECT `+orgSettingsCols+` FROM organization_settings WHERE organization_id = ?1`, orgID)
}

// OrganizationSettingsSet implements [storage.OrganizationSettingsStore].
func (s *Store) OrganizationSettingsSet(ctx context.Context, p *storage.OrganizationSettingsSetParams) (*storage.OrganizationSettings, error) {
	now := ts(s.Now())
	return writeRow(ctx, s, scanOrgSettings, `INSERT INTO organization_settings
		(organization_id, retry_policy, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)
		ON CONFLICT (organization_id) DO UPDATE SET retry_policy = excluded.retry_policy, updated_at = excluded.updated_at
		RETURNING `+orgSettingsCols, p.OrganizationID, jsonText(p.RetryPolicy), now)
}
