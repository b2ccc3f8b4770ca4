package admin

import (
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

// Webhook is a subscription as the API shows it: the secret masked, except
// right after it was generated (Secret), the only time it is sent unasked.
type Webhook struct {
	ID             uuid.UUID `json:"id"`
	Name           string    `json:"name"`
	URL            string    `json:"url"`
	Events         []string  `json:"events"`
	Status         string    `json:"status"`
	DisabledReason string    `json:"disabledReason,omitempty"`
	SecretMasked   string    `json:"secretMasked"`
	// Secret is set only in the answers of create, regenerate, revoke and
	// reveal.
	Secret                  string     `json:"secret,omitempty"`
	PreviousSecretExpiresAt *time.Time `json:"previousSecretExpiresAt,omitempty"`
	// RetryPolicy is the webhook's own policy; absent means the
	// organization's default applies.
	RetryPolicy *retry.PolicyForm `json:"retryPolicy,omitempty"`
	Stats       *WebhookStats     `json:"stats,omitempty"`
	CreatedAt   time.Time         `json:"createdAt"`
	UpdatedAt   time.Time         `json:"updatedAt"`
}

// WebhookStats are the §6 figures of the last 30 days.
type WebhookStats struct {
	Total           int        `json:"total"`
	Succeeded       int        `json:"succeeded"`
	Failed          int        `json:"failed"`
	SuccessRate     float64    `json:"successRate"`
	LastTriggeredAt *time.Time `json:"lastTriggeredAt,omitempty"`
}

// WebhookInput is the webhook form (§17) under its field names. For an
// update, absent fields are left as they are.
type WebhookInput struct {
	Name   *string  `json:"webhookName,omitempty"`
	URL    *string  `json:"webhookUrl,omitempty"`
	Events []string `json:"events,omitempty"`
	// RetryPolicy sets the webhook's own policy; ResetRetryPolicy returns
	// it to the organization's default.
	RetryPolicy      *retry.PolicyForm `json:"retryPolicy,omitempty"`
	ResetRetryPolicy bool              `json:"resetRetryPolicy,omitempty"`
	// Disabled creates the webhook disabled (create only).
	Disabled bool `json:"disabled,omitempty"`
	// SendTest sends the first event's sample payload once created
	// (ADMIN-INT-004); the answer's test holds the result.
	SendTest bool `json:"sendTest,omitempty"`
}

// WebhookCreated is the answer of a create: the webhook with its secret,
// and the test send's result when one was asked for.
type WebhookCreated struct {
	Webhook *Webhook    `json:"webhook"`
	Test    *SendResult `json:"test,omitempty"`
}

// Secret is a revealed secret.
type Secret struct {
	Secret string `json:"secret"`
}

func toWebhook(s *webhook.Subscription) *Webhook {
	out := &Webhook{ID: s.ID, Name: s.Name, URL: s.URL, Events: s.Events, Status: string(s.Status),
		DisabledReason: s.DisabledReason, SecretMasked: s.SecretMasked, Secret: s.Secret,
		PreviousSecretExpiresAt: s.PreviousSecretExpiresAt, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
	if out.Events == nil {
		out.Events = []string{}
	}
	if s.RetryPolicy != nil {
		f := s.RetryPolicy.Form()
		out.RetryPolicy = &f
	}
	return out
}

func toStats(s *webhook.Stats) *WebhookStats {
	return &WebhookStats{Total: s.Total, Succeeded: s.Succeeded, Failed: s.Failed, SuccessRate: s.SuccessRate,
		LastTriggeredAt: s.LastTriggeredAt}
}

// policyOf validates an optional policy form.
func policyOf(f *retry.PolicyForm) (*retry.Policy, error) {
	if f == nil {
		return nil, nil
	}
	p, err := f.Policy()
	if err != nil {
		return nil, err
	}
	return &p, nil
}

func (h *Handler) webhookOps() []*operation {
	return []*operation{
		op(h, "GET", "/api/webhooks", "webhookList", "webhooks", "List webhooks, newest first, with their 30-day figures (§6).", 200, h.apiWebhookList).
			withQuery(param{name: "status", typ: "string", desc: "active or disabled", array: true},
				param{name: "event", typ: "string", desc: "keep webhooks subscribed to this event"}, limitParam, cursorParam),
		op(h, "POST", "/api/webhooks", "webhookCreate", "webhooks", "Create a webhook (§17 form); the secret is in the answer, once (ADMIN-INT-004).", 201, h.apiWebhookCreate),
		op(h, "GET", "/api/webhooks/{id}", "webhookGet", "webhooks", "Get a webhook, secret masked, with its figures.", 200, h.apiWebhookGet),
		op(h, "PATCH", "/api/webhooks/{id}", "webhookUpdate", "webhooks", "Change a webhook; absent fields stay.", 200, h.apiWebhookUpdate),
		op(h, "DELETE", "/api/webhooks/{id}", "webhookDelete", "webhooks", "Delete a webhook with its history and dead letters.", 204, h.apiWebhookDelete),
		op(h, "POST", "/api/webhooks/{id}/enable", "webhookEnable", "webhooks", "Resume deliveries.", 200, h.apiWebhookEnable),
		op(h, "POST", "/api/webhooks/{id}/disable", "webhookDisable", "webhooks", "Stop deliveries; pending ones wait.", 200, h.apiWebhookDisable),
		op(h, "POST", "/api/webhooks/{id}/secret/regenerate", "webhookSecretRegenerate", "webhooks", "New secret; the old one keeps signing for the overlap.", 200, h.apiWebhookRegenerate),
		op(h, "POST", "/api/webhooks/{id}/secret/revoke", "webhookSecretRevoke", "webhooks", "New secret; the old one stops at once (a leak).", 200, h.apiWebhookRevoke),
		op(h, "POST", "/api/webhooks/{id}/secret/reveal", "webhookSecretReveal", "webhooks", "Show the signing secret; written to the audit log.", 200, h.apiWebhookReveal),
		op(h, "POST", "/api/webhooks/{id}/test", "webhookTest", "debugger", "Send a test event now, without the queue (§12).", 200, h.apiWebhookTest),
	}
}

func (h *Handler) apiWebhookList(r *http.Request, _ *none) (*Page[*Webhook], error) {
	limit, cursor, err := pageQuery(r)
	if err != nil {
		return nil, err
	}
	p := &webhook.SubscriptionListParams{OrganizationID: org(r), Event: r.URL.Query().Get("event"), Limit: limit, Cursor: cursor}
	for _, s := range r.URL.Query()["status"] {
		p.Statuses = append(p.Statuses, storage.WebhookStatus(s))
	}
	page, err := h.cfg.Webhooks.SubscriptionList(r.Context(), p)
	if err != nil {
		return nil, err
	}
	out := mapPage(page, toWebhook)
	for _, w := range out.Items {
		if w.Stats, err = h.stats(r, w.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (h *Handler) stats(r *http.Request, id uuid.UUID) (*WebhookStats, error) {
	s, err := h.cfg.Webhooks.SubscriptionStats(r.Context(), org(r), id)
	if err != nil {
		return nil, err
	}
	return toStats(s), nil
}

func (h *Handler) apiWebhookCreate(r *http.Request, in *WebhookInput) (*WebhookCreated, error) {
	s, test, err := h.webhookCreate(r, in)
	if err != nil {
		return nil, err
	}
	return &WebhookCreated{Webhook: toWebhook(s), Test: test}, nil
}

// webhookCreate creates a webhook from the form, records the secret's
// issue, and sends the test event when asked.
func (h *Handler) webhookCreate(r *http.Request, in *WebhookInput) (*webhook.Subscription, *SendResult, error) {
	pol, err := policyOf(in.RetryPolicy)
	if err != nil {
		return nil, nil, err
	}
	s, err := h.cfg.Webhooks.SubscriptionCreate(r.Context(), &webhook.SubscriptionCreateParams{
		OrganizationID: org(r), Name: deref(in.Name), URL: deref(in.URL), Events: in.Events,
		RetryPolicy: pol, Disabled: in.Disabled,
	})
	if err != nil {
		return nil, nil, err
	}
	_ = h.audit(r, "webhookCreate", "webhook", s.ID, "")
	_ = h.audit(r, AuditSecretIssued, "webhook", s.ID, "webhookSecret")
	if !in.SendTest {
		return s, nil, nil
	}
	res, err := h.cfg.Webhooks.TestSend(r.Context(), org(r), s.ID, nil)
	if err != nil {
		return nil, nil, err
	}
	return s, toSendResult(res), nil
}

func (h *Handler) apiWebhookGet(r *http.Request, _ *none) (*Webhook, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	s, err := h.cfg.Webhooks.SubscriptionGet(r.Context(), org(r), id)
	if err != nil {
		return nil, err
	}
	w := toWebhook(s)
	w.Stats, err = h.stats(r, id)
	return w, err
}

func (h *Handler) apiWebhookUpdate(r *http.Request, in *WebhookInput) (*Webhook, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	s, err := h.webhookUpdate(r, id, in)
	if err != nil {
		return nil, err
	}
	return toWebhook(s), nil
}

func (h *Handler) webhookUpdate(r *http.Request, id uuid.UUID, in *WebhookInput) (*webhook.Subscription, error) {
	pol, err := policyOf(in.RetryPolicy)
	if err != nil {
		return nil, err
	}
	s, err := h.cfg.Webhooks.SubscriptionUpdate(r.Context(), &webhook.SubscriptionUpdateParams{
		OrganizationID: org(r), ID: id, Name: in.Name, URL: in.URL, Events: in.Events,
		RetryPolicy: pol, ResetRetryPolicy: in.ResetRetryPolicy,
	})
	if err == nil {
		_ = h.audit(r, "webhookUpdate", "webhook", id, "")
	}
	return s, err
}

func (h *Handler) apiWebhookDelete(r *http.Request, _ *none) (none, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return none{}, err
	}
	if err := h.cfg.Webhooks.SubscriptionDelete(r.Context(), org(r), id); err != nil {
		return none{}, err
	}
	return none{}, h.auditChange(r, "webhookDelete", "webhook", id)
}

// subscriptionCall runs a call that answers a subscription, by path ID.
func (h *Handler) subscriptionCall(action string, call func(r *http.Request, id uuid.UUID) (*webhook.Subscription, error)) func(*http.Request, *none) (*Webhook, error) {
	return func(r *http.Request, _ *none) (*Webhook, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return nil, err
		}
		s, err := call(r, id)
		if err != nil {
			return nil, err
		}
		_ = h.audit(r, action, "webhook", id, "")
		if s.Secret != "" {
			_ = h.audit(r, AuditSecretIssued, "webhook", id, "webhookSecret")
		}
		return toWebhook(s), nil
	}
}

func (h *Handler) apiWebhookEnable(r *http.Request, in *none) (*Webhook, error) {
	return h.subscriptionCall("webhookEnable", func(r *http.Request, id uuid.UUID) (*webhook.Subscription, error) {
		return h.cfg.Webhooks.SubscriptionEnable(r.Context(), org(r), id)
	})(r, in)
}

func (h *Handler) apiWebhookDisable(r *http.Request, in *none) (*Webhook, error) {
	return h.subscriptionCall("webhookDisable", func(r *http.Request, id uuid.UUID) (*webhook.Subscription, error) {
		return h.cfg.Webhooks.SubscriptionDisable(r.Context(), org(r), id)
	})(r, in)
}

func (h *Handler) apiWebhookRegenerate(r *http.Request, in *none) (*Webhook, error) {
	return h.subscriptionCall("webhookSecretRegenerate", func(r *http.Request, id uuid.UUID) (*webhook.Subscription, error) {
		return h.cfg.Webhooks.SubscriptionSecretRegenerate(r.Context(), org(r), id)
	})(r, in)
}

func (h *Handler) apiWebhookRevoke(r *http.Request, in *none) (*Webhook, error) {
	return h.subscriptionCall("webhookSecretRevoke", func(r *http.Request, id uuid.UUID) (*webhook.Subscription, error) {
		return h.cfg.Webhooks.SubscriptionSecretRevoke(r.Context(), org(r), id)
	})(r, in)
}

func (h *Handler) apiWebhookReveal(r *http.Request, _ *none) (*Secret, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	s, err := h.revealWebhookSecret(r, id)
	if err != nil {
		return nil, err
	}
	return &Secret{Secret: s}, nil
}

// revealWebhookSecret reads a webhook's secret, once the audit log has
// recorded that it is shown; without that record it is not shown.
func (h *Handler) revealWebhookSecret(r *http.Request, id uuid.UUID) (string, error) {
	w, err := h.cfg.Store.WebhookGet(r.Context(), org(r), id)
	if err != nil {
		return "", err
	}
	if err := h.audit(r, AuditSecretShown, "webhook", id, "webhookSecret"); err != nil {
		return "", errAuditFailed
	}
	return w.Secret, nil
}

// auditChange records a change; a failure is logged by audit.
func (h *Handler) auditChange(r *http.Request, action, target string, id uuid.UUID) error {
	_ = h.audit(r, action, target, id, "")
	return nil
}

// org is the request's organization.
func org(r *http.Request) uuid.UUID { return principalOf(r.Context()).OrganizationID }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

var (
	limitParam  = param{name: "limit", typ: "integer", desc: "page size, 1 to 1000 (default 50)"}
	cursorParam = param{name: "cursor", typ: "string", desc: "the next cursor of the previous page"}
)
