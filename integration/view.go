package integration

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// Integration is a configured integration as the admin sees it: settings
// with every secret masked, its health, and the connection test the call
// that returned it ran, if any.
type Integration struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	// Type is the catalog key ("email"), TypeName its name ("Email
	// (SMTP)").
	Type     string
	TypeName string
	// Provider is the provider's name ("sendgrid"), ProviderName its
	// display name ("SendGrid").
	Provider     string
	ProviderName string
	Name         string
	// Settings are the provider's settings, secrets masked
	// ([secret.Mask]); send a masked value back unchanged to keep it.
	Settings providers.Settings
	// Fields are the provider's form fields, when it is installed.
	Fields []providers.Field
	Status storage.IntegrationStatus
	// StatusSince is when Status began (nil if it never changed).
	StatusSince     *time.Time
	ErrorMessage    string
	LastHealthCheck *time.Time
	// LastSync is the last call's time, LastSyncError its error ("" if it
	// succeeded).
	LastSync      *time.Time
	LastSyncError string
	NextCheckAt   *time.Time
	// CheckInterval is the health-check interval in force: the
	// integration's own, else the Manager's default.
	CheckInterval time.Duration
	// OwnCheckInterval reports whether CheckInterval is the integration's
	// own.
	OwnCheckInterval bool
	// RetryPolicy is the integration's own retry policy, or nil when it
	// follows the organization's default.
	RetryPolicy *retry.Policy
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// CredentialsSince is when the credentials were last rotated
	// ([Manager.RotateCredentials]), else when the integration was
	// created: the start of their age.
	CredentialsSince time.Time
	// ManualMode reports whether the integration's calls are queued
	// ([Manager.ManualModeSet]).
	ManualMode bool
	// Check is the connection test this call ran, if it ran one.
	Check *providers.CheckResult
}

// CredentialsAge is how old the credentials are at now; past
// [CredentialsMaxAge] they are due for rotation (§10).
func (in *Integration) CredentialsAge(now time.Time) time.Duration {
	return now.Sub(in.CredentialsSince)
}

// CredentialsDue reports whether the credentials are older than
// [CredentialsMaxAge] at now.
func (in *Integration) CredentialsDue(now time.Time) bool {
	return in.CredentialsAge(now) > CredentialsMaxAge
}

// StatusLabel reads as the health screen does: "ACTIVE", "DISABLED",
// "ERROR (Last 15 minutes)".
func (in *Integration) StatusLabel(now time.Time) string {
	return StatusLabel(in.Status, in.StatusSince, now)
}

// StatusLabel formats a status and when it began as the health screen
// does (§5, "ERROR (Last 15 minutes)"); the duration is shown for the
// error state only.
func StatusLabel(status storage.IntegrationStatus, since *time.Time, now time.Time) string {
	label := strings.ToUpper(string(status))
	if status != storage.IntegrationError || since == nil {
		return label
	}
	return label + " (Last " + lastFor(now.Sub(*since)) + ")"
}

// lastFor words a duration as "15 minutes", "2 hours", "3 days".
func lastFor(d time.Duration) string {
	unit := func(n int, one string) string {
		if n == 1 {
			return one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch {
	case d < 2*time.Minute:
		return "minute"
	case d < 2*time.Hour:
		return unit(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return unit(int(d/time.Hour), "hour")
	}
	return unit(int(d/(24*time.Hour)), "day")
}

// view builds the admin's view of a stored integration.
func (m *Manager) view(ctx context.Context, h *storage.IntegrationHealth) (*Integration, error) {
	s, err := decodeSettings(h.Config)
	if err != nil {
		return nil, err
	}
	in := &Integration{
		ID: h.ID, OrganizationID: h.OrganizationID, Type: h.Type, TypeName: h.Type, Provider: h.Provider,
		ProviderName: h.Provider, Name: h.Name, Status: h.Status, StatusSince: h.StatusChangedAt,
		ErrorMessage: h.ErrorMessage, LastHealthCheck: h.LastHealthCheck, LastSync: h.LastSync,
		LastSyncError: h.LastSyncError, NextCheckAt: h.NextCheckAt, CheckInterval: h.CheckInterval,
		OwnCheckInterval: h.CheckInterval > 0, CreatedAt: h.CreatedAt, UpdatedAt: h.UpdatedAt,
		CredentialsSince: h.CredentialsRotatedAt, ManualMode: h.ManualMode,
	}
	if in.CheckInterval == 0 {
		in.CheckInterval = m.cfg.HealthCheckInterval
	}
	if e, ok := m.catalog.Entry(h.Type); ok {
		in.TypeName = e.Name
	}
	var secrets []providers.Field
	if _, info, err := m.reg.provider(ctx, h.Provider); err == nil {
		in.Fields = info.Fields
		in.ProviderName = info.DisplayName
		secrets = secretFields(info)
	}
	in.Settings = maskSettings(s, secrets)
	if in.Fields == nil {
		in.Settings = maskAll(s) // which fields are secret is unknown
	}
	in.RetryPolicy = ownPolicy(h.RetryPolicy)
	return in, nil
}
