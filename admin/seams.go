package admin

import (
	"context"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/apiaccess"
	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// Integrations is the integration Manager as the integration screens use
// it (spec §3, §4, §5, §8, §11): the methods of [*integration.Manager] they
// call, with its own types, so the Manager plugs in as it is and a test can
// substitute its own. Every call is scoped by organization; another
// organization's integration is [storage.ErrNotFound]. Until the host
// configures one the screens say what is coming.
type Integrations interface {
	// Catalog and CatalogType are the "+ Add Integration" catalog: the
	// types of §2 with the providers installed for them and their forms.
	Catalog(ctx context.Context) ([]integration.CatalogType, error)
	CatalogType(ctx context.Context, typ string) (*integration.CatalogType, error)
	// Overview is the dashboard's health overview (§3, ADMIN-INT-001).
	Overview(ctx context.Context, orgID uuid.UUID) (*integration.Overview, error)
	IntegrationList(ctx context.Context, orgID uuid.UUID, typ string) ([]*integration.Integration, error)
	IntegrationGet(ctx context.Context, orgID, id uuid.UUID) (*integration.Integration, error)
	// IntegrationCreate validates, saves and health-checks a new
	// integration (ADMIN-INT-002); IntegrationUpdate keeps a secret sent
	// back masked.
	IntegrationCreate(ctx context.Context, p *integration.CreateParams) (*integration.Integration, error)
	IntegrationUpdate(ctx context.Context, p *integration.UpdateParams) (*integration.Integration, error)
	IntegrationDelete(ctx context.Context, orgID, id uuid.UUID) error
	// IntegrationEnable and IntegrationDisable switch one on and off
	// (ADMIN-INT-015).
	IntegrationEnable(ctx context.Context, orgID, id uuid.UUID) (*integration.Integration, error)
	IntegrationDisable(ctx context.Context, orgID, id uuid.UUID) (*integration.Integration, error)
	// Test is "Test Connection" and "Send Test Email" (ADMIN-INT-003);
	// testing a saved integration is also a health check.
	Test(ctx context.Context, p *integration.TestParams) (*integration.TestResult, error)
	// HealthCheckAll is the dashboard's "Health Check All".
	HealthCheckAll(ctx context.Context, orgID uuid.UUID) ([]*integration.Integration, error)
	// Metrics are the health screen's figures and chart (§5).
	Metrics(ctx context.Context, orgID, id uuid.UUID, window time.Duration) (*integration.Metrics, error)
	// QuotaUsage is the form's "Current usage: 247 today (1% of daily
	// limit)"; nil without a quota.
	QuotaUsage(ctx context.Context, orgID, id uuid.UUID) (*providers.Usage, error)
	// Route and BackupSet are the backup provider of a type (§4, §9).
	Route(ctx context.Context, orgID uuid.UUID, typ string) (*integration.Route, error)
	BackupSet(ctx context.Context, orgID uuid.UUID, typ string, backup uuid.UUID) (*integration.Route, error)
	// IntegrationRetryPolicySet gives an integration its own retry policy;
	// nil returns it to the organization's default (ADMIN-INT-012).
	IntegrationRetryPolicySet(ctx context.Context, orgID, id uuid.UUID, form *retry.PolicyForm) (*integration.Integration, error)
}

// RetryDefaults keeps an organization's default retry policy, which
// applies to every webhook and integration that has none of its own (§13
// "Global retry settings", ADMIN-INT-012). [*integration.Manager]
// implements it; when Config.RetryDefaults is nil and Config.Integrations
// implements it, the Manager serves.
type RetryDefaults interface {
	// OrganizationRetryPolicy returns the organization's policy, nil if it
	// has none.
	OrganizationRetryPolicy(ctx context.Context, orgID uuid.UUID) (*retry.Policy, error)
	// OrganizationRetryPolicySet validates and stores it (a validation
	// error carries the spec's messages); nil removes it.
	OrganizationRetryPolicySet(ctx context.Context, orgID uuid.UUID, form *retry.PolicyForm) (*retry.Policy, error)
}

// APIAccess is what the API access screen (§7) uses of
// [*apiaccess.Service]: usage, limits, throttled requests, the report and
// tokens. Until it is configured the screen says what is coming.
type APIAccess interface {
	Usage(ctx context.Context, p *apiaccess.UsageParams) (*apiaccess.Usage, error)
	// UsageReportCSV writes the usage as CSV ("Generate Report").
	UsageReportCSV(ctx context.Context, w io.Writer, p *apiaccess.UsageParams) error
	TokenList(ctx context.Context, orgID uuid.UUID) ([]*apiaccess.Token, error)
	TokenGet(ctx context.Context, orgID, id uuid.UUID) (*apiaccess.Token, error)
	// TokenCreate's answer holds the token, the only time it is shown.
	TokenCreate(ctx context.Context, p *apiaccess.TokenCreateParams) (*apiaccess.CreatedToken, error)
	// TokenRotate replaces a token, the old one refused at once or after
	// a grace period (ADMIN-INT-014).
	TokenRotate(ctx context.Context, orgID, id uuid.UUID, opts *apiaccess.TokenRotateOpts) (*apiaccess.CreatedToken, error)
	TokenRevoke(ctx context.Context, orgID, id uuid.UUID) (*apiaccess.Token, error)
	// TokenLimitsSet sets a token's own limits; 0 returns one to the
	// default.
	TokenLimitsSet(ctx context.Context, orgID, id uuid.UUID, perMinute, perHour int) (*apiaccess.Token, error)
}

// The admin's day-to-day tools that come with the troubleshooting, alert
// and log work of the integration package (spec §5, §8, §9, ADMIN-INT-014).
// Each is optional: the screens show its button or section when the host
// configures it, and say what is coming otherwise. The admin owns these
// small types so that an adapter of a few lines wires each in.

// Troubleshooter diagnoses an integration (§5 "Troubleshooting"): the
// staged connection check and the pattern of its recent errors, with the
// suggested actions.
type Troubleshooter interface {
	Troubleshoot(ctx context.Context, orgID, id uuid.UUID) (*Diagnosis, error)
}

// Diagnosis is a troubleshooter's answer.
type Diagnosis struct {
	// Summary says what is wrong, in the spec's words (§16): "Connection
	// to SendGrid timed out".
	Summary string `json:"summary"`
	// Pattern reads the recent errors: "Repeated timeouts suggest
	// network/firewall issue".
	Pattern string `json:"pattern,omitempty"`
	// Actions are the suggested actions, in order (§5).
	Actions []SuggestedAction `json:"actions"`
	// Certificate is the endpoint's TLS certificate, when the check read
	// one (its expiry is part of the diagnosis).
	Certificate *Certificate `json:"certificate,omitempty"`
}

// Kinds of [SuggestedAction] the screens turn into buttons; others show as
// text (with their URL as a link). They are the integration package's, so
// that the Manager's troubleshooter and a host's speak the same kinds.
const (
	ActionStatusPage    = integration.ActionStatusPage
	ActionVerifyKey     = integration.ActionVerifyKey
	ActionTestNetwork   = integration.ActionTestNetwork
	ActionCheckFirewall = integration.ActionCheckFirewall
	ActionViewLogs      = integration.ActionViewLogs
	ActionSwitchBackup  = integration.ActionSwitchBackup
)

// SuggestedAction is one step of a diagnosis: "[Check SendGrid Status Page]
// - Is service up?".
type SuggestedAction struct {
	Kind   string `json:"kind"`
	Label  string `json:"label"`
	Detail string `json:"detail,omitempty"`
	// URL is where the action leads (a status page), if anywhere.
	URL string `json:"url,omitempty"`
}

// BackupSwitcher moves an integration type's calls to its backup now
// (§5 "Switch to Backup", §9 emergency procedures).
type BackupSwitcher interface {
	SwitchToBackup(ctx context.Context, orgID, id uuid.UUID) error
}

// CredentialRotator replaces an integration's credential (§4
// "Regenerate", ADMIN-INT-014): the new value is tested before the old one
// is dropped, and a provider that can mint keys mints it.
type CredentialRotator interface {
	RotateCredentials(ctx context.Context, p *CredentialRotation) (*integration.Integration, error)
}

// CredentialRotation names the credential to replace.
type CredentialRotation struct {
	OrganizationID uuid.UUID
	ID             uuid.UUID
	// Field is the secret setting ("smtpPassword", "apiKey").
	Field string
	// Value is the new credential; empty asks the provider to mint one.
	Value string
	// Actor names the admin who rotated it, for the audit entry.
	Actor string
}

// LogExporter streams an organization's or integration's log entries with
// the screen's filters (§8 "Export Logs").
type LogExporter interface {
	// LogExport writes the entries p selects as format ("csv" or
	// "ndjson").
	LogExport(ctx context.Context, w io.Writer, p *storage.LogListParams, format string) error
}

// The SDK's own types implement the seams they are made for.
var (
	_ Integrations  = (*integration.Manager)(nil)
	_ RetryDefaults = (*integration.Manager)(nil)
	_ APIAccess     = (*apiaccess.Service)(nil)
)

// LogClearer clears one integration's log (§8 "Clear"), an explicit
// admin action that is itself logged with the admin's name.
type LogClearer interface {
	LogClear(ctx context.Context, orgID, integrationID uuid.UUID, actor string) (int, error)
}

// ManualModes switch an integration into the manual mode of §9, where its
// calls are queued durably while it is down, and back, which tests it and
// replays the queue in order.
type ManualModes interface {
	ManualModeSet(ctx context.Context, orgID, id uuid.UUID, on bool) (*integration.Integration, error)
	ManualQueueCount(ctx context.Context, orgID, id uuid.UUID) (int, error)
}
