package storage

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// IntegrationStatus is the lifecycle state of an integration. The spec's
// schema comments list active, inactive and error; disabled is the state an
// admin puts an integration in (ADMIN-INT-015).
type IntegrationStatus string

// Integration statuses.
const (
	IntegrationInactive IntegrationStatus = "inactive"
	IntegrationActive   IntegrationStatus = "active"
	IntegrationError    IntegrationStatus = "error"
	IntegrationDisabled IntegrationStatus = "disabled"
)

// Integration is one configured connection of an organization to an external
// provider (a row of the integrations table).
type Integration struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	// Type is the integration category: email, calendar, hris, ...
	Type string
	// Provider names the provider: sendgrid, google, bamboohr, ...
	Provider string
	Name     string
	// Config is the provider configuration as JSON, credentials included.
	// It is plaintext here and sealed at rest.
	Config json.RawMessage
	Status IntegrationStatus
	// RetryPolicy is the integration's retry policy as JSON, or nil for the
	// organization default.
	RetryPolicy     json.RawMessage
	LastHealthCheck *time.Time
	LastSync        *time.Time
	// NextCheckAt is when the next health check is due; health-check
	// workers claim integrations whose NextCheckAt has passed.
	NextCheckAt  *time.Time
	ErrorMessage string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// CredentialsRotatedAt is when the credentials were last rotated, or
	// CreatedAt when they never were: the start of their age (§10,
	// "rotate every 90 days").
	CredentialsRotatedAt time.Time
}

// IntegrationCreateParams are the fields of a new integration. Status
// defaults to [IntegrationInactive].
type IntegrationCreateParams struct {
	OrganizationID uuid.UUID
	Type           string
	Provider       string
	Name           string
	Config         json.RawMessage
	Status         IntegrationStatus
	RetryPolicy    json.RawMessage
	NextCheckAt    *time.Time
}

// IntegrationUpdateParams changes an integration. Nil fields are left as
// they are.
type IntegrationUpdateParams struct {
	OrganizationID  uuid.UUID
	ID              uuid.UUID
	Name            *string
	Provider        *string
	Config          json.RawMessage
	Status          *IntegrationStatus
	RetryPolicy     json.RawMessage
	LastHealthCheck *time.Time
	LastSync        *time.Time
	NextCheckAt     *time.Time
	ErrorMessage    *string
	// CredentialsRotatedAt, when set, records a credential rotation.
	CredentialsRotatedAt *time.Time
}

// IntegrationListParams filters a list of integrations, newest first.
type IntegrationListParams struct {
	OrganizationID uuid.UUID
	// Type, when set, keeps integrations of that type.
	Type string
	// Statuses, when set, keeps integrations in one of these states.
	Statuses []IntegrationStatus
	Limit    int
	Cursor   string
}

// IntegrationStore persists integrations.
type IntegrationStore interface {
	IntegrationCreate(ctx context.Context, p *IntegrationCreateParams) (*Integration, error)
	IntegrationGet(ctx context.Context, orgID, id uuid.UUID) (*Integration, error)
	IntegrationList(ctx context.Context, p *IntegrationListParams) (*Page[*Integration], error)
	IntegrationUpdate(ctx context.Context, p *IntegrationUpdateParams) (*Integration, error)
	IntegrationDelete(ctx context.Context, orgID, id uuid.UUID) error
}
