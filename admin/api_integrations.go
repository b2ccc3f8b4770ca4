package admin

import (
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// Integration is a configured integration as the API shows it (§4): its
// settings with every credential masked, its health and its last sync.
type Integration struct {
	ID           uuid.UUID `json:"id"`
	Name         string    `json:"name"`
	Type         string    `json:"type"`
	TypeName     string    `json:"typeName"`
	Provider     string    `json:"provider"`
	ProviderName string    `json:"providerName"`
	// Settings are the provider's settings; credentials are masked ("Show"
	// reveals one, audited). Send a masked value back to keep it.
	Settings map[string]string `json:"settings"`
	Status   string            `json:"status"`
	// StatusLabel reads as the health screen does: "ERROR (Last 15
	// minutes)".
	StatusLabel     string     `json:"statusLabel"`
	StatusSince     *time.Time `json:"statusSince,omitempty"`
	ErrorMessage    string     `json:"errorMessage,omitempty"`
	LastHealthCheck *time.Time `json:"lastHealthCheck,omitempty"`
	LastSync        *time.Time `json:"lastSync,omitempty"`
	// LastSyncLabel reads "2 min ago (failed)", "Never".
	LastSyncLabel string     `json:"lastSyncLabel"`
	LastSyncError string     `json:"lastSyncError,omitempty"`
	NextCheckAt   *time.Time `json:"nextCheckAt,omitempty"`
	// CheckInterval is the health-check interval in force, in minutes;
	// OwnCheckInterval reports it is the integration's own.
	CheckInterval    int  `json:"checkInterval"`
	OwnCheckInterval bool `json:"ownCheckInterval"`
	// RetryPolicy is the integration's own; absent means the
	// organization's default applies.
	RetryPolicy *retry.PolicyForm `json:"retryPolicy,omitempty"`
	// OAuth reports an integration connected through OAuth (see the OAuth
	// calls for its connection).
	OAuth     bool      `json:"oauth,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// Check is the connection test the call ran, if it ran one (create,
	// update, enable, reconnect).
	Check *ConnectionTest `json:"check,omitempty"`
	// CredentialsSince is when the credentials were last rotated, else
	// created: past 90 days they are due (§10).
	CredentialsSince time.Time `json:"credentialsSince"`
	// ManualMode reports that the integration's calls are queued (§9).
	ManualMode bool `json:"manualMode,omitempty"`
}

// ConnectionTest is the outcome of a connection test (§4 "Test
// Connection", "Send Test Email"): its stages and what the admin is told.
type ConnectionTest struct {
	OK bool `json:"ok"`
	// Message is "Connection successful", "Test email sent to ...", or the
	// spec's message for what failed (§16).
	Message string      `json:"message"`
	Stages  []TestStage `json:"stages"`
	// MessageID is the test email's ID at the provider.
	MessageID string `json:"messageId,omitempty"`
}

// TestStage is one stage of a connection test: DNS, TCP, TLS, auth.
type TestStage struct {
	Name       string  `json:"name"`
	Status     string  `json:"status"`
	DurationMS float64 `json:"durationMs"`
	Message    string  `json:"message,omitempty"`
}

// IntegrationInput is the add and configure form (§4, §17) under its
// field names. On update, absent fields are left as they are and settings
// are merged over the stored ones (a masked credential keeps its value).
type IntegrationInput struct {
	// Type and Provider name the catalog type and its installed provider
	// (create only).
	Type     string  `json:"integrationType,omitempty"`
	Provider string  `json:"integrationProvider,omitempty"`
	Name     *string `json:"integrationName,omitempty"`
	// Settings are the provider's fields (Info.Fields) by name.
	Settings    map[string]string `json:"settings,omitempty"`
	RetryPolicy *retry.PolicyForm `json:"retryPolicy,omitempty"`
	// CheckInterval is the integration's own health-check interval in
	// minutes (1 to 1,440); 0 returns to the default.
	CheckInterval *int `json:"checkInterval,omitempty"`
	// TestFirst is "Test & Save": nothing is saved unless the test
	// passes.
	TestFirst bool `json:"testFirst,omitempty"`
}

// ConnectionTestInput asks for a connection test that saves nothing: of an unsaved
// configuration (type, provider, settings), or of a saved integration with
// its stored settings or the ones given. TestEmailTo also sends the test
// email (§4 "Send Test Email to admin@intime.com").
type ConnectionTestInput struct {
	Type        string            `json:"integrationType,omitempty"`
	Provider    string            `json:"integrationProvider,omitempty"`
	Settings    map[string]string `json:"settings,omitempty"`
	TestEmailTo string            `json:"testEmailTo,omitempty"`
}

// IntegrationOverview is the dashboard (§3, ADMIN-INT-001): the counts by
// status with their share, every integration, and the open alerts.
type IntegrationOverview struct {
	Total           int `json:"total"`
	Active          int `json:"active"`
	Errors          int `json:"errors"`
	Disabled        int `json:"disabled"`
	Inactive        int `json:"inactive"`
	ActivePercent   int `json:"activePercent"`
	ErrorsPercent   int `json:"errorsPercent"`
	DisabledPercent int `json:"disabledPercent"`
	InactivePercent int `json:"inactivePercent"`
	// Integrations are errors first, then active, inactive, disabled.
	Integrations []*OverviewItem `json:"integrations"`
	// Unconfigured are the catalog's types the organization has none of.
	Unconfigured []string `json:"unconfigured"`
	// Alerts are the open alerts, most recently seen first.
	Alerts []*Alert  `json:"alerts"`
	At     time.Time `json:"at"`
}

// OverviewItem is a row of the dashboard's list: "● Email | SendGrid |
// ● Error | 2 min ago (failed)".
type OverviewItem struct {
	ID            uuid.UUID  `json:"id"`
	Name          string     `json:"name"`
	Type          string     `json:"type"`
	TypeName      string     `json:"typeName"`
	Provider      string     `json:"provider"`
	ProviderName  string     `json:"providerName"`
	Status        string     `json:"status"`
	StatusLabel   string     `json:"statusLabel"`
	ErrorMessage  string     `json:"errorMessage,omitempty"`
	LastSync      *time.Time `json:"lastSync,omitempty"`
	LastSyncLabel string     `json:"lastSyncLabel"`
}

// Alert is a condition an admin should see (§3 "Critical alerts").
type Alert struct {
	ID            uuid.UUID  `json:"id"`
	IntegrationID *uuid.UUID `json:"integrationId,omitempty"`
	Severity      string     `json:"severity"`
	Title         string     `json:"title"`
	Message       string     `json:"message,omitempty"`
	// Impact says what stops working: "Emails not sending".
	Impact      string     `json:"impact,omitempty"`
	Status      string     `json:"status"`
	Count       int        `json:"count"`
	FirstSeenAt time.Time  `json:"firstSeenAt"`
	LastSeenAt  time.Time  `json:"lastSeenAt"`
	ResolvedAt  *time.Time `json:"resolvedAt,omitempty"`
}

// CatalogType is a type of the "+ Add Integration" catalog (§2) with the
// providers that can serve it; a type no installed provider serves says
// "No provider installed".
type CatalogType struct {
	Key           string   `json:"key"`
	Name          string   `json:"name"`
	Purpose       string   `json:"purpose"`
	Category      string   `json:"category"`
	CategoryTitle string   `json:"categoryTitle"`
	Availability  string   `json:"availability"`
	Vendors       []string `json:"vendors"`
	Installed     bool     `json:"installed"`
	// ProviderSummary is the catalog's provider column: the installed
	// providers' names, or "No provider installed".
	ProviderSummary string             `json:"providerSummary"`
	Providers       []*CatalogProvider `json:"providers"`
}

// CatalogProvider is a provider of a type, with its form.
type CatalogProvider struct {
	Name        string       `json:"name"`
	DisplayName string       `json:"displayName"`
	Installed   bool         `json:"installed"`
	Version     string       `json:"version,omitempty"`
	OAuth       bool         `json:"oauth,omitempty"`
	Fields      []*FormField `json:"fields"`
}

// FormField is a field of a provider's form with the §17 rules and
// messages.
type FormField struct {
	Name        string            `json:"name"`
	Label       string            `json:"label"`
	Type        string            `json:"type"`
	Required    bool              `json:"required"`
	Secret      bool              `json:"secret,omitempty"`
	Default     string            `json:"default,omitempty"`
	Placeholder string            `json:"placeholder,omitempty"`
	MaxLength   int               `json:"maxLength,omitempty"`
	Min         int64             `json:"min,omitempty"`
	Max         int64             `json:"max,omitempty"`
	Options     []string          `json:"options,omitempty"`
	Pattern     string            `json:"pattern,omitempty"`
	Messages    map[string]string `json:"messages,omitempty"`
}

// IntegrationHealth is the health screen (§5): the status, recent errors
// and their pattern, the metrics of the window against normal, and the
// quota.
type IntegrationHealth struct {
	Integration  *Integration `json:"integration"`
	RecentErrors []*LogEntry  `json:"recentErrors"`
	// Pattern reads the recent errors: the troubleshooter's when there is
	// one, else the message most of them share.
	Pattern string      `json:"pattern,omitempty"`
	Metrics *Metrics    `json:"metrics"`
	Usage   *QuotaUsage `json:"usage,omitempty"`
}

// Metrics are an integration's figures over a window (§5 "METRICS (Last 24
// Hours)").
type Metrics struct {
	Since             time.Time      `json:"since"`
	Until             time.Time      `json:"until"`
	Sent              int64          `json:"sent"`
	Failed            int64          `json:"failed"`
	SuccessRate       float64        `json:"successRate"`
	FailureRate       float64        `json:"failureRate"`
	NormalFailureRate float64        `json:"normalFailureRate"`
	AvgResponseMS     float64        `json:"avgResponseMs"`
	NormalResponseMS  float64        `json:"normalResponseMs"`
	Uptime            float64        `json:"uptime"`
	UptimeTarget      float64        `json:"uptimeTarget"`
	Checks            int64          `json:"checks"`
	CheckFailures     int64          `json:"checkFailures"`
	Hourly            []*HourMetrics `json:"hourly"`
}

// HourMetrics are one hour's figures, for the chart.
type HourMetrics struct {
	Start         time.Time `json:"start"`
	Sent          int64     `json:"sent"`
	Failed        int64     `json:"failed"`
	AvgResponseMS float64   `json:"avgResponseMs"`
	Checks        int64     `json:"checks"`
	CheckFailures int64     `json:"checkFailures"`
}

// QuotaUsage is an integration's use of its limits: "247 today (1% of
// daily limit)".
type QuotaUsage struct {
	Hour        int64  `json:"hour"`
	Today       int64  `json:"today"`
	HourlyLimit int    `json:"hourlyLimit"`
	DailyLimit  int    `json:"dailyLimit"`
	Rejected    int64  `json:"rejected"`
	Label       string `json:"label"`
}

// LogEntry is a line of an integration's log (§8).
type LogEntry struct {
	ID            uuid.UUID  `json:"id"`
	IntegrationID *uuid.UUID `json:"integrationId,omitempty"`
	Level         string     `json:"level"`
	Message       string     `json:"message"`
	// Details are the entry's structured fields (endpoint, error, message
	// ID, duration, attempts); never a secret.
	Details any       `json:"details"`
	Time    time.Time `json:"time"`
}

// IntegrationRoute names the integrations that serve a type: the primary
// and the backup calls fail over to (§4, §9, ADMIN-INT-011).
type IntegrationRoute struct {
	Type      string     `json:"type"`
	PrimaryID *uuid.UUID `json:"primaryId,omitempty"`
	BackupID  *uuid.UUID `json:"backupId,omitempty"`
}

// BackupInput names the backup of an integration's type; absent or null
// removes it.
type BackupInput struct {
	BackupID *uuid.UUID `json:"backupIntegration,omitempty"`
}

// RevealInput names the credential to show.
type RevealInput struct {
	Field string `json:"field"`
}

// RotateInput asks for a credential to be replaced: with Value, or
// minted by the provider when Value is empty (ADMIN-INT-014).
type RotateInput struct {
	Field string `json:"field"`
	Value string `json:"value,omitempty"`
}

// minutes is a duration in whole minutes, rounded up.
func minutes(d time.Duration) int { return int((d + time.Minute - 1) / time.Minute) }

func idPtr(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

// toIntegration converts the Manager's view, masking every credential.
func toIntegration(in *integration.Integration, now time.Time) *Integration {
	out := &Integration{ID: in.ID, Name: in.Name, Type: in.Type, TypeName: in.TypeName, Provider: in.Provider,
		ProviderName: in.ProviderName, Settings: maskedSettings(in.Settings, in.Fields), Status: string(in.Status),
		StatusLabel: in.StatusLabel(now), StatusSince: in.StatusSince, ErrorMessage: in.ErrorMessage,
		LastHealthCheck: in.LastHealthCheck, LastSync: in.LastSync,
		LastSyncLabel: integration.LastSyncLabel(in.LastSync, in.LastSyncError != "", now), LastSyncError: in.LastSyncError,
		NextCheckAt: in.NextCheckAt, CheckInterval: minutes(in.CheckInterval), OwnCheckInterval: in.OwnCheckInterval,
		OAuth: in.Settings[oauth.FieldProvider] != "", CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt,
		CredentialsSince: in.CredentialsSince, ManualMode: in.ManualMode}
	if in.RetryPolicy != nil {
		f := in.RetryPolicy.Form()
		out.RetryPolicy = &f
	}
	if in.Check != nil {
		out.Check = toTest(in.Check, "")
	}
	return out
}

// toTest converts a connection test; message is what the admin is told
// (empty: the failed stage's, else "Connection successful").
func toTest(c *providers.CheckResult, message string) *ConnectionTest {
	out := &ConnectionTest{OK: c == nil || c.OK(), Message: message, Stages: []TestStage{}}
	if c == nil {
		return out
	}
	for _, st := range c.Stages {
		out.Stages = append(out.Stages, TestStage{Name: string(st.Name), Status: string(st.Status),
			DurationMS: float64(st.Duration.Microseconds()) / 1000, Message: st.Message})
	}
	if out.Message == "" {
		out.Message = integration.MsgTestPassed
		if f := c.Failed(); f != nil {
			out.Message = f.Message
		}
	}
	return out
}

func toOverview(o *integration.Overview) *IntegrationOverview {
	out := &IntegrationOverview{Total: o.Total, Active: o.Active, Errors: o.Errors, Disabled: o.Disabled, Inactive: o.Inactive,
		ActivePercent: o.ActivePercent, ErrorsPercent: o.ErrorsPercent, DisabledPercent: o.DisabledPercent,
		InactivePercent: o.InactivePercent, Integrations: []*OverviewItem{}, Unconfigured: []string{}, Alerts: []*Alert{}, At: o.At}
	for _, it := range o.Integrations {
		out.Integrations = append(out.Integrations, &OverviewItem{ID: it.ID, Name: it.Name, Type: it.Type, TypeName: it.TypeName,
			Provider: it.Provider, ProviderName: it.ProviderName, Status: string(it.Status), StatusLabel: it.StatusLabel,
			ErrorMessage: it.ErrorMessage, LastSync: it.LastSync, LastSyncLabel: it.LastSyncLabel})
	}
	for _, ct := range o.Unconfigured {
		out.Unconfigured = append(out.Unconfigured, ct.Entry.Key)
	}
	return out
}

func toAlert(a *storage.Alert) *Alert {
	return &Alert{ID: a.ID, IntegrationID: idPtr(a.IntegrationID), Severity: string(a.Severity), Title: a.Title,
		Message: a.Message, Impact: a.Impact, Status: string(a.Status), Count: a.Count, FirstSeenAt: a.FirstSeenAt,
		LastSeenAt: a.LastSeenAt, ResolvedAt: a.ResolvedAt}
}

func toCatalogType(ct *integration.CatalogType) *CatalogType {
	e := ct.Entry
	out := &CatalogType{Key: e.Key, Name: e.Name, Purpose: e.Purpose, Category: string(e.Category),
		CategoryTitle: e.Category.Title(), Availability: string(e.Availability), Vendors: append([]string{}, e.Vendors...),
		Installed: ct.Installed(), ProviderSummary: ct.ProviderSummary(), Providers: []*CatalogProvider{}}
	for _, p := range ct.Providers {
		cp := &CatalogProvider{Name: p.Name, DisplayName: p.DisplayName, Installed: p.Installed, Fields: []*FormField{}}
		if p.Info != nil {
			cp.Version, cp.OAuth = p.Info.Version, p.Info.Has(providers.CapabilityOAuth)
			for _, f := range p.Info.Fields {
				cp.Fields = append(cp.Fields, toFormField(f))
			}
		}
		out.Providers = append(out.Providers, cp)
	}
	return out
}

func toFormField(f providers.Field) *FormField {
	out := &FormField{Name: f.Name, Label: f.Label, Type: string(f.Type), Required: f.Required, Secret: f.Secret,
		Default: f.Default, Placeholder: f.Placeholder, MaxLength: f.MaxLength, Min: f.Min, Max: f.Max,
		Options: f.Options, Pattern: f.Pattern}
	m := map[string]string{"empty": f.Messages.Empty, "invalid": f.Messages.Invalid, "tooLong": f.Messages.TooLong,
		"belowMin": f.Messages.BelowMin, "aboveMax": f.Messages.AboveMax}
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	if len(m) > 0 {
		out.Messages = m
	}
	if f.Secret {
		out.Default = "" // a default credential is still a credential
	}
	return out
}

func toMetrics(m *integration.Metrics) *Metrics {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	out := &Metrics{Since: m.Since, Until: m.Until, Sent: m.Sent, Failed: m.Failed, SuccessRate: m.SuccessRate,
		FailureRate: m.FailureRate, NormalFailureRate: m.NormalFailureRate, AvgResponseMS: ms(m.AvgResponse),
		NormalResponseMS: ms(m.NormalResponse), Uptime: m.Uptime, UptimeTarget: m.UptimeTarget, Checks: m.Checks,
		CheckFailures: m.CheckFailures, Hourly: []*HourMetrics{}}
	for _, h := range m.Hourly {
		out.Hourly = append(out.Hourly, &HourMetrics{Start: h.Start, Sent: h.Sent, Failed: h.Failed,
			AvgResponseMS: ms(h.AvgResponse), Checks: h.Checks, CheckFailures: h.CheckFailures})
	}
	return out
}

func toUsage(u *providers.Usage) *QuotaUsage {
	if u == nil {
		return nil
	}
	return &QuotaUsage{Hour: u.Hour, Today: u.Today, HourlyLimit: u.HourlyLimit, DailyLimit: u.DailyLimit,
		Rejected: u.Rejected, Label: u.String()}
}

func toRoute(r *integration.Route) *IntegrationRoute {
	out := &IntegrationRoute{Type: r.Type}
	if r.Primary != nil {
		out.PrimaryID = idPtr(r.Primary.ID)
	}
	if r.Backup != nil {
		out.BackupID = idPtr(r.Backup.ID)
	}
	return out
}
