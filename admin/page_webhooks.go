package admin

import (
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

// webhooksView is the §6 list.
type webhooksView struct {
	Items  []*Webhook
	Q      string
	Events []*EventType
}

// webhookForm is the §17 webhook form as typed, with its messages.
type webhookForm struct {
	ID       uuid.UUID
	Name     string
	URL      string
	Events   []string
	SendTest bool
	Errors   map[string]string
	Catalog  []*EventType
}

// webhookView is one webhook's page.
type webhookView struct {
	W          *Webhook
	Form       *webhookForm
	Secret     string
	SecretNote string
	Test       *SendResult
	Deliveries []*Delivery
	Retry      *RetrySettings
}

// listWebhooks reads every page of the organization's webhooks whose name
// or URL contains q (all of them for an empty q), with their figures.
func (h *Handler) listWebhooks(r *http.Request, q string) ([]*Webhook, error) {
	var out []*Webhook
	cursor, q := "", strings.ToLower(q)
	for {
		page, err := h.cfg.Webhooks.SubscriptionList(r.Context(), &webhook.SubscriptionListParams{OrganizationID: org(r), Limit: storage.LimitMax, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, s := range page.Items {
			if q != "" && !strings.Contains(strings.ToLower(s.Name+" "+s.URL), q) {
				continue
			}
			w := toWebhook(s)
			if w.Stats, err = h.stats(r, s.ID); err != nil {
				return nil, err
			}
			out = append(out, w)
		}
		if cursor = page.Next; cursor == "" {
			return out, nil
		}
	}
}

func (h *Handler) pageWebhooks(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	items, err := h.listWebhooks(r, q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	events, err := h.eventTypes()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "webhooks", http.StatusOK, h.newView(w, r, "webhooks", "Webhooks", &webhooksView{Items: items, Q: q, Events: events}))
}

// newForm is an empty form with the catalog.
func (h *Handler) newForm() (*webhookForm, error) {
	cat, err := h.eventTypes()
	return &webhookForm{SendTest: true, Catalog: cat, Errors: map[string]string{}}, err
}

func (h *Handler) pageWebhookNew(w http.ResponseWriter, r *http.Request) {
	f, err := h.newForm()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "webhook_new", http.StatusOK, h.newView(w, r, "webhooks", "New webhook", f))
}

// readWebhookForm reads the posted form into f and the API input.
func readWebhookForm(r *http.Request, f *webhookForm) *WebhookInput {
	f.Name, f.URL = r.PostFormValue(webhook.FieldName), r.PostFormValue(webhook.FieldURL)
	f.Events = r.PostForm[webhook.FieldEvents]
	f.SendTest = r.PostFormValue("sendTest") != ""
	return &WebhookInput{Name: &f.Name, URL: &f.URL, Events: f.Events, SendTest: f.SendTest}
}

// formErrors copies field messages into the form, or reports the error is
// not about fields.
func formErrors(err error, f map[string]string) bool {
	ae, _ := toAPIError(err)
	if ae.Code != CodeValidation {
		return false
	}
	for k, v := range ae.Fields {
		f[k] = v
	}
	return true
}

func (h *Handler) pageWebhookCreate(w http.ResponseWriter, r *http.Request) {
	f, err := h.newForm()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	in := readWebhookForm(r, f)
	s, test, err := h.webhookCreate(r, in)
	if err != nil {
		if formErrors(err, f.Errors) {
			h.render(w, r, "webhook_new", http.StatusUnprocessableEntity, h.newView(w, r, "webhooks", "New webhook", f).at(h, "/webhooks/new"))
			return
		}
		h.fail(w, r, err)
		return
	}
	h.showWebhook(w, r, s.ID, &webhookView{Secret: s.Secret, SecretNote: "Webhook created. Copy the signing secret now; it is shown again only on request.", Test: test})
}

// showWebhook renders a webhook's page, with what the action just did.
func (h *Handler) showWebhook(w http.ResponseWriter, r *http.Request, id uuid.UUID, v *webhookView) {
	s, err := h.cfg.Webhooks.SubscriptionGet(r.Context(), org(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.W = toWebhook(s)
	if v.W.Stats, err = h.stats(r, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Form == nil {
		if v.Form, err = h.newForm(); err != nil {
			h.fail(w, r, err)
			return
		}
		v.Form.Name, v.Form.URL, v.Form.Events = s.Name, s.URL, s.Events
	}
	v.Form.ID = id
	page, err := h.cfg.Webhooks.DeliveryList(r.Context(), &storage.DeliveryListParams{OrganizationID: org(r), WebhookID: id, Limit: 10})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Deliveries = mapPage(page, toDelivery).Items
	if v.Retry, err = h.webhookPolicy(r, id); err != nil {
		h.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if len(v.Form.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.render(w, r, "webhook", status, h.newView(w, r, "webhooks", "Webhook: "+s.Name, v).at(h, "/webhooks/"+id.String()))
}

func (h *Handler) pageWebhook(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showWebhook(w, r, id, &webhookView{})
}

func (h *Handler) pageWebhookUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, err := h.newForm()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	in := readWebhookForm(r, f)
	if in.Events == nil {
		in.Events = []string{} // none checked: the form's "at least one" message
	}
	if _, err := h.webhookUpdate(r, id, in); err != nil {
		if formErrors(err, f.Errors) {
			h.showWebhook(w, r, id, &webhookView{Form: f})
			return
		}
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/webhooks/"+id.String(), "Webhook saved.")
}

// webhookAction runs a call on the path's webhook and returns to its page.
func (h *Handler) webhookAction(call func(r *http.Request, id uuid.UUID) (*Webhook, error), done string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if _, err := call(r, id); err != nil {
			h.fail(w, r, err)
			return
		}
		h.redirect(w, r, "/webhooks/"+id.String(), done)
	}
}

func (h *Handler) pageWebhookEnable(w http.ResponseWriter, r *http.Request) {
	h.webhookAction(func(r *http.Request, id uuid.UUID) (*Webhook, error) { return h.apiWebhookEnable(r, nil) }, "Webhook enabled.")(w, r)
}

func (h *Handler) pageWebhookDisable(w http.ResponseWriter, r *http.Request) {
	h.webhookAction(func(r *http.Request, id uuid.UUID) (*Webhook, error) { return h.apiWebhookDisable(r, nil) }, "Webhook disabled.")(w, r)
}

func (h *Handler) pageWebhookDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.confirmed(w, r, "Delete this webhook with its delivery history and dead letters?", "/webhooks/"+id.String()) {
		return
	}
	if _, err := h.apiWebhookDelete(r, nil); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/webhooks", "Webhook deleted.")
}

func (h *Handler) pageWebhookReveal(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	s, err := h.revealWebhookSecret(r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showWebhook(w, r, id, &webhookView{Secret: s, SecretNote: "Shown at your request; this was written to the audit log."})
}

// secretAction regenerates or revokes the secret and shows the new one.
func (h *Handler) secretAction(w http.ResponseWriter, r *http.Request, call func(*http.Request, *none) (*Webhook, error), note string) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.confirmed(w, r, note, "/webhooks/"+id.String()) {
		return
	}
	wh, err := call(r, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showWebhook(w, r, id, &webhookView{Secret: wh.Secret, SecretNote: "New signing secret. Copy it now."})
}

func (h *Handler) pageWebhookRegenerate(w http.ResponseWriter, r *http.Request) {
	h.secretAction(w, r, h.apiWebhookRegenerate, "Regenerate the signing secret? The old one keeps signing for 24 hours beside the new one.")
}

func (h *Handler) pageWebhookRevoke(w http.ResponseWriter, r *http.Request) {
	h.secretAction(w, r, h.apiWebhookRevoke, "Revoke the signing secret now? Receivers fail verification until they have the new one.")
}
