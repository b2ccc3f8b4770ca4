package admin

import (
	"net/http"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// Sources of a [RetrySettings] policy.
const (
	SourceWebhook      = "webhook"
	SourceOrganization = "organization"
	SourceDefault      = "default"
)

// RetrySettings is a retry policy as the form shows it (§13), with its
// delay preview and where it comes from.
type RetrySettings struct {
	Policy retry.PolicyForm `json:"policy"`
	// Preview is the schedule, "1s → 2s → 4s"; DelaysSeconds the same as
	// numbers.
	Preview       string `json:"preview"`
	DelaysSeconds []int  `json:"delaysSeconds"`
	// Source says whose policy applies: the webhook's own, the
	// organization's default, or the built-in default.
	Source string `json:"source"`
	// Editable reports whether this policy can be saved here.
	Editable bool `json:"editable"`
}

func settingsOf(p retry.Policy, source string, editable bool) *RetrySettings {
	s := &RetrySettings{Policy: p.Form(), Preview: p.Preview(), DelaysSeconds: []int{}, Source: source, Editable: editable}
	for _, d := range p.Delays() {
		s.DelaysSeconds = append(s.DelaysSeconds, int(d.Seconds()))
	}
	return s
}

func (h *Handler) retryOps() []*operation {
	return []*operation{
		op(h, "GET", "/api/retry/default", "retryDefaultGet", "retry", "The organization's default retry policy (§13).", 200, h.apiRetryDefaultGet),
		op(h, "PUT", "/api/retry/default", "retryDefaultSet", "retry", "Save the organization's default retry policy (ADMIN-INT-012).", 200, h.apiRetryDefaultSet),
		op(h, "GET", "/api/webhooks/{id}/retry", "webhookRetryGet", "retry", "The retry policy that applies to a webhook, and whose it is.", 200, h.apiWebhookRetryGet),
		op(h, "PUT", "/api/webhooks/{id}/retry", "webhookRetrySet", "retry", "Give a webhook its own retry policy (ADMIN-INT-012).", 200, h.apiWebhookRetrySet),
		op(h, "DELETE", "/api/webhooks/{id}/retry", "webhookRetryReset", "retry", "Return a webhook to the organization's default policy.", 200, h.apiWebhookRetryReset),
		op(h, "POST", "/api/retry/preview", "retryPreview", "retry", "Check a retry form and preview its delays; changes nothing.", 200, h.apiRetryPreview),
	}
}

// orgPolicy is the organization's default and its source.
func (h *Handler) orgPolicy(r *http.Request) (retry.Policy, string, error) {
	if h.cfg.RetryDefaults != nil {
		p, err := h.cfg.RetryDefaults.OrganizationRetryPolicy(r.Context(), org(r))
		if err != nil {
			return retry.Policy{}, "", err
		}
		if p != nil {
			return *p, SourceOrganization, nil
		}
	}
	// What the dispatcher applies to a webhook without a policy: the
	// host's organization default, else the built-in one.
	p, err := h.cfg.Webhooks.Policy(r.Context(), &storage.Webhook{OrganizationID: org(r)})
	return p, SourceDefault, err
}

func (h *Handler) apiRetryDefaultGet(r *http.Request, _ *none) (*RetrySettings, error) {
	p, src, err := h.orgPolicy(r)
	if err != nil {
		return nil, err
	}
	return settingsOf(p, src, h.cfg.RetryDefaults != nil), nil
}

func (h *Handler) apiRetryDefaultSet(r *http.Request, in *retry.PolicyForm) (*RetrySettings, error) {
	if h.cfg.RetryDefaults == nil {
		return nil, notConfigured("Saving the organization's default retry policy")
	}
	if _, err := in.Policy(); err != nil {
		return nil, err
	}
	p, err := h.cfg.RetryDefaults.OrganizationRetryPolicySet(r.Context(), org(r), in)
	if err != nil {
		return nil, err
	}
	_ = h.audit(r, "retryDefaultSet", "retry", uuid.Nil, p.Preview())
	return settingsOf(*p, SourceOrganization, true), nil
}

// webhookPolicy is the policy that applies to a webhook, and its source.
func (h *Handler) webhookPolicy(r *http.Request, id uuid.UUID) (*RetrySettings, error) {
	s, err := h.cfg.Webhooks.SubscriptionGet(r.Context(), org(r), id)
	if err != nil {
		return nil, err
	}
	if s.RetryPolicy != nil {
		return settingsOf(*s.RetryPolicy, SourceWebhook, true), nil
	}
	p, src, err := h.orgPolicy(r)
	if err != nil {
		return nil, err
	}
	return settingsOf(p, src, true), nil
}

func (h *Handler) apiWebhookRetryGet(r *http.Request, _ *none) (*RetrySettings, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.webhookPolicy(r, id)
}

func (h *Handler) apiWebhookRetrySet(r *http.Request, in *retry.PolicyForm) (*RetrySettings, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	if _, err := h.webhookUpdate(r, id, &WebhookInput{RetryPolicy: in}); err != nil {
		return nil, err
	}
	return h.webhookPolicy(r, id)
}

func (h *Handler) apiWebhookRetryReset(r *http.Request, _ *none) (*RetrySettings, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	if _, err := h.webhookUpdate(r, id, &WebhookInput{ResetRetryPolicy: true}); err != nil {
		return nil, err
	}
	return h.webhookPolicy(r, id)
}

func (h *Handler) apiRetryPreview(_ *http.Request, in *retry.PolicyForm) (*RetrySettings, error) {
	p, err := in.Policy()
	if err != nil {
		return nil, err
	}
	return settingsOf(p, "", false), nil
}
