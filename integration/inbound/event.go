package inbound

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

// Event is a normalised provider event as the host receives it.
type Event struct {
	// ID is the event's ID in the store: the same however often the
	// provider delivers the event; de-duplicate by it.
	ID             uuid.UUID
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	Provider       string
	// ProviderEventID is the provider's ID of the event.
	ProviderEventID string
	// Type is the normalised type: "email.bounced", "sms.delivered",
	// "background_check.completed".
	Type string
	// Category is the event's checkbox, "" for an event of none.
	Category Category
	// OccurredAt is when the provider says it happened (nil if it does
	// not say), ReceivedAt when it was first stored.
	OccurredAt *time.Time
	ReceivedAt time.Time
	// Data is the provider's normalised payload: for email events the
	// fields of sendgrid.EventData and ses.EventData (provider, event,
	// email, reason, bounceType, ...).
	Data json.RawMessage
}

// Batch is what Config.OnEvents receives: the new events of one request
// of one integration's provider, in the provider's order.
type Batch struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	Provider       string
	Events         []*Event
}

func eventOf(e *storage.InboundEvent) *Event {
	c, _ := CategoryOf(e.Type)
	return &Event{ID: e.ID, OrganizationID: e.OrganizationID, IntegrationID: e.IntegrationID, Provider: e.Provider,
		ProviderEventID: e.EventID, Type: e.Type, Category: c, OccurredAt: e.OccurredAt, ReceivedAt: e.ReceivedAt, Data: e.Data}
}

// EventList lists the events an organization's providers posted, newest
// first, filtered as storage.InboundEventListParams says (integration,
// types, time received).
func (r *Receiver) EventList(ctx context.Context, p *storage.InboundEventListParams) (*storage.Page[*Event], error) {
	page, err := r.store.InboundEventList(ctx, p)
	if err != nil {
		return nil, err
	}
	out := &storage.Page[*Event]{Next: page.Next, Items: make([]*Event, len(page.Items))}
	for i, e := range page.Items {
		out.Items[i] = eventOf(e)
	}
	return out, nil
}

// Prune deletes the events received longer than Config.Retention ago, and
// with them the de-duplication of their IDs, and returns how many. Run it
// daily, from any one host or from all.
func (r *Receiver) Prune(ctx context.Context) (int, error) {
	before := r.now().Add(-r.cfg.Retention)
	total := 0
	for {
		n, err := r.store.InboundEventDeleteBefore(ctx, before, storage.LimitMax)
		total += n
		if err != nil || n < storage.LimitMax {
			return total, err
		}
	}
}

// OutboundData is the data of an outbound webhook event republished from
// an inbound one ([WebhookEvents]).
type OutboundData struct {
	ID              uuid.UUID       `json:"id"`
	IntegrationID   uuid.UUID       `json:"integrationId"`
	Provider        string          `json:"provider"`
	ProviderEventID string          `json:"providerEventId"`
	OccurredAt      *time.Time      `json:"occurredAt,omitempty"`
	Data            json.RawMessage `json:"data"`
}

// WebhookEvents are outbound webhook event types for the normalised
// inbound events, with sample payloads: register the ones subscribers may
// choose (webhook.Config.Events) and the Receiver republishes those events
// through Config.Webhooks.
func WebhookEvents() []webhook.EventType {
	sample := func(typ, data string) json.RawMessage {
		b, _ := json.Marshal(OutboundData{ID: uuid.MustParse("0190b6d2-7c4e-7a3b-9f1e-2d5c8a4b6e01"),
			IntegrationID: uuid.MustParse("0190b6d2-7c4e-7a3b-9f1e-2d5c8a4b6e02"), Provider: "sendgrid",
			ProviderEventID: "evt-" + typ, Data: json.RawMessage(data)})
		return b
	}
	email := func(event, extra string) string {
		return `{"provider":"sendgrid","event":"` + event + `","email":"candidate@example.com","providerMessageId":"abc123"` + extra + `}`
	}
	return []webhook.EventType{
		{Name: "email.bounced", Description: "an email bounced",
			Sample: sample("email.bounced", email("bounce", `,"reason":"550 5.1.1 user unknown","status":"5.1.1","bounceType":"bounce"`))},
		{Name: "email.complained", Description: "a recipient reported an email as spam", Sample: sample("email.complained", email("spamreport", ""))},
		{Name: "email.unsubscribed", Description: "a recipient unsubscribed", Sample: sample("email.unsubscribed", email("unsubscribe", ""))},
		{Name: "email.delivered", Description: "an email was delivered", Sample: sample("email.delivered", email("delivered", ""))},
		{Name: "email.opened", Description: "an email was opened", Sample: sample("email.opened", email("open", ""))},
		{Name: "email.clicked", Description: "a link in an email was clicked",
			Sample: sample("email.clicked", email("click", `,"url":"https://intime.com/jobs/JOB-2024-1234"`))},
		{Name: "sms.delivered", Description: "a text message was delivered",
			Sample: sample("sms.delivered", `{"provider":"twilio","messageId":"SM0123","status":"delivered","to":"+15551234567"}`)},
		{Name: "sms.undelivered", Description: "a text message could not be delivered",
			Sample: sample("sms.undelivered", `{"provider":"twilio","messageId":"SM0123","status":"undelivered","to":"+15551234567","errorCode":"30003"}`)},
		{Name: "background_check.completed", Description: "a background check report completed",
			Sample: sample("background_check.completed", `{"checkrType":"report.completed","reportId":"rpt_1","candidateId":"cand_1","status":"complete","result":"clear"}`)},
	}
}
