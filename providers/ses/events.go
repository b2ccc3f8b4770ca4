package ses

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/intimeos/integrations/providers"
)

// EventTypes maps SES's notification and event types to the normalised
// email event types, the same as SendGrid's (package sendgrid): a bounce
// is "email.bounced" whichever provider sent the message. Types not listed
// (Rendering Failure, Subscription) are dropped.
var EventTypes = map[string]string{
	"Send":          "email.processed",
	"Reject":        "email.dropped",
	"DeliveryDelay": "email.deferred",
	"Delivery":      "email.delivered",
	"Bounce":        "email.bounced",
	"Open":          "email.opened",
	"Click":         "email.clicked",
	"Complaint":     "email.complained",
}

// The types of the events that SNS's own messages become.
const (
	EventSubscriptionConfirmed = "sns.subscription_confirmed"
	EventUnsubscribed          = "sns.unsubscribed"
)

// EventData is the normalised payload of an email event. Its JSON fields
// are those of SendGrid's (sendgrid.EventData), so a host reads a bounce
// alike from either provider.
type EventData struct {
	Provider string `json:"provider"`
	// Event is SES's own type: "Bounce", "Complaint", ...
	Event string `json:"event"`
	Email string `json:"email"`
	// ProviderMessageID is SES's message ID (what the send returned).
	ProviderMessageID string `json:"providerMessageId,omitempty"`
	// MessageID is the message's own ID (email.Message.ID), from the
	// [TagMessageID] tag, when SES publishes tags (configuration set
	// events).
	MessageID string `json:"messageId,omitempty"`
	// Reason is a bounce's diagnostic code, a complaint's feedback type,
	// a rejection's reason.
	Reason string `json:"reason,omitempty"`
	// Status is a bounce's SMTP status ("5.1.1"), a delivery's SMTP
	// response.
	Status string `json:"status,omitempty"`
	// BounceType is a bounce's type, lower case: "permanent",
	// "transient" or "undetermined".
	BounceType string `json:"bounceType,omitempty"`
	URL        string `json:"url,omitempty"`
}

// SNSEventData is the payload of [EventSubscriptionConfirmed] and
// [EventUnsubscribed].
type SNSEventData struct {
	Provider string `json:"provider"`
	TopicARN string `json:"topicArn"`
}

// sesNotification is an SES notification (notificationType) or
// configuration set event (eventType), the fields kept.
type sesNotification struct {
	NotificationType string `json:"notificationType"`
	EventType        string `json:"eventType"`
	Mail             struct {
		Timestamp   time.Time           `json:"timestamp"`
		MessageID   string              `json:"messageId"`
		Destination []string            `json:"destination"`
		Tags        map[string][]string `json:"tags"`
	} `json:"mail"`
	Bounce *struct {
		BounceType string      `json:"bounceType"`
		Recipients []recipient `json:"bouncedRecipients"`
		Timestamp  time.Time   `json:"timestamp"`
	} `json:"bounce"`
	Complaint *struct {
		Recipients   []recipient `json:"complainedRecipients"`
		Timestamp    time.Time   `json:"timestamp"`
		FeedbackType string      `json:"complaintFeedbackType"`
	} `json:"complaint"`
	Delivery *struct {
		Recipients   []string  `json:"recipients"`
		Timestamp    time.Time `json:"timestamp"`
		SMTPResponse string    `json:"smtpResponse"`
	} `json:"delivery"`
	DeliveryDelay *struct {
		Recipients []recipient `json:"delayedRecipients"`
		Timestamp  time.Time   `json:"timestamp"`
		DelayType  string      `json:"delayType"`
	} `json:"deliveryDelay"`
	Reject *struct {
		Reason string `json:"reason"`
	} `json:"reject"`
	Open *struct {
		Timestamp time.Time `json:"timestamp"`
	} `json:"open"`
	Click *struct {
		Timestamp time.Time `json:"timestamp"`
		Link      string    `json:"link"`
	} `json:"click"`
}

type recipient struct {
	Email          string `json:"emailAddress"`
	Status         string `json:"status"`
	DiagnosticCode string `json:"diagnosticCode"`
}

// normalise turns the SES notification an SNS Notification carries into
// email events: one per recipient for bounces, complaints, deliveries and
// delays, one per destination for the others. Each event's ID is the SNS
// message ID, then "/" and the recipient, so that SNS's redeliveries are
// recognised.
func normalise(snsID, message string) ([]providers.Event, error) {
	var n sesNotification
	if err := json.Unmarshal([]byte(message), &n); err != nil {
		return nil, fmt.Errorf("ses: decode SES notification: %w", err)
	}
	kind := n.NotificationType
	if kind == "" {
		kind = n.EventType
	}
	typ, ok := EventTypes[kind]
	if !ok {
		return []providers.Event{}, nil
	}
	base := EventData{Provider: Name, Event: kind, ProviderMessageID: n.Mail.MessageID}
	if tags := n.Mail.Tags[TagMessageID]; len(tags) > 0 {
		base.MessageID = tags[0]
	}
	var out []providers.Event
	for _, d := range n.details(base) {
		data, err := json.Marshal(d.data)
		if err != nil {
			return nil, fmt.Errorf("ses: encode event: %w", err)
		}
		at := d.at
		if at.IsZero() {
			at = n.Mail.Timestamp
		}
		out = append(out, providers.Event{ID: snsID + "/" + strings.ToLower(d.data.Email), Type: typ, Time: at.UTC(), Data: data})
	}
	return out, nil
}

// detail is one recipient's event before encoding.
type detail struct {
	data EventData
	at   time.Time
}

// details returns one detail per recipient the notification concerns.
func (n *sesNotification) details(base EventData) []detail {
	var out []detail
	add := func(email string, at time.Time, edit func(*EventData)) {
		d := base
		d.Email = email
		if edit != nil {
			edit(&d)
		}
		out = append(out, detail{data: d, at: at})
	}
	switch {
	case n.Bounce != nil:
		for _, r := range n.Bounce.Recipients {
			add(r.Email, n.Bounce.Timestamp, func(d *EventData) {
				d.BounceType, d.Reason, d.Status = strings.ToLower(n.Bounce.BounceType), r.DiagnosticCode, r.Status
			})
		}
	case n.Complaint != nil:
		for _, r := range n.Complaint.Recipients {
			add(r.Email, n.Complaint.Timestamp, func(d *EventData) { d.Reason = n.Complaint.FeedbackType })
		}
	case n.Delivery != nil:
		for _, r := range n.Delivery.Recipients {
			add(r, n.Delivery.Timestamp, func(d *EventData) { d.Status = n.Delivery.SMTPResponse })
		}
	case n.DeliveryDelay != nil:
		for _, r := range n.DeliveryDelay.Recipients {
			add(r.Email, n.DeliveryDelay.Timestamp, func(d *EventData) { d.Reason, d.Status = n.DeliveryDelay.DelayType, r.Status })
		}
	default:
		n.perDestination(add)
	}
	return out
}

// perDestination adds one event per destination of the message: sends,
// rejections, opens and clicks concern the message, not one recipient.
func (n *sesNotification) perDestination(add func(string, time.Time, func(*EventData))) {
	var at time.Time
	var edit func(*EventData)
	switch {
	case n.Reject != nil:
		edit = func(d *EventData) { d.Reason = n.Reject.Reason }
	case n.Open != nil:
		at = n.Open.Timestamp
	case n.Click != nil:
		at, edit = n.Click.Timestamp, func(d *EventData) { d.URL = n.Click.Link }
	}
	for _, r := range n.Mail.Destination {
		add(r, at, edit)
	}
}
