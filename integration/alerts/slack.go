package alerts

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/slack"
	"github.com/intimeos/integrations/storage"
)

// SlackNotifier posts alerts to Slack with the shipped providers/slack
// provider: to an incoming webhook URL when WebhookURL gives one for the
// organization, else through the organization's Slack integration
// (integration.TypeSlack, by the Dispatcher's call path) when its
// storage.AlertSettings.Slack is set, to SlackChannel or the integration's
// default channel.
type SlackNotifier struct {
	// Dispatcher posts through the organization's Slack integration; a
	// *integration.Manager. Optional when WebhookURL serves every
	// organization.
	Dispatcher integration.Dispatcher
	// WebhookURL returns the organization's incoming webhook URL, "" for
	// none. Optional. The URL is a secret: it is never logged.
	WebhookURL func(ctx context.Context, orgID uuid.UUID) (string, error)
	// Provider posts to WebhookURL. Nil means slack.New(nil).
	Provider *slack.Provider
}

// NotifierSlack is [SlackNotifier]'s name.
const NotifierSlack = "slack"

// Name implements [Notifier].
func (n *SlackNotifier) Name() string { return NotifierSlack }

// Notify implements [Notifier]; with neither a webhook URL nor the Slack
// setting it returns [ErrNotConfigured].
func (n *SlackNotifier) Notify(ctx context.Context, a *storage.Alert, ev *Event) error {
	msg := &slack.Message{Text: SlackText(a, ev.Kind)}
	if n.WebhookURL != nil {
		url, err := n.WebhookURL(ctx, a.OrganizationID)
		if err != nil {
			return err
		}
		if url != "" {
			msg.Via = slack.ViaWebhook
			p := n.Provider
			if p == nil {
				p = slack.New(nil)
			}
			_, err := slack.MessagePost(ctx, callerFunc(func(ctx context.Context, op *providers.Operation) (*providers.Result, error) {
				return p.Do(ctx, providers.Settings{slack.FieldWebhookURL: url}, op)
			}), msg)
			return err
		}
	}
	if ev.Settings == nil || !ev.Settings.Slack {
		return ErrNotConfigured
	}
	if n.Dispatcher == nil {
		return errors.New("alerts: SlackNotifier.Dispatcher is required to post through the Slack integration")
	}
	msg.Channel = ev.Settings.SlackChannel
	_, err := slack.MessagePost(ctx, integration.Caller(n.Dispatcher, a.OrganizationID, integration.TypeSlack), msg)
	return err
}

// SlackText is a notification in Slack's mrkdwn: the subject in bold, then
// the body.
func SlackText(a *storage.Alert, kind storage.AlertNotificationKind) string {
	return "*" + slackEscape(Subject(a, kind)) + "*\n" + slackEscape(Body(a, kind))
}

// slackEscape escapes the three characters Slack's mrkdwn reserves.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// callerFunc adapts a function to providers.Caller.
type callerFunc func(ctx context.Context, op *providers.Operation) (*providers.Result, error)

func (f callerFunc) Call(ctx context.Context, op *providers.Operation) (*providers.Result, error) {
	return f(ctx, op)
}
