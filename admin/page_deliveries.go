package admin

import (
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// deliveriesView is the history with its filters (ADMIN-INT-005).
type deliveriesView struct {
	Items    []*Delivery
	Next     string
	Webhooks []*Webhook
	Names    map[uuid.UUID]string
	Events   []*EventType
	Filter   deliveryFilter
}

// deliveryFilter is the history's filter form.
type deliveryFilter struct {
	Webhook, Event, Status, Range, Cursor string
}

// ranges are the time range choices of the filter.
var ranges = map[string]time.Duration{"1h": time.Hour, "24h": 24 * time.Hour, "7d": 7 * 24 * time.Hour, "30d": 30 * 24 * time.Hour}

// readFilter reads the filter form and the storage parameters it means.
func (h *Handler) readFilter(r *http.Request) (deliveryFilter, *storage.DeliveryListParams, error) {
	q := r.URL.Query()
	f := deliveryFilter{Webhook: q.Get("webhook"), Event: q.Get("event"), Status: q.Get("status"), Range: q.Get("range"), Cursor: q.Get("cursor")}
	p, err := deliveryParams(r)
	if err != nil {
		return f, nil, err
	}
	if d, ok := ranges[f.Range]; ok {
		p.Created.Since = h.cfg.Clock().Add(-d)
	}
	return f, p, nil
}

func (h *Handler) pageDeliveries(w http.ResponseWriter, r *http.Request) {
	f, p, err := h.readFilter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page, err := h.cfg.Webhooks.DeliveryList(r.Context(), p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &deliveriesView{Items: mapPage(page, toDelivery).Items, Next: page.Next, Filter: f, Names: map[uuid.UUID]string{}}
	if v.Webhooks, err = h.listWebhooks(r, ""); err != nil {
		h.fail(w, r, err)
		return
	}
	for _, wh := range v.Webhooks {
		v.Names[wh.ID] = wh.Name
	}
	if v.Events, err = h.eventTypes(); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "deliveries", http.StatusOK, h.newView(w, r, "deliveries", "Delivery history", v))
}

// deliveryView is one attempt's page: its request and response, and the
// other attempts of the same event.
type deliveryView struct {
	D        *Delivery
	Webhook  *Webhook
	Attempts []*Delivery
}

func (h *Handler) pageDelivery(w http.ResponseWriter, r *http.Request) {
	d, err := h.apiDeliveryGet(r, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &deliveryView{D: d}
	s, err := h.cfg.Webhooks.SubscriptionGet(r.Context(), org(r), d.WebhookID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Webhook = toWebhook(s)
	page, err := h.cfg.Webhooks.DeliveryList(r.Context(), &storage.DeliveryListParams{OrganizationID: org(r), WebhookID: d.WebhookID, EventID: d.EventID, Limit: 50})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Attempts = mapPage(page, toDelivery).Items
	h.render(w, r, "delivery", http.StatusOK, h.newView(w, r, "deliveries", "Delivery "+d.EventType, v))
}

func (h *Handler) pageDeliveryReplay(w http.ResponseWriter, r *http.Request) {
	nd, err := h.apiDeliveryReplay(r, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/deliveries/"+nd.ID.String(), "Replayed: the event was queued again with the same payload.")
}

// replayView is the bulk replay form with its dry-run count.
type replayView struct {
	Filter   deliveryFilter
	Count    int
	Webhooks []*Webhook
	Events   []*EventType
}

// replayFiltered replays (or, dry, counts) what the filter form selects.
func (h *Handler) replayFiltered(r *http.Request, f deliveryFilter, dry bool) (int, error) {
	in, err := h.replayInput(f, dry)
	if err != nil {
		return 0, err
	}
	n, err := h.replayBulk(r, in)
	if err != nil {
		return 0, err
	}
	return n.Count, nil
}

// replayInput is the bulk replay of the filter form.
func (h *Handler) replayInput(f deliveryFilter, dry bool) (*ReplayInput, error) {
	in := &ReplayInput{EventType: f.Event, DryRun: dry}
	if f.Webhook != "" {
		id, err := uuid.Parse(f.Webhook)
		if err != nil {
			return nil, badRequest("The webhook parameter is not an ID.")
		}
		in.WebhookID = id
	}
	if f.Status != "" {
		in.Statuses = []string{f.Status}
	}
	if d, ok := ranges[f.Range]; ok {
		since := h.cfg.Clock().Add(-d)
		in.Since = &since
	}
	return in, nil
}

func (h *Handler) pageReplay(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := deliveryFilter{Webhook: q.Get("webhook"), Event: q.Get("event"), Status: q.Get("status"), Range: q.Get("range")}
	n, err := h.replayFiltered(r, f, true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &replayView{Filter: f, Count: n}
	if v.Webhooks, err = h.listWebhooks(r, ""); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Events, err = h.eventTypes(); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "replay", http.StatusOK, h.newView(w, r, "deliveries", "Replay failed deliveries", v))
}

func (h *Handler) pageReplayRun(w http.ResponseWriter, r *http.Request) {
	f := deliveryFilter{Webhook: r.PostFormValue("webhook"), Event: r.PostFormValue("event"), Status: r.PostFormValue("status"), Range: r.PostFormValue("range")}
	n, err := h.replayFiltered(r, f, false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/deliveries"+queryString("webhook", f.Webhook, "event", f.Event), "Replayed "+itoa(n)+" events.")
}
