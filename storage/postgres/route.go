package postgres

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
)

const routeCols = `organization_id, type, primary_integration_id, backup_integration_id, updated_at`

func scanRoute(row pgx.Row) (*storage.IntegrationRoute, error) {
	var (
		rt              storage.IntegrationRoute
		primary, backup *uuid.UUID
	)
	if err := row.Scan(&rt.OrganizationID, &rt.Type, &primary, &backup, &rt.UpdatedAt); err != nil {
		return nil, mapErr(err)
	}
	if primary != nil {
		rt.PrimaryID = *primary
	}
	if backup != nil {
		rt.BackupID = *backup
	}
	rt.UpdatedAt = rt.UpdatedAt.UTC()
	return &rt, nil
}

// nullID maps uuid.Nil to NULL.
func nullID(id uuid.UUID) *[16]byte {
	if id == uuid.Nil {
		return nil
	}
	b := id16(id)
	return &b
}

// IntegrationRouteGet implements [storage.OrganizationSettingsStore].
func (s *Store) IntegrationRouteGet(ctx context.Context, orgID uuid.UUID, typ string) (*storage.IntegrationRoute, error) {
	return scanRoute(s.db.QueryRow(ctx,
		`SELECT `+routeCols+` FROM integration_routes WHERE organization_id = $1 AND type = $2`, id16(orgID), typ))
}

// IntegrationRouteList implements [storage.OrganizationSettingsStore].
func (s *Store) IntegrationRouteList(ctx context.Context, orgID uuid.UUID) ([]*storage.IntegrationRoute, error) {
	return queryAll(ctx, s, `SELECT `+routeCols+` FROM integration_routes WHERE organization_id = $1 ORDER BY type`,
		[]any{id16(orgID)}, scanRoute)
}

// IntegrationRouteSet implements [storage.OrganizationSettingsStore]: the
// named integrations are locked (FOR SHARE) while the route is written, so
// that neither can be deleted or retyped in between.
func (s *Store) IntegrationRouteSet(ctx context.Context, p *storage.IntegrationRouteSetParams) (*storage.IntegrationRoute, error) {
	now := s.Now()
	var out *storage.IntegrationRoute
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		for _, id := range []uuid.UUID{p.PrimaryID, p.BackupID} {
			if id == uuid.Nil {
				continue
			}
			var one int
			err := tx.QueryRow(ctx, `SELECT 1 FROM integrations WHERE organization_id = $1 AND id = $2 AND type = $3
				FOR SHARE`, id16(p.OrganizationID), id16(id), p.Type).Scan(&one)
			if err != nil {
				return mapErr(err)
			}
		}
		if p.PrimaryID == uuid.Nil && p.BackupID == uuid.Nil {
			_, err := tx.Exec(ctx, `DELETE FROM integration_routes WHERE organization_id = $1 AND type = $2`,
				id16(p.OrganizationID), p.Type)
			out = &storage.IntegrationRoute{OrganizationID: p.OrganizationID, Type: p.Type, UpdatedAt: now}
			return mapErr(err)
		}
		var err error
		out, err = scanRoute(tx.QueryRow(ctx, `INSERT INTO integration_routes (`+routeCols+`)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (organization_id, type) DO UPDATE SET primary_integration_id = EXCLUDED.primary_integration_id,
			backup_integration_id = EXCLUDED.backup_integration_id, updated_at = EXCLUDED.updated_at
			RETURNING `+routeCols, id16(p.OrganizationID), p.Type, nullID(p.PrimaryID), nullID(p.BackupID), now))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

const orgSettingsCols = `organization_id, retry_policy, updated_at`

func scanOrgSettings(row pgx.Row) (*storage.OrganizationSettings, error) {
	var o storage.OrganizationSettings
	if err := row.Scan(&o.OrganizationID, &o.RetryPolicy, &o.UpdatedAt); err != nil {
		return nil, mapErr(err)
	}
	o.UpdatedAt = o.UpdatedAt.UTC()
	return &o, nil
}

// OrganizationSettingsGet implements [storage.OrganizationSettingsStore].
func (s *Store) OrganizationSettingsGet(ctx context.Context, orgID uuid.UUID) (*storage.OrganizationSettings, error) {
	return scanOrgSettings(s.db.QueryRow(ctx,
		`SELECT `+orgSettingsCols+` FROM organization_settings WHERE organization_id = $1`, id16(orgID)))
}

// OrganizationSettingsSet implements [storage.OrganizationSettingsStore].
func (s *Store) OrganizationSettingsSet(ctx context.Context, p *storage.OrganizationSettingsSetParams) (*storage.OrganizationSettings, error) {
	return scanOrgSettings(s.db.QueryRow(ctx, `INSERT INTO organization_settings
		(organization_id, retry_policy, created_at, updated_at) VALUES ($1, $2, $3, $3)
		ON CONFLICT (organization_id) DO UPDATE SET retry_policy = EXCLUDED.retry_policy, updated_at = EXCLUDED.updated_at
		RETURNING `+orgSettingsCols, id16(p.OrganizationID), nullJSON(p.RetryPolicy), s.Now()))
}
