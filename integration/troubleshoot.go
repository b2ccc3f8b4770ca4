package integration

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/storage"
)

// The kinds of a [SuggestedAction]: what its button does (UC-ADMIN-007 §5,
// "Suggested Actions").
const (
	ActionStatusPage    = "status_page"
	ActionVerifyKey     = "verify_key"
	ActionTestNetwork   = "test_network"
	ActionCheckFirewall = "check_firewall"
	ActionViewLogs      = "view_logs"
	ActionSwitchBackup  = "switch_backup"
)

// SuggestedAction is one of the troubleshooting panel's suggested actions,
// as data a UI renders as a button and its question: "[Check SendGrid
// Status Page] - Is service up?".
type SuggestedAction struct {
	// Kind is one of the Action constants: what the button does.
	Kind string
	// Label is the button's text ("Check SendGrid Status Page"), Detail
	// the question beside it ("Is service up?").
	Label  string
	Detail string
	// URL is where the button leads, for ActionStatusPage; "" otherwise.
	URL string
}

// Diagnosis is what [Manager.Troubleshoot] found.
type Diagnosis struct {
	// Summary is the spec's message for what is wrong (§16): "Connection
	// to SendGrid timed out", "Authentication failed. Please check
	// credentials.", or MsgTestPassed when nothing is.
	Summary string
	// Pattern is what the recent errors suggest (§5): "Repeated timeouts
	// suggest network/firewall issue"; "" when they show none.
	Pattern string
	// Actions are the suggested actions, in the §5 panel's order.
	Actions []SuggestedAction
	// Check is the staged connection test Troubleshoot ran (DNS, TCP,
	// TLS, authentication).
	Check *providers.CheckResult
	// Certificate is the endpoint's TLS certificate, when it serves one.
	Certificate *Certificate
	// RecentErrors are the integration's error entries analysed, newest
	// first (the §5 "RECENT ERRORS" list).
	RecentErrors []RecentError
}

// RecentError is one error entry of the integration's log.
type RecentError struct {
	Time    time.Time
	Message string
}

// Troubleshooting windows.
const (
	// TroubleshootWindow is how far back Troubleshoot reads the
	// integration's errors.
	TroubleshootWindow = 24 * time.Hour
	// TroubleshootErrorsMax is the most error entries it analyses.
	TroubleshootErrorsMax = 50
)

// Troubleshoot runs an integration's staged connection test (DNS, TCP,
// TLS with the certificate's expiry, authentication) and analyses its
// recent errors for a pattern (§5, §16): repeated timeouts suggest a
// network or firewall issue, authentication failures a wrong or expired
// key, TLS failures a certificate, 429s the rate limits, a provider's 5xx
// an outage. It returns the spec's message for what is wrong, the pattern
// and the suggested actions, "Switch to Backup" only when the type has a
// backup. The test is a health check of an integration that is not
// disabled: its status and log are updated.
func (m *Manager) Troubleshoot(ctx context.Context, orgID, id uuid.UUID) (*Diagnosis, error) {
	h, err := m.store.IntegrationHealthGet(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	errs, err := m.recentErrors(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	t, o := m.checkStored(ctx, h, nil)
	if h.Status != storage.IntegrationDisabled {
		if _, err := m.applyCheck(ctx, t, o, m.interval(h), nil, CauseTest); err != nil && !isConflict(err) {
			return nil, err
		}
	}
	d := &Diagnosis{Check: o.res, RecentErrors: errs.list}
	if o.ok() && t.endpoint != "" {
		d.Certificate = m.certificate(ctx, t.endpoint)
	}
	found := errs.pattern()
	if !o.ok() {
		found = found.orStage(o)
	}
	d.Summary, d.Pattern = m.summarise(t, o, found, d.Certificate)
	backup, err := m.backupOf(ctx, h)
	if err != nil {
		return nil, err
	}
	warning := ""
	if d.Certificate != nil {
		warning = d.Certificate.Warning(m.now())
	}
	d.Actions = suggest(t, found, warning, backup)
	return d, nil
}

// summarise words the diagnosis: the failed stage's message, else the
// pattern's, else the certificate's warning, else MsgTestPassed.
func (m *Manager) summarise(t *target, o *checkOutcome, p pattern, cert *Certificate) (summary, text string) {
	text = p.text(t.display)
	switch {
	case !o.ok():
		return o.message, text
	case p.kind != patternNone:
		return p.message, text
	case cert != nil && cert.Expired(m.now()):
		return MsgCertificateFailed, cert.Warning(m.now())
	case cert != nil && cert.ExpiresSoon(m.now()):
		return MsgTestPassed, cert.Warning(m.now())
	}
	return MsgTestPassed, ""
}

// backupOf returns the display name of the integration that takes over h's
// calls when h is its type's primary and the type has a backup, "" else.
func (m *Manager) backupOf(ctx context.Context, h *storage.IntegrationHealth) (string, error) {
	primary, backup, err := m.routeMembers(ctx, h.OrganizationID, h.Type)
	if err != nil || primary == nil || backup == nil || primary.ID != h.ID ||
		backup.Status == storage.IntegrationDisabled {
		return "", err
	}
	if _, info, err := m.reg.provider(ctx, backup.Provider); err == nil && info.DisplayName != "" {
		return info.DisplayName, nil
	}
	return backup.Name, nil
}
