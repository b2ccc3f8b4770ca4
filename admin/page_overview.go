package admin

import (
	"fmt"
	"net/http"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/storage"
)

// overviewView is the dashboard (§3): the integrations' health when the
// Manager is configured, and what the webhook and OAuth parts know now.
type overviewView struct {
	Integrations *IntegrationOverview
	Webhooks     struct{ Total, Active, Disabled int }
	DLQ          int
	DLQMore      bool
	Alerts       []*alert
	Failed       []*Delivery
	Names        map[uuid.UUID]string
}

// alert is a critical alert with the actions that address it.
type alert struct {
	Title, Impact string
	Links         []alertLink
	Post          *alertLink
}

type alertLink struct{ Label, Path string }

func (h *Handler) pageOverview(w http.ResponseWriter, r *http.Request) {
	v, err := h.overview(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "overview", http.StatusOK, h.newView(w, r, "overview", "Integrations dashboard", v))
}

func (h *Handler) overview(r *http.Request) (*overviewView, error) {
	v := &overviewView{Names: map[uuid.UUID]string{}}
	var err error
	if h.cfg.Integrations != nil {
		if v.Integrations, err = h.cfg.Integrations.IntegrationOverview(r.Context(), org(r)); err != nil {
			return nil, err
		}
	}
	hooks, err := h.listWebhooks(r, "")
	if err != nil {
		return nil, err
	}
	for _, wh := range hooks {
		v.Names[wh.ID] = wh.Name
		v.Webhooks.Total++
		if wh.Status == "active" {
			v.Webhooks.Active++
			continue
		}
		v.Webhooks.Disabled++
		if wh.DisabledReason != "" {
			v.Alerts = append(v.Alerts, &alert{Title: "Webhook " + wh.Name + ": " + wh.DisabledReason,
				Impact: "Events are not delivered to " + wh.URL,
				Links:  []alertLink{{"View Logs", "/deliveries?webhook=" + wh.ID.String()}, {"Open webhook", "/webhooks/" + wh.ID.String()}},
				Post:   &alertLink{"Enable", "/webhooks/" + wh.ID.String() + "/enable"}})
		}
	}
	if v.DLQ, v.DLQMore, err = h.dlqCount(r); err != nil {
		return nil, err
	}
	if v.DLQ > 0 {
		v.Alerts = append(v.Alerts, &alert{Title: fmt.Sprintf("Webhooks: %d deliveries in the dead letter queue", v.DLQ),
			Impact: "These events failed every retry and were not delivered",
			Links:  []alertLink{{"View DLQ", "/dlq"}}, Post: &alertLink{"Retry All", "/dlq/retry-all"}})
	}
	if err := h.oauthAlerts(r, v); err != nil {
		return nil, err
	}
	page, err := h.cfg.Webhooks.DeliveryList(r.Context(), &storage.DeliveryListParams{OrganizationID: org(r),
		Statuses: []storage.DeliveryStatus{storage.DeliveryFailed, storage.DeliveryDLQ}, Limit: 10})
	if err != nil {
		return nil, err
	}
	v.Failed = mapPage(page, toDelivery).Items
	return v, nil
}

// oauthAlerts adds an alert per connection that needs a reconnect.
func (h *Handler) oauthAlerts(r *http.Request, v *overviewView) error {
	if h.cfg.OAuth == nil {
		return nil
	}
	items, err := h.oauthList(r)
	if err != nil {
		return err
	}
	for _, oi := range items {
		if oi.Connection.State != string(oauth.StateReconnectNeeded) {
			continue
		}
		v.Alerts = append(v.Alerts, &alert{Title: oi.Name + ": " + oi.Connection.Message,
			Impact: "Calls to " + oi.Connection.ProviderName + " fail until the account is connected again",
			Links:  []alertLink{{"Open", "/oauth/" + oi.ID.String()}},
			Post:   &alertLink{"Reconnect", "/oauth/" + oi.ID.String() + "/connect"}})
	}
	return nil
}
