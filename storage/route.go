package storage

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// IntegrationRoute says which integrations serve an organization's calls
// of one type (a row of integration_routes): the primary and the backup it
// fails over to (UC-ADMIN-007 §9, "Switch to backup provider").
type IntegrationRoute struct {
	OrganizationID uuid.UUID
	Type           string
	// PrimaryID is the integration that serves the type, or uuid.Nil for
	// the Manager's default (the oldest integration of the type).
	PrimaryID uuid.UUID
	// BackupID is the integration calls fail over to, or uuid.Nil for none.
	BackupID  uuid.UUID
	UpdatedAt time.Time
}

// IntegrationRouteSetParams set an organization's route for a type. Both
// IDs uuid.Nil delete the route.
type IntegrationRouteSetParams struct {
	OrganizationID uuid.UUID
	Type           string
	PrimaryID      uuid.UUID
	BackupID       uuid.UUID
}

// OrganizationSettings are an organization's defaults for its integrations
// (a row of organization_settings).
type OrganizationSettings struct {
	OrganizationID uuid.UUID
	// RetryPolicy is the organization's default retry policy as JSON (the
	// form of retry.Policy), or nil for the SDK's default.
	RetryPolicy json.RawMessage
	UpdatedAt   time.Time
}

// OrganizationSettingsSetParams replace an organization's settings.
type OrganizationSettingsSetParams struct {
	OrganizationID uuid.UUID
	// RetryPolicy is the new default retry policy; nil clears it.
	RetryPolicy json.RawMessage
}

// OrganizationSettingsStore persists organization-level settings: the
// default retry policy and the route (primary and backup) of each
// integration type. A deleted integration leaves the routes that named it.
type OrganizationSettingsStore interface {
	// IntegrationRouteGet returns the route of a type; [ErrNotFound] when
	// none was set.
	IntegrationRouteGet(ctx context.Context, orgID uuid.UUID, typ string) (*IntegrationRoute, error)
	// IntegrationRouteList returns the organization's routes by type.
	IntegrationRouteList(ctx context.Context, orgID uuid.UUID) ([]*IntegrationRoute, error)
	// IntegrationRouteSet creates, replaces or (both IDs nil) deletes the
	// route of a type. An ID that is not an integration of the organization
	// and of that type is [ErrNotFound], and nothing changes.
	IntegrationRouteSet(ctx context.Context, p *IntegrationRouteSetParams) (*IntegrationRoute, error)
	// OrganizationSettingsGet returns the organization's settings;
	// [ErrNotFound] when none were set.
	OrganizationSettingsGet(ctx context.Context, orgID uuid.UUID) (*OrganizationSettings, error)
	// OrganizationSettingsSet replaces the organization's settings.
	OrganizationSettingsSet(ctx context.Context, p *OrganizationSettingsSetParams) (*OrganizationSettings, error)
}
