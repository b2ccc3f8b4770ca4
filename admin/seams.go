package admin

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// Integrations is what the integration screens need (spec §3, §4, §5, §8):
// the integration Manager's operations, seen from the admin. Until a Manager
// is configured the screens say it is coming. The Manager's own types are
// mapped to these in an adapter, so the screens do not change when it lands.
// Every call is scoped by organization; another organization's integration
// is [storage.ErrNotFound]. Validation failures are errors with
// FieldErrors (see [FieldErrors]), worded as the spec says.
type Integrations interface {
	// IntegrationOverview is the dashboard (§3): counts and critical alerts.
	IntegrationOverview(ctx context.Context, orgID uuid.UUID) (*IntegrationOverview, error)
	// IntegrationList lists the organization's integrations, newest first.
	IntegrationList(ctx context.Context, p *storage.IntegrationListParams) (*storage.Page[*storage.Integration], error)
	// IntegrationGet returns one integration, secrets masked.
	IntegrationGet(ctx context.Context, orgID, id uuid.UUID) (*storage.Integration, error)
	// IntegrationAdd validates, saves and health-checks a new integration
	// (ADMIN-INT-002).
	IntegrationAdd(ctx context.Context, p *IntegrationInput) (*storage.Integration, error)
	// IntegrationUpdate changes one; a secret left masked keeps its value.
	IntegrationUpdate(ctx context.Context, id uuid.UUID, p *IntegrationInput) (*storage.Integration, error)
	// IntegrationTest tests a configuration without saving it ("Test
	// Connection", "Send Test Email" when SendTo is set; ADMIN-INT-003).
	IntegrationTest(ctx context.Context, p *IntegrationInput, sendTo string) (*TestOutcome, error)
	// IntegrationEnable and IntegrationDisable switch one on and off
	// (ADMIN-INT-015); IntegrationDelete removes it.
	IntegrationEnable(ctx context.Context, orgID, id uuid.UUID) (*storage.Integration, error)
	IntegrationDisable(ctx context.Context, orgID, id uuid.UUID) (*storage.Integration, error)
	IntegrationDelete(ctx context.Context, orgID, id uuid.UUID) error
	// IntegrationHealth is the health screen (§5): status, recent errors
	// and their pattern, and the metrics of a window with hourly buckets.
	IntegrationHealth(ctx context.Context, orgID, id uuid.UUID, window time.Duration) (*IntegrationHealth, error)
	// IntegrationLogs lists log entries (§8), newest first.
	IntegrationLogs(ctx context.Context, p *storage.LogListParams) (*storage.Page[*storage.LogEntry], error)
}

// IntegrationInput is the add/update/test form of an integration (§4).
type IntegrationInput struct {
	OrganizationID uuid.UUID
	Type           string            `json:"type"`
	Provider       string            `json:"provider"`
	Name           string            `json:"name"`
	Config         json.RawMessage   `json:"config"`
	RetryPolicy    *retry.PolicyForm `json:"retryPolicy,omitempty"`
}

// IntegrationOverview is the dashboard's health overview (§3).
type IntegrationOverview struct {
	Total    int `json:"total"`
	Active   int `json:"active"`
	Errors   int `json:"errors"`
	Disabled int `json:"disabled"`
	Alerts   []*storage.Alert
}

// IntegrationHealth is one integration's health screen (§5).
type IntegrationHealth struct {
	Status       storage.IntegrationStatus `json:"status"`
	StatusSince  *time.Time                `json:"statusSince,omitempty"`
	RecentErrors []*storage.LogEntry
	Pattern      string  `json:"pattern,omitempty"`
	Sent         int64   `json:"sent"`
	Failed       int64   `json:"failed"`
	SuccessRate  float64 `json:"successRate"`
	AvgResponse  time.Duration
	NormalAvg    time.Duration
	Uptime       float64 `json:"uptime"`
	Hourly       []*storage.MetricBucket
}

// TestOutcome is the result of testing a configuration.
type TestOutcome struct {
	OK       bool   `json:"ok"`
	Message  string `json:"message"`
	Duration time.Duration
}

// APIAccess is what the API access screen (§7) needs: usage, limits,
// throttled requests and tokens. Until it is configured the screen says it
// is coming.
type APIAccess interface {
	// APIUsage summarises the organization's API traffic over a window.
	APIUsage(ctx context.Context, orgID uuid.UUID, window time.Duration) (*APIUsage, error)
	// APITokenList lists the tokens, masked.
	APITokenList(ctx context.Context, orgID uuid.UUID) ([]*storage.APIToken, error)
	// APITokenCreate returns the new token in full, the only time it is
	// shown.
	APITokenCreate(ctx context.Context, orgID uuid.UUID, name string, scopes []string) (token string, t *storage.APIToken, err error)
	// APITokenRotate replaces a token, the old one refused after grace.
	APITokenRotate(ctx context.Context, orgID, id uuid.UUID, grace time.Duration) (token string, t *storage.APIToken, err error)
	// APITokenRevoke refuses a token from now on.
	APITokenRevoke(ctx context.Context, orgID, id uuid.UUID) error
}

// APIUsage is the §7 usage panel.
type APIUsage struct {
	Total        int64           `json:"total"`
	Success      int64           `json:"success"`
	ClientErrors int64           `json:"clientErrors"`
	ServerErrors int64           `json:"serverErrors"`
	TopEndpoints []EndpointCount `json:"topEndpoints"`
	Throttled    int64           `json:"throttled"`
}

// EndpointCount is one line of the top endpoints.
type EndpointCount struct {
	Route string `json:"route"`
	Count int64  `json:"count"`
}

// RetryDefaults keeps an organization's default retry policy, which
// applies to every webhook (and, with the Manager, every integration) that
// has none of its own (§13 "Global retry settings", ADMIN-INT-012).
type RetryDefaults interface {
	// RetryDefaultGet returns the organization's policy, nil if it has none.
	RetryDefaultGet(ctx context.Context, orgID uuid.UUID) (*retry.Policy, error)
	// RetryDefaultSet stores it; nil removes it.
	RetryDefaultSet(ctx context.Context, orgID uuid.UUID, p *retry.Policy) error
}
