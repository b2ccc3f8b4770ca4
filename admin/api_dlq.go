package admin

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// DeadLetter is a dead letter queue entry (§13, ADMIN-INT-013), with the
// event and attempt of its delivery.
type DeadLetter struct {
	ID            uuid.UUID `json:"id"`
	WebhookID     uuid.UUID `json:"webhookId"`
	DeliveryID    uuid.UUID `json:"deliveryId"`
	Reason        string    `json:"reason"`
	AddedAt       time.Time `json:"addedAt"`
	EventType     string    `json:"eventType"`
	AttemptNumber int       `json:"attemptNumber"`
}

// DLQScope names the webhook a bulk DLQ action is limited to; absent means
// every webhook of the organization.
type DLQScope struct {
	WebhookID uuid.UUID `json:"webhookId,omitzero"`
}

func (h *Handler) dlqOps() []*operation {
	return []*operation{
		op(h, "GET", "/api/dlq", "dlqList", "dlq", "The dead letter queue, newest first.", 200, h.apiDLQList).
			withQuery(param{name: "webhook", typ: "uuid", desc: "one webhook's entries"}, limitParam, cursorParam),
		op(h, "POST", "/api/dlq/{id}/retry", "dlqRetry", "dlq", "Replay an entry's delivery and remove the entry.", 201, h.apiDLQRetry),
		op(h, "DELETE", "/api/dlq/{id}", "dlqDelete", "dlq", "Remove an entry without retrying it.", 204, h.apiDLQDelete),
		op(h, "POST", "/api/dlq/retry-all", "dlqRetryAll", "dlq", "Retry every entry (of one webhook, if named).", 200, h.apiDLQRetryAll),
		op(h, "POST", "/api/dlq/clear", "dlqClear", "dlq", "Remove every entry (of one webhook, if named).", 200, h.apiDLQClear),
	}
}

// dlqPage lists entries with their deliveries' event and attempt.
func (h *Handler) dlqPage(r *http.Request, webhookID uuid.UUID, limit int, cursor string) (*Page[*DeadLetter], error) {
	page, err := h.cfg.Webhooks.DLQList(r.Context(), &storage.DLQListParams{OrganizationID: org(r), WebhookID: webhookID, Limit: limit, Cursor: cursor})
	if err != nil {
		return nil, err
	}
	out := &Page[*DeadLetter]{Items: make([]*DeadLetter, 0, len(page.Items)), Next: page.Next}
	for _, e := range page.Items {
		dl := &DeadLetter{ID: e.ID, WebhookID: e.WebhookID, DeliveryID: e.DeliveryID, Reason: e.Reason, AddedAt: e.AddedAt}
		d, err := h.cfg.Webhooks.DeliveryGet(r.Context(), org(r), e.DeliveryID)
		switch {
		case err == nil:
			dl.EventType, dl.AttemptNumber = d.EventType, d.AttemptNumber
		case !errors.Is(err, storage.ErrNotFound):
			return nil, err
		}
		out.Items = append(out.Items, dl)
	}
	return out, nil
}

// dlqCountMax bounds the pages read to count the queue.
const dlqCountMax = 1000

// dlqCount counts entries up to dlqCountMax; more reports true.
func (h *Handler) dlqCount(r *http.Request) (n int, more bool, err error) {
	cursor := ""
	for {
		page, err := h.cfg.Webhooks.DLQList(r.Context(), &storage.DLQListParams{OrganizationID: org(r), Limit: storage.LimitMax, Cursor: cursor})
		if err != nil {
			return 0, false, err
		}
		n += len(page.Items)
		if page.Next == "" {
			return n, false, nil
		}
		if n >= dlqCountMax {
			return n, true, nil
		}
		cursor = page.Next
	}
}

func (h *Handler) apiDLQList(r *http.Request, _ *none) (*Page[*DeadLetter], error) {
	limit, cursor, err := pageQuery(r)
	if err != nil {
		return nil, err
	}
	wid, err := queryID(r, "webhook")
	if err != nil {
		return nil, err
	}
	return h.dlqPage(r, wid, limit, cursor)
}

func (h *Handler) apiDLQRetry(r *http.Request, _ *none) (*Delivery, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	d, err := h.cfg.Webhooks.DLQRetry(r.Context(), org(r), id)
	if err != nil {
		return nil, err
	}
	_ = h.audit(r, "dlqRetry", "dlq", id, "")
	return toDelivery(d), nil
}

func (h *Handler) apiDLQDelete(r *http.Request, _ *none) (none, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return none{}, err
	}
	if err := h.cfg.Webhooks.DLQDelete(r.Context(), org(r), id); err != nil {
		return none{}, err
	}
	return none{}, h.auditChange(r, "dlqDelete", "dlq", id)
}

func (h *Handler) apiDLQRetryAll(r *http.Request, in *DLQScope) (*Count, error) {
	n, err := h.cfg.Webhooks.DLQRetryAll(r.Context(), org(r), in.WebhookID)
	if err != nil {
		return nil, err
	}
	_ = h.audit(r, "dlqRetryAll", "dlq", in.WebhookID, itoa(n))
	return &Count{Count: n}, nil
}

func (h *Handler) apiDLQClear(r *http.Request, in *DLQScope) (*Count, error) {
	n, err := h.cfg.Webhooks.DLQClear(r.Context(), org(r), in.WebhookID)
	if err != nil {
		return nil, err
	}
	_ = h.audit(r, "dlqClear", "dlq", in.WebhookID, itoa(n))
	return &Count{Count: n}, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
