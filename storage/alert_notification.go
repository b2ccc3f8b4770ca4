package storage

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// AlertNotificationKind says what a notification tells.
type AlertNotificationKind string

// Alert notification kinds.
const (
	// AlertNotifyRaised: the alert opened.
	AlertNotifyRaised AlertNotificationKind = "raised"
	// AlertNotifyReminder: the alert is still open and occurred again in a
	// later rule window.
	AlertNotifyReminder AlertNotificationKind = "reminder"
	// AlertNotifyResolved: the alert was resolved.
	AlertNotifyResolved AlertNotificationKind = "resolved"
)

// AlertNotificationStatus is the state of a notification.
type AlertNotificationStatus string

// Alert notification statuses.
const (
	// AlertNotificationPending: not sent yet; due at NextAttemptAt.
	AlertNotificationPending AlertNotificationStatus = "pending"
	AlertNotificationSent    AlertNotificationStatus = "sent"
	// AlertNotificationSkipped: the notifier has nothing configured for
	// the organization.
	AlertNotificationSkipped AlertNotificationStatus = "skipped"
	// AlertNotificationFailed: the notifier failed and the attempts ran
	// out; the alert itself stays as it is.
	AlertNotificationFailed AlertNotificationStatus = "failed"
)

// AlertNotification is one notice of an alert through one notifier (a row
// of alert_notifications). (AlertID, Notifier, Kind, Window) is unique, so
// hosts that add the same notification add it once.
type AlertNotification struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	AlertID        uuid.UUID
	Notifier       string
	Kind           AlertNotificationKind
	// Window numbers the rule window since the alert opened (0 for the
	// first notice and the resolved one).
	Window        int
	Status        AlertNotificationStatus
	Attempts      int
	NextAttemptAt time.Time
	// ClaimID fences the claim that holds the notification, uuid.Nil when
	// none does.
	ClaimID   uuid.UUID
	LastError string
	SentAt    *time.Time
	CreatedAt time.Time
}

// AlertNotificationAddParams describe a notification to send. NextAttemptAt
// defaults to now.
type AlertNotificationAddParams struct {
	OrganizationID uuid.UUID
	AlertID        uuid.UUID
	Notifier       string
	Kind           AlertNotificationKind
	Window         int
	NextAttemptAt  time.Time
}

// AlertNotificationClaimParams claim due pending notifications: each is
// leased by moving its NextAttemptAt to Now+Lease, its Attempts counted and
// its ClaimID set.
type AlertNotificationClaimParams struct {
	Now   time.Time
	Lease time.Duration
	Limit int
}

// AlertNotificationFinishParams record an attempt's outcome under its
// claim. Status pending retries at NextAttemptAt.
type AlertNotificationFinishParams struct {
	OrganizationID uuid.UUID
	ID             uuid.UUID
	ClaimID        uuid.UUID
	Status         AlertNotificationStatus
	NextAttemptAt  time.Time
	Error          string
}

// AlertSettings are an organization's alert notification targets (a row
// of alert_settings).
type AlertSettings struct {
	OrganizationID uuid.UUID
	// EmailTo are the addresses alerts are emailed to, through the
	// organization's own email integration.
	EmailTo []string
	// Slack posts alerts through the organization's Slack integration;
	// SlackChannel overrides its default channel ("" keeps it).
	Slack        bool
	SlackChannel string
	// MinSeverity is the least severity notified; "" means every alert.
	MinSeverity AlertSeverity
	UpdatedAt   time.Time
}

// AlertNotificationStore persists alert notifications and the targets
// they go to.
type AlertNotificationStore interface {
	// AlertResolveKey resolves the open alert with the de-duplication key;
	// [ErrNotFound] when none is open.
	AlertResolveKey(ctx context.Context, orgID uuid.UUID, dedupKey string) (*Alert, error)
	// AlertNotificationAdd adds the notifications that do not exist yet and
	// returns how many it added.
	AlertNotificationAdd(ctx context.Context, ps []*AlertNotificationAddParams) (int, error)
	// AlertNotificationClaim claims due pending notifications of every
	// organization, oldest due first; concurrent claims never return the
	// same one.
	AlertNotificationClaim(ctx context.Context, p *AlertNotificationClaimParams) ([]*AlertNotification, error)
	// AlertNotificationFinish records an attempt; [ErrNotFound] when the
	// claim is no longer the notification's.
	AlertNotificationFinish(ctx context.Context, p *AlertNotificationFinishParams) (*AlertNotification, error)
	// AlertNotificationList returns an alert's notifications, oldest first.
	AlertNotificationList(ctx context.Context, orgID, alertID uuid.UUID) ([]*AlertNotification, error)
	// AlertSettingsGet returns the organization's targets; [ErrNotFound]
	// when none were set.
	AlertSettingsGet(ctx context.Context, orgID uuid.UUID) (*AlertSettings, error)
	// AlertSettingsSet replaces the organization's targets.
	AlertSettingsSet(ctx context.Context, s *AlertSettings) (*AlertSettings, error)
	// AlertOrganizations returns, in order, up to limit IDs greater than
	// after of the organizations that have integrations: what the periodic
	// alert rules look at.
	AlertOrganizations(ctx context.Context, after uuid.UUID, limit int) ([]uuid.UUID, error)
}

var alertNotificationKinds = []AlertNotificationKind{AlertNotifyRaised, AlertNotifyReminder, AlertNotifyResolved}

// Validate reports the first field a Store refuses.
func (p *AlertNotificationAddParams) Validate() error {
	c := nonNil("AlertNotificationAddParams", p)
	if c.err != nil {
		return c.err
	}
	c.textMax("Notifier", p.Notifier, KeyMaxLen)
	enum(c, "Kind", p.Kind, false, alertNotificationKinds...)
	return c.err
}

// Validate reports the first field a Store refuses.
func (p *AlertNotificationFinishParams) Validate() error {
	c := nonNil("AlertNotificationFinishParams", p)
	if c.err != nil {
		return c.err
	}
	enum(c, "Status", p.Status, false, AlertNotificationPending, AlertNotificationSent, AlertNotificationSkipped,
		AlertNotificationFailed)
	c.text("Error", p.Error)
	return c.err
}

// Validate reports the first field a Store refuses.
func (s *AlertSettings) Validate() error {
	c := nonNil("AlertSettings", s)
	if c.err != nil {
		return c.err
	}
	texts(c, "EmailTo", s.EmailTo, 254)
	c.textMax("SlackChannel", s.SlackChannel, 100)
	enum(c, "MinSeverity", s.MinSeverity, true, alertSeverities...)
	return c.err
}
