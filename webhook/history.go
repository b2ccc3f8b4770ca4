package webhook

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// StatsWindow is the period of [Dispatcher.SubscriptionStats]: 30 days (§6).
const StatsWindow = 30 * 24 * time.Hour

// Stats summarises a subscription's recent deliveries (§6).
type Stats struct {
	// Total counts finished attempts in the window; Succeeded and Failed
	// split them (dead-lettered attempts count as failed).
	Total, Succeeded, Failed int
	// SuccessRate is Succeeded/Total, 1 when there were no attempts.
	SuccessRate float64
	// LastTriggeredAt is the time of the latest attempt, nil if none.
	LastTriggeredAt *time.Time
}

// DeliveryList returns delivery history, newest first, filtered by
// subscription, event type, status and time range (ADMIN-INT-005).
func (d *Dispatcher) DeliveryList(ctx context.Context, p *storage.DeliveryListParams) (*storage.Page[*storage.Delivery], error) {
	if err := checkCtx(ctx, "DeliveryList"); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, nilArg("DeliveryList", "params")
	}
	return d.store.DeliveryList(ctx, p)
}

// DeliveryGet returns one attempt with its full request and response.
func (d *Dispatcher) DeliveryGet(ctx context.Context, orgID, id uuid.UUID) (*storage.Delivery, error) {
	if err := checkCtx(ctx, "DeliveryGet"); err != nil {
		return nil, err
	}
	return d.store.DeliveryGet(ctx, orgID, id)
}

// SubscriptionStats returns the success rate over the last 30 days and the
// last time the subscription was triggered.
func (d *Dispatcher) SubscriptionStats(ctx context.Context, orgID, id uuid.UUID) (*Stats, error) {
	if err := checkCtx(ctx, "SubscriptionStats"); err != nil {
		return nil, err
	}
	if _, err := d.store.WebhookGet(ctx, orgID, id); err != nil {
		return nil, err // another organization's, unknown, or the zero ID
	}
	st, err := d.store.DeliveryStats(ctx, orgID, id, d.now().Add(-StatsWindow))
	if err != nil {
		return nil, err
	}
	out := &Stats{Total: st.Total, Succeeded: st.Succeeded, Failed: st.Failed + st.DeadLettered, SuccessRate: 1,
		LastTriggeredAt: st.LastAttemptAt}
	if st.Total > 0 {
		out.SuccessRate = float64(st.Succeeded) / float64(st.Total)
	}
	return out, nil
}
