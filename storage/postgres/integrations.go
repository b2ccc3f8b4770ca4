package postgres

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

const integrationCols = `id, organization_id, type, provider, name, config, status, retry_policy,
	last_health_check, last_sync, next_check_at, COALESCE(error_message, ''), created_at, updated_at,
	COALESCE(credentials_rotated_at, created_at)`

func (s *Store) scanIntegration(row pgx.Row) (*storage.Integration, error) {
	var (
		it     storage.Integration
		config []byte
		status string
	)
	err := row.Scan(&it.ID, &it.OrganizationID, &it.Type, &it.Provider, &it.Name, &config, &status, &it.RetryPolicy,
		&it.LastHealthCheck, &it.LastSync, &it.NextCheckAt, &it.ErrorMessage, &it.CreatedAt, &it.UpdatedAt,
		&it.CredentialsRotatedAt)
	if err != nil {
		return nil, mapErr(err)
	}
	it.Status = storage.IntegrationStatus(status)
	it.LastHealthCheck, it.LastSync, it.NextCheckAt = utc(it.LastHealthCheck), utc(it.LastSync), utc(it.NextCheckAt)
	it.CreatedAt, it.UpdatedAt, it.CredentialsRotatedAt = it.CreatedAt.UTC(), it.UpdatedAt.UTC(), it.CredentialsRotatedAt.UTC()
	if it.Config, err = s.openJSON(config); err != nil {
		return nil, err
	}
	return &it, nil
}

// IntegrationCreate implements [storage.IntegrationStore].
func (s *Store) IntegrationCreate(ctx context.Context, p *storage.IntegrationCreateParams) (*storage.Integration, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	config, err := s.sealJSON(p.Config)
	if err != nil {
		return nil, err
	}
	status := p.Status
	if status == "" {
		status = storage.IntegrationInactive
	}
	now := s.Now()
	return s.scanIntegration(s.db.QueryRow(ctx, `INSERT INTO integrations
		(id, organization_id, type, provider, name, config, status, retry_policy, next_check_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING `+integrationCols,
		newID(), p.OrganizationID, p.Type, p.Provider, p.Name, config, string(status), nullJSON(p.RetryPolicy), micro(p.NextCheckAt), now))
}

// IntegrationGet implements [storage.IntegrationStore].
func (s *Store) IntegrationGet(ctx context.Context, orgID, id uuid.UUID) (*storage.Integration, error) {
	return s.scanIntegration(s.db.QueryRow(ctx,
		`SELECT `+integrationCols+` FROM integrations WHERE organization_id = $1 AND id = $2`, orgID, id))
}

// IntegrationList implements [storage.IntegrationStore].
func (s *Store) IntegrationList(ctx context.Context, p *storage.IntegrationListParams) (*storage.Page[*storage.Integration], error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	q := query.New(query.Dollar)
	q.Where("organization_id = ?", p.OrganizationID)
	if p.Type != "" {
		q.Where("type = ?", p.Type)
	}
	query.In(q, "status", strs(p.Statuses))
	return list(ctx, s, q, p.Cursor, p.Limit, "integrations", integrationCols, "created_at", s.scanIntegration,
		func(it *storage.Integration) storage.Cursor { return storage.Cursor{Time: it.CreatedAt, ID: it.ID} })
}

// IntegrationUpdate implements [storage.IntegrationStore].
func (s *Store) IntegrationUpdate(ctx context.Context, p *storage.IntegrationUpdateParams) (*storage.Integration, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var config []byte
	if p.Config != nil {
		var err error
		if config, err = s.sealJSON(p.Config); err != nil {
			return nil, err
		}
	}
	var status *string
	if p.Status != nil {
		st := string(*p.Status)
		status = &st
	}
	return s.scanIntegration(s.db.QueryRow(ctx, `UPDATE integrations SET
		name = COALESCE($3, name), provider = COALESCE($4, provider), config = COALESCE($5, config),
		status = COALESCE($6, status), retry_policy = COALESCE($7, retry_policy),
		last_health_check = COALESCE($8, last_health_check), last_sync = COALESCE($9, last_sync),
		next_check_at = COALESCE($10, next_check_at), error_message = COALESCE($11, error_message), updated_at = $12,
		credentials_rotated_at = COALESCE($13, credentials_rotated_at)
		WHERE organization_id = $1 AND id = $2 RETURNING `+integrationCols,
		p.OrganizationID, p.ID, p.Name, p.Provider, config, status, nullJSON(p.RetryPolicy),
		micro(p.LastHealthCheck), micro(p.LastSync), micro(p.NextCheckAt), p.ErrorMessage, s.Now(),
		micro(p.CredentialsRotatedAt)))
}

// IntegrationDelete implements [storage.IntegrationStore]. The integration's
// OAuth tokens go with it.
func (s *Store) IntegrationDelete(ctx context.Context, orgID, id uuid.UUID) error {
	return execOne(ctx, s, `DELETE FROM integrations WHERE organization_id = $1 AND id = $2`, orgID, id)
}

// nullJSON maps an empty document to SQL NULL.
func nullJSON(j json.RawMessage) []byte {
	if len(j) == 0 {
		return nil
	}
	return j
}

// strs converts a slice of string-like values for use as query arguments.
func strs[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}
