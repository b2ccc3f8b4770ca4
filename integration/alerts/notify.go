package alerts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/storage"
)

// Notifier sends alert notifications through one channel (email, Slack).
type Notifier interface {
	// Name identifies the notifier in the store; it must not change once
	// notifications were queued under it.
	Name() string
	// Notify tells the organization's targets about the alert. An error
	// leaves the notification pending, to be tried again;
	// [ErrNotConfigured] marks it skipped.
	Notify(ctx context.Context, a *storage.Alert, ev *Event) error
}

// Event is what a notification tells about its alert.
type Event struct {
	// Kind is raised, reminder or resolved.
	Kind storage.AlertNotificationKind
	// Attempt counts from 1.
	Attempt int
	// Settings are the organization's targets (zero when it set none).
	Settings *storage.AlertSettings
}

// ErrNotConfigured is returned by a notifier that has no target for the
// organization; the notification is marked skipped.
var ErrNotConfigured = errors.New("alerts: the notifier has no target for this organization")

// notifyBatch is how many notifications one claim takes.
const notifyBatch = 50

// NotifyDue sends the notifications that are due, in batches, until none
// is left, and returns how many it sent. Start's loop runs it; tests call
// it directly.
func (e *Engine) NotifyDue(ctx context.Context) (int, error) {
	sent := 0
	for {
		claimed, err := e.store.AlertNotificationClaim(ctx, &storage.AlertNotificationClaimParams{Now: e.now(),
			Lease: e.cfg.NotifyLease, Limit: notifyBatch})
		if err != nil {
			return sent, err
		}
		settings := map[uuid.UUID]*storage.AlertSettings{}
		for _, n := range claimed {
			ok, err := e.send(ctx, n, settings)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
		if len(claimed) < notifyBatch {
			return sent, nil
		}
	}
}

// send makes one attempt at a claimed notification and records it.
func (e *Engine) send(ctx context.Context, n *storage.AlertNotification, settings map[uuid.UUID]*storage.AlertSettings) (bool, error) {
	a, err := e.store.AlertGet(ctx, n.OrganizationID, n.AlertID)
	if err != nil {
		return false, err
	}
	st, ok := settings[n.OrganizationID]
	if !ok {
		st, err = e.store.AlertSettingsGet(ctx, n.OrganizationID)
		if errors.Is(err, storage.ErrNotFound) {
			st, err = &storage.AlertSettings{OrganizationID: n.OrganizationID}, nil
		}
		if err != nil {
			return false, err
		}
		settings[n.OrganizationID] = st
	}
	fin := &storage.AlertNotificationFinishParams{OrganizationID: n.OrganizationID, ID: n.ID, ClaimID: n.ClaimID}
	notifier := e.notifiers[n.Notifier]
	switch {
	case notifier == nil:
		fin.Status, fin.Error = storage.AlertNotificationFailed, "no notifier named "+n.Notifier+" is configured"
	case below(a.Severity, st.MinSeverity):
		fin.Status = storage.AlertNotificationSkipped
	default:
		e.attempt(ctx, notifier, a, n, st, fin)
	}
	_, err = e.store.AlertNotificationFinish(context.WithoutCancel(ctx), fin)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil // the lease ran out and another host took it
	}
	return fin.Status == storage.AlertNotificationSent, err
}

// attempt calls the notifier and fills in the outcome.
func (e *Engine) attempt(ctx context.Context, nt Notifier, a *storage.Alert, n *storage.AlertNotification,
	st *storage.AlertSettings, fin *storage.AlertNotificationFinishParams) {
	cctx, cancel := context.WithTimeout(ctx, e.cfg.NotifyTimeout)
	err := nt.Notify(cctx, a, &Event{Kind: n.Kind, Attempt: n.Attempts, Settings: st})
	cancel()
	switch {
	case err == nil:
		fin.Status = storage.AlertNotificationSent
	case errors.Is(err, ErrNotConfigured):
		fin.Status = storage.AlertNotificationSkipped
	case n.Attempts >= e.cfg.NotifyMaxAttempts:
		fin.Status, fin.Error = storage.AlertNotificationFailed, err.Error()
	default:
		fin.Status, fin.Error = storage.AlertNotificationPending, err.Error()
		fin.NextAttemptAt = e.now().Add(e.retryWait(n.Attempts, err))
	}
	if err != nil && !errors.Is(err, ErrNotConfigured) {
		e.cfg.Logger.Warn("alerts: notification failed", "notifier", n.Notifier, "alert", a.ID,
			"organization", a.OrganizationID, "attempt", n.Attempts, "status", fin.Status, "err", err)
	}
}

// retryWait is RetryMin doubled per attempt made, at most RetryMax, or the
// notifier's Retry-After when that is longer.
func (e *Engine) retryWait(attempts int, err error) time.Duration {
	d := e.cfg.RetryMin
	for i := 1; i < attempts && d < e.cfg.RetryMax; i++ {
		d *= 2
	}
	d = min(d, e.cfg.RetryMax)
	if ra := providers.AsError(err).RetryAfter; ra > d {
		d = ra
	}
	return d
}

var severityRank = map[storage.AlertSeverity]int{storage.AlertInfo: 1, storage.AlertWarning: 2, storage.AlertCritical: 3}

// below reports whether s is less severe than the least notified.
func below(s, least storage.AlertSeverity) bool {
	return least != "" && severityRank[s] < severityRank[least]
}

// Subject is a notification's one-line summary: "[Critical] SMTP Email:
// Connection to SendGrid timed out", "[Resolved] ...".
func Subject(a *storage.Alert, kind storage.AlertNotificationKind) string {
	label := map[storage.AlertSeverity]string{storage.AlertInfo: "Info", storage.AlertWarning: "Warning",
		storage.AlertCritical: "Critical"}[a.Severity]
	switch kind {
	case storage.AlertNotifyResolved:
		label = "Resolved"
	case storage.AlertNotifyReminder:
		label += ", still open"
	}
	return "[" + label + "] " + a.Title
}

// Body is a notification's text: the message, the impact, and when it
// was seen.
func Body(a *storage.Alert, kind storage.AlertNotificationKind) string {
	s := a.Message + "\n"
	if a.Impact != "" {
		s += "Impact: " + a.Impact + "\n"
	}
	s += "First seen: " + a.FirstSeenAt.Format(time.RFC1123) + "\n"
	if a.Count > 1 {
		s += fmt.Sprintf("Occurrences: %d (last %s)\n", a.Count, a.LastSeenAt.Format(time.RFC1123))
	}
	if kind == storage.AlertNotifyResolved && a.ResolvedAt != nil {
		s += "Resolved: " + a.ResolvedAt.Format(time.RFC1123) + "\n"
	}
	return s
}
