package admin

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

// Delivery is one delivery attempt. The list leaves out the request and
// response; get has them (ADMIN-INT-005).
type Delivery struct {
	ID             uuid.UUID  `json:"id"`
	WebhookID      uuid.UUID  `json:"webhookId"`
	EventID        uuid.UUID  `json:"eventId"`
	EventType      string     `json:"eventType"`
	Status         string     `json:"status"`
	AttemptNumber  int        `json:"attemptNumber"`
	ResponseStatus *int       `json:"responseStatus,omitempty"`
	DurationMS     *int       `json:"durationMs,omitempty"`
	ErrorMessage   string     `json:"errorMessage,omitempty"`
	DeliveredAt    *time.Time `json:"deliveredAt,omitempty"`
	NextRetryAt    *time.Time `json:"nextRetryAt,omitempty"`
	CreatedAt      time.Time  `json:"createdAt"`
	// Detail, in get only.
	Payload           json.RawMessage     `json:"payload,omitempty"`
	RequestHeaders    map[string][]string `json:"requestHeaders,omitempty"`
	ResponseHeaders   map[string][]string `json:"responseHeaders,omitempty"`
	ResponseBody      string              `json:"responseBody,omitempty"`
	ResponseTruncated bool                `json:"responseTruncated,omitempty"`
}

// ReplayInput selects deliveries to replay in bulk (ADMIN-INT-006).
// DryRun counts them without replaying.
type ReplayInput struct {
	WebhookID uuid.UUID  `json:"webhookId,omitzero"`
	EventType string     `json:"eventType,omitempty"`
	Statuses  []string   `json:"statuses,omitempty"`
	Since     *time.Time `json:"since,omitempty"`
	Until     *time.Time `json:"until,omitempty"`
	DryRun    bool       `json:"dryRun,omitempty"`
}

func toDelivery(d *storage.Delivery) *Delivery {
	return &Delivery{ID: d.ID, WebhookID: d.WebhookID, EventID: d.EventID, EventType: d.EventType, Status: string(d.Status),
		AttemptNumber: d.AttemptNumber, ResponseStatus: d.ResponseStatus, DurationMS: d.DurationMS,
		ErrorMessage: d.ErrorMessage, DeliveredAt: d.DeliveredAt, NextRetryAt: d.NextRetryAt, CreatedAt: d.CreatedAt}
}

func toDeliveryDetail(d *storage.Delivery) *Delivery {
	out := toDelivery(d)
	out.Payload, out.RequestHeaders, out.ResponseHeaders = d.Payload, d.RequestHeaders, d.ResponseHeaders
	out.ResponseBody, out.ResponseTruncated = d.ResponseBody, d.ResponseTruncated
	return out
}

func (h *Handler) deliveryOps() []*operation {
	return []*operation{
		op(h, "GET", "/api/deliveries", "deliveryList", "deliveries", "Delivery history, newest first, filtered (ADMIN-INT-005).", 200, h.apiDeliveryList).
			withQuery(param{name: "webhook", typ: "uuid", desc: "one webhook's deliveries"},
				param{name: "event", typ: "string", desc: "event type"},
				param{name: "status", typ: "string", desc: "pending, success, failed or dlq", array: true},
				param{name: "since", typ: "date-time", desc: "created at or after"},
				param{name: "until", typ: "date-time", desc: "created before"}, limitParam, cursorParam),
		op(h, "GET", "/api/deliveries/{id}", "deliveryGet", "deliveries", "One attempt with its request and response.", 200, h.apiDeliveryGet),
		op(h, "POST", "/api/deliveries/{id}/replay", "deliveryReplay", "deliveries", "Send a delivery again with the same payload (ADMIN-INT-006).", 201, h.apiDeliveryReplay),
		op(h, "POST", "/api/deliveries/replay", "deliveryReplayBulk", "deliveries", "Replay every failed event matching the filter; dryRun counts them.", 200, h.apiDeliveryReplayBulk),
	}
}

// deliveryParams reads the history filter of the query.
func deliveryParams(r *http.Request) (*storage.DeliveryListParams, error) {
	limit, cursor, err := pageQuery(r)
	if err != nil {
		return nil, err
	}
	p := &storage.DeliveryListParams{OrganizationID: org(r), EventType: r.URL.Query().Get("event"), Limit: limit, Cursor: cursor}
	if p.WebhookID, err = queryID(r, "webhook"); err != nil {
		return nil, err
	}
	for _, s := range r.URL.Query()["status"] {
		if s != "" {
			p.Statuses = append(p.Statuses, storage.DeliveryStatus(s))
		}
	}
	if p.Created.Since, err = queryTime(r, "since"); err != nil {
		return nil, err
	}
	if p.Created.Until, err = queryTime(r, "until"); err != nil {
		return nil, err
	}
	return p, nil
}

func (h *Handler) apiDeliveryList(r *http.Request, _ *none) (*Page[*Delivery], error) {
	p, err := deliveryParams(r)
	if err != nil {
		return nil, err
	}
	page, err := h.cfg.Webhooks.DeliveryList(r.Context(), p)
	if err != nil {
		return nil, err
	}
	return mapPage(page, toDelivery), nil
}

func (h *Handler) apiDeliveryGet(r *http.Request, _ *none) (*Delivery, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	d, err := h.cfg.Webhooks.DeliveryGet(r.Context(), org(r), id)
	if err != nil {
		return nil, err
	}
	return toDeliveryDetail(d), nil
}

func (h *Handler) apiDeliveryReplay(r *http.Request, _ *none) (*Delivery, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	d, err := h.cfg.Webhooks.DeliveryReplay(r.Context(), org(r), id)
	if err != nil {
		return nil, err
	}
	_ = h.audit(r, "deliveryReplay", "delivery", id, "")
	return toDelivery(d), nil
}

func (h *Handler) apiDeliveryReplayBulk(r *http.Request, in *ReplayInput) (*Count, error) {
	return h.replayBulk(r, in)
}

func (h *Handler) replayBulk(r *http.Request, in *ReplayInput) (*Count, error) {
	p := &webhook.ReplayParams{OrganizationID: org(r), WebhookID: in.WebhookID, EventType: in.EventType, DryRun: in.DryRun}
	for _, s := range in.Statuses {
		p.Statuses = append(p.Statuses, storage.DeliveryStatus(s))
	}
	if in.Since != nil {
		p.Created.Since = *in.Since
	}
	if in.Until != nil {
		p.Created.Until = *in.Until
	}
	n, err := h.cfg.Webhooks.DeliveryReplayBulk(r.Context(), p)
	if err != nil {
		return nil, err
	}
	if !in.DryRun {
		_ = h.audit(r, "deliveryReplayBulk", "delivery", in.WebhookID, itoa(n))
	}
	return &Count{Count: n, DryRun: in.DryRun}, nil
}
