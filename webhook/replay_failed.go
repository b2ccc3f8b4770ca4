package webhook

import (
	"context"
	"slices"

	"github.com/intimeos/integrations/storage"
)

// DeliveryReplayFailed is the history's "Replay Failed" (§12): it replays,
// once each, the events among the rows the history's current filter
// selects (subscription, event, event type, statuses, creation time;
// Limit and Cursor are ignored) whose latest attempt failed or went to the
// dead letter queue, as [Dispatcher.DeliveryReplayBulk] does, and returns
// how many (or would, with dryRun). A filter whose statuses name neither
// failed nor dlq selects no failed row: nothing is replayed.
func (d *Dispatcher) DeliveryReplayFailed(ctx context.Context, filter *storage.DeliveryListParams, dryRun bool) (int, error) {
	if err := checkCtx(ctx, "DeliveryReplayFailed"); err != nil {
		return 0, err
	}
	if filter == nil {
		return 0, nilArg("DeliveryReplayFailed", "filter")
	}
	failed := []storage.DeliveryStatus{storage.DeliveryFailed, storage.DeliveryDLQ}
	statuses := failed
	if len(filter.Statuses) > 0 {
		statuses = slices.DeleteFunc(slices.Clone(filter.Statuses), func(s storage.DeliveryStatus) bool {
			return !slices.Contains(failed, s)
		})
		if len(statuses) == 0 {
			return 0, nil
		}
	}
	return d.DeliveryReplayBulk(ctx, &ReplayParams{OrganizationID: filter.OrganizationID, WebhookID: filter.WebhookID,
		EventID: filter.EventID, EventType: filter.EventType, Statuses: statuses, Created: filter.Created, DryRun: dryRun})
}
