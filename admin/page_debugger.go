package admin

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// debuggerView is the §12 webhook debugger.
type debuggerView struct {
	Webhooks []*Webhook
	Webhook  *Webhook
	Events   []*EventType
	Event    string
	Payload  string
	Errors   map[string]string
	Result   *SendResult
	History  []*Delivery
}

// debugger loads the debugger for a webhook and event (defaults: the first
// webhook, its first event) and the sample payload.
func (h *Handler) debugger(r *http.Request, webhookID uuid.UUID, event string) (*debuggerView, error) {
	v := &debuggerView{Errors: map[string]string{}}
	var err error
	if v.Webhooks, err = h.listWebhooks(r, ""); err != nil {
		return nil, err
	}
	if v.Events, err = h.eventTypes(); err != nil {
		return nil, err
	}
	for _, w := range v.Webhooks {
		if w.ID == webhookID || (webhookID == uuid.Nil && v.Webhook == nil) {
			v.Webhook = w
		}
	}
	if v.Webhook == nil {
		if webhookID != uuid.Nil {
			return nil, errNotFound
		}
		return v, nil
	}
	if event == "" && len(v.Webhook.Events) > 0 {
		event = v.Webhook.Events[0]
	}
	v.Event = event
	for _, e := range v.Events {
		if e.Name == event {
			v.Payload = prettyJSON(e.SamplePayload)
		}
	}
	page, err := h.cfg.Webhooks.DeliveryList(r.Context(), &storage.DeliveryListParams{OrganizationID: org(r), WebhookID: v.Webhook.ID,
		Created: storage.TimeRange{Since: h.cfg.Clock().Add(-24 * time.Hour)}, Limit: 20})
	if err != nil {
		return nil, err
	}
	v.History = mapPage(page, toDelivery).Items
	return v, nil
}

func (h *Handler) pageDebugger(w http.ResponseWriter, r *http.Request) {
	id, err := queryID(r, "webhook")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.debugger(r, id, r.URL.Query().Get("event"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "debugger", http.StatusOK, h.newView(w, r, "debugger", "Webhook debugger", v))
}

// pageDebuggerSend sends the edited payload and shows what went and came
// back. The "load" action only reloads the chosen event's sample (the
// no-JavaScript way to switch events).
func (h *Handler) pageDebuggerSend(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.Parse(r.PostFormValue("webhook"))
	if err != nil {
		h.fail(w, r, errNotFound)
		return
	}
	event := r.PostFormValue("event")
	v, err := h.debugger(r, id, event)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if r.PostFormValue("action") != "load" {
		v.Payload = r.PostFormValue("payload")
		v.Result, err = h.testSend(r, id, &TestInput{Event: event, Payload: json.RawMessage(v.Payload)})
		if err != nil {
			if !formErrors(err, v.Errors) {
				h.fail(w, r, err)
				return
			}
			status = http.StatusUnprocessableEntity
		}
	}
	h.render(w, r, "debugger", status, h.newView(w, r, "debugger", "Webhook debugger", v).at(h, "/debugger"+queryString("webhook", id.String(), "event", event)))
}
