package webhook

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// AlertRaiser raises alerts. [storage.AlertStore] implements it; an alert
// engine (notifiers, rules) can take its place in Config.Alerts.
type AlertRaiser interface {
	AlertRaise(ctx context.Context, p *storage.AlertRaiseParams) (*storage.Alert, error)
}

// AlertResolver is implemented by an AlertRaiser that can also resolve the
// open alert of a de-duplication key; the DLQ alert is resolved through it
// once the queue is empty.
type AlertResolver interface {
	AlertResolveKey(ctx context.Context, orgID uuid.UUID, dedupKey string) error
}

// The DLQ alert (§13).
const (
	// DLQAlertKey is the alert's de-duplication key: one open DLQ alert
	// per organization, bumped while items remain.
	DLQAlertKey         = "webhook.dlq"
	DLQAlertTitle       = "Webhook dead letter queue has items"
	DLQAlertImpact      = "Webhook events not delivered"
	msgDLQItems         = "Current DLQ items: %d"
	dlqAlertIntervalDef = time.Minute
	// dlqAlertOrgsMax is how many organizations' last checks are kept
	// before those older than the interval are forgotten.
	dlqAlertOrgsMax = 10_000
)

// DLQCount returns how many entries the organization's dead letter queue
// holds (one subscription's when webhookID is not uuid.Nil): the §13
// screen's "Current DLQ items: 3".
func (d *Dispatcher) DLQCount(ctx context.Context, orgID, webhookID uuid.UUID) (int, error) {
	if err := checkCtx(ctx, "DLQCount"); err != nil {
		return 0, err
	}
	return d.store.DLQCount(ctx, orgID, webhookID)
}

// DLQAlertCheck counts the organization's dead letter queue and, when it
// holds items, raises (or bumps) the DLQ alert through Config.Alerts:
// severity warning, "Current DLQ items: 3", impact "Webhook events not
// delivered", de-duplicated by [DLQAlertKey]. When the queue is empty it
// resolves the open alert (through the store, or an [AlertResolver]) and
// returns nil. Dead letters run it on their own (Config.DLQAlertInterval);
// hosts call it after emptying the queue (Retry All, Clear).
func (d *Dispatcher) DLQAlertCheck(ctx context.Context, orgID uuid.UUID) (*storage.Alert, error) {
	n, err := d.DLQCount(ctx, orgID, uuid.Nil)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, d.resolveDLQAlert(ctx, orgID)
	}
	return d.alerts().AlertRaise(ctx, &storage.AlertRaiseParams{OrganizationID: orgID, DedupKey: DLQAlertKey,
		Severity: storage.AlertWarning, Title: DLQAlertTitle, Message: fmt.Sprintf(msgDLQItems, n), Impact: DLQAlertImpact})
}

func (d *Dispatcher) alerts() AlertRaiser {
	if d.cfg.Alerts != nil {
		return d.cfg.Alerts
	}
	return d.store
}

// resolveDLQAlert resolves the open DLQ alert, if any.
func (d *Dispatcher) resolveDLQAlert(ctx context.Context, orgID uuid.UUID) error {
	if d.cfg.Alerts != nil {
		if r, ok := d.cfg.Alerts.(AlertResolver); ok {
			return r.AlertResolveKey(ctx, orgID, DLQAlertKey)
		}
		return nil
	}
	open, err := d.store.AlertList(ctx, &storage.AlertListParams{OrganizationID: orgID,
		Statuses: []storage.AlertStatus{storage.AlertOpen}, Limit: storage.LimitMax})
	if err != nil {
		return err
	}
	for _, a := range open.Items {
		if a.DedupKey == DLQAlertKey {
			_, err := d.store.AlertResolve(ctx, orgID, a.ID)
			return err
		}
	}
	return nil
}

// withDLQAlert returns the dead letter hook: the DLQ alert check, at most
// once per organization per Config.DLQAlertInterval in this process, then
// next. A failed check is logged; the dead letter stands.
func (d *Dispatcher) withDLQAlert(next func(context.Context, *DeadLetter)) func(context.Context, *DeadLetter) {
	every := d.cfg.DLQAlertInterval
	if every < 0 {
		return next
	}
	if every == 0 {
		every = dlqAlertIntervalDef
	}
	var (
		mu   sync.Mutex
		last = map[uuid.UUID]time.Time{}
	)
	return func(ctx context.Context, dl *DeadLetter) {
		now := d.now()
		mu.Lock()
		due := now.Sub(last[dl.OrganizationID]) >= every
		if due {
			last[dl.OrganizationID] = now
			if len(last) > dlqAlertOrgsMax {
				for org, at := range last {
					if now.Sub(at) >= every {
						delete(last, org)
					}
				}
			}
		}
		mu.Unlock()
		if due {
			if _, err := d.DLQAlertCheck(ctx, dl.OrganizationID); err != nil {
				d.cfg.Logger.Error("webhook: DLQ alert", "organization", dl.OrganizationID, "err", err)
			}
		}
		if next != nil {
			next(ctx, dl)
		}
	}
}
