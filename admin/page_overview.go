package admin

import (
	"fmt"
	"net/http"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/storage"
)

// overviewRows is how many integrations the dashboard lists before "View
// All".
const overviewRows = 9

// overviewView is the dashboard (§3): the integrations' health and
// critical alerts when the Manager is configured, and what the webhook and
// OAuth parts know.
type overviewView struct {
	Integrations *IntegrationOverview
	Rows         []*OverviewItem
	Webhooks     struct{ Total, Active, Disabled int }
	DLQ          int
	DLQMore      bool
	Alerts       []*alert
	Failed       []*Delivery
	Names        map[uuid.UUID]string
}

// alert is a critical alert with the actions that address it.
type alert struct {
	Title, Impact, Message, Seen string
	Actions                      []alertAction
}

// alertAction is a button of an alert: a link, or a form that posts.
type alertAction struct {
	Label, Path string
	Post        bool
}

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
	if err := h.integrationAlerts(r, v); err != nil {
		return nil, err
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
				Actions: []alertAction{{"View Logs", "/deliveries?webhook=" + wh.ID.String(), false},
					{"Open webhook", "/webhooks/" + wh.ID.String(), false}, {"Enable", "/webhooks/" + wh.ID.String() + "/enable", true}}})
		}
	}
	if v.DLQ, v.DLQMore, err = h.dlqCount(r); err != nil {
		return nil, err
	}
	if v.DLQ > 0 {
		v.Alerts = append(v.Alerts, &alert{Title: fmt.Sprintf("Webhooks: %d deliveries in the dead letter queue", v.DLQ),
			Impact:  "These events failed every retry and were not delivered",
			Actions: []alertAction{{"View DLQ", "/dlq", false}, {"Retry All", "/dlq/retry-all", true}}})
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

// integrationAlerts reads the Manager's overview and the open alerts of
// the store (raised by the host's alert rules), each with View Logs,
// Reconnect and Troubleshoot when it concerns an integration.
func (h *Handler) integrationAlerts(r *http.Request, v *overviewView) error {
	if h.cfg.Integrations == nil {
		return nil
	}
	o, err := h.apiOverview(r, nil)
	if err != nil {
		return err
	}
	v.Integrations, v.Rows = o, o.Integrations
	if len(v.Rows) > overviewRows {
		v.Rows = v.Rows[:overviewRows]
	}
	for _, a := range o.Alerts {
		if a.Severity == string(storage.AlertInfo) {
			continue
		}
		al := &alert{Title: a.Title, Impact: a.Impact, Message: a.Message, Seen: h.ago(a.LastSeenAt)}
		if a.IntegrationID != nil {
			al.Actions = h.integrationActions(r, *a.IntegrationID)
		} else {
			al.Actions = []alertAction{{"View Logs", "/logs", false}}
		}
		v.Alerts = append(v.Alerts, al)
	}
	return nil
}

// integrationActions are an integration alert's buttons (§3): View Logs,
// Reconnect (the OAuth flow for an OAuth integration) and Troubleshoot.
func (h *Handler) integrationActions(r *http.Request, id uuid.UUID) []alertAction {
	reconnect := "/integrations/" + id.String() + "/reconnect"
	if h.cfg.OAuth != nil {
		if in, err := h.cfg.Store.IntegrationGet(r.Context(), org(r), id); err == nil {
			if _, _, ok := oauthOf(in); ok {
				reconnect = "/oauth/" + id.String() + "/connect"
			}
		}
	}
	return []alertAction{{"View Logs", "/logs?integration=" + id.String(), false}, {"Reconnect", reconnect, true},
		{"Troubleshoot", "/integrations/" + id.String() + "/health#troubleshooting", false}}
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
			Impact:  "Calls to " + oi.Connection.ProviderName + " fail until the account is connected again",
			Actions: []alertAction{{"Open", "/oauth/" + oi.ID.String(), false}, {"Reconnect", "/oauth/" + oi.ID.String() + "/connect", true}}})
	}
	return nil
}
