package storage

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// AlertSeverity ranks alerts; critical ones head the dashboard.
type AlertSeverity string

// Alert severities.
const (
	AlertInfo     AlertSeverity = "info"
	AlertWarning  AlertSeverity = "warning"
	AlertCritical AlertSeverity = "critical"
)

// AlertStatus is the state of an alert.
type AlertStatus string

// Alert statuses.
const (
	AlertOpen     AlertStatus = "open"
	AlertResolved AlertStatus = "resolved"
)

// Alert is a condition an admin should see (a row of integration_alerts).
// Raising an alert whose DedupKey matches an open one updates that one
// instead of adding another.
type Alert struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	// IntegrationID is the integration concerned, or uuid.Nil.
	IntegrationID uuid.UUID
	DedupKey      string
	Severity      AlertSeverity
	Title         string
	Message       string
	// Impact says what stops working, e.g. "Emails not sending".
	Impact string
	Status AlertStatus
	// Count is how many times the alert was raised while open.
	Count       int
	FirstSeenAt time.Time
	LastSeenAt  time.Time
	ResolvedAt  *time.Time
}

// AlertRaiseParams describe an occurrence of an alert condition.
type AlertRaiseParams struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	DedupKey       string
	Severity       AlertSeverity
	Title          string
	Message        string
	Impact         string
}

// AlertListParams filters alerts, most recently seen first.
type AlertListParams struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	Statuses       []AlertStatus
	Limit          int
	Cursor         string
}

// AlertStore persists alerts.
type AlertStore interface {
	// AlertRaise opens an alert, or bumps the open alert with the same
	// DedupKey (count, last seen, severity, title, message, impact).
	AlertRaise(ctx context.Context, p *AlertRaiseParams) (*Alert, error)
	AlertGet(ctx context.Context, orgID, id uuid.UUID) (*Alert, error)
	AlertList(ctx context.Context, p *AlertListParams) (*Page[*Alert], error)
	// AlertResolve marks an open alert resolved; resolving a resolved
	// alert is a no-op.
	AlertResolve(ctx context.Context, orgID, id uuid.UUID) (*Alert, error)
	AlertNotificationStore
}
