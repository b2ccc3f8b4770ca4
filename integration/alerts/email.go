package alerts

import (
	"context"
	"errors"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers/email"
	"github.com/intimeos/integrations/storage"
)

// EmailNotifier emails alerts to the organization's recipients
// (storage.AlertSettings.EmailTo) through its own email integration: the
// Dispatcher's route, which fails over to the organization's backup email
// integration.
type EmailNotifier struct {
	// Dispatcher sends the email; a *integration.Manager. Required.
	Dispatcher integration.Dispatcher
	// From overrides the integration's from address; optional.
	From string
}

// NotifierEmail is [EmailNotifier]'s name.
const NotifierEmail = "email"

// Name implements [Notifier].
func (n *EmailNotifier) Name() string { return NotifierEmail }

// Notify implements [Notifier]; without recipients it returns
// [ErrNotConfigured].
func (n *EmailNotifier) Notify(ctx context.Context, a *storage.Alert, ev *Event) error {
	if n.Dispatcher == nil {
		return errors.New("alerts: EmailNotifier.Dispatcher is required")
	}
	if ev.Settings == nil || len(ev.Settings.EmailTo) == 0 {
		return ErrNotConfigured
	}
	_, err := integration.EmailFor(n.Dispatcher, a.OrganizationID).Send(ctx, &email.Message{
		ID: a.ID.String() + "." + string(ev.Kind), From: n.From, To: ev.Settings.EmailTo,
		Subject: Subject(a, ev.Kind), Text: Body(a, ev.Kind),
		Headers: map[string]string{"X-InTime-Alert": a.DedupKey}})
	return err
}
