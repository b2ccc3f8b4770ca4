package zapier

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/apiaccess"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

// SubscribeRequest is the body of POST {prefix}/hooks: Zapier's
// performSubscribe sends bundle.targetUrl as target_url and the trigger's
// event type.
type SubscribeRequest struct {
	TargetURL string `json:"target_url"`
	Event     string `json:"event"`
}

// Hook is a Zapier subscription as the endpoints show it.
type Hook struct {
	// ID is what Zapier keeps (bundle.subscribeData.id) to unsubscribe.
	ID        string `json:"id"`
	Event     string `json:"event"`
	TargetURL string `json:"target_url"`
	// Status is "active", or "disabled" after the target answered 410
	// (DisabledReason says so).
	Status         string    `json:"status"`
	DisabledReason string    `json:"disabled_reason,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	// Secret signs the deliveries (X-InTime-Signature and Standard
	// Webhooks headers); it is in the subscribe answer only.
	Secret string `json:"secret,omitempty"`
}

// subscribe creates a webhook subscription owned by the token's
// organization and marks it as Zapier's: 201 with the hook, 400 with the
// webhook form's messages when the target or event is refused.
func (h *Handler) subscribe(w http.ResponseWriter, r *http.Request) {
	p, _ := apiaccess.PrincipalFrom(r.Context())
	var req SubscribeRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, BodyMax)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_body", "The body must be JSON: {\"target_url\": \"https://...\", \"event\": \"job.created\"}.")
		return
	}
	var events []string
	if req.Event != "" {
		events = []string{req.Event}
	}
	sub, err := h.d.SubscriptionCreate(r.Context(), &webhook.SubscriptionCreateParams{OrganizationID: p.OrganizationID,
		Name: hookName(req.Event), URL: req.TargetURL, Events: events})
	var ve *webhook.ValidationError
	if errors.As(err, &ve) {
		writeJSON(w, http.StatusBadRequest, errorBody{Error: "validation_failed", Message: "The subscription was refused.",
			Fields: map[string]string{"target_url": ve.Field(webhook.FieldURL), "event": ve.Field(webhook.FieldEvents)}})
		return
	}
	if err != nil {
		h.fail(w, r, "create subscription", err)
		return
	}
	mark, err := h.store.ZapierHookCreate(r.Context(), &storage.ZapierHook{OrganizationID: p.OrganizationID,
		WebhookID: sub.ID, TokenID: p.TokenID, Event: req.Event})
	if err != nil {
		// Without its mark the subscription is not Zapier's: take it back.
		err = errors.Join(err, h.d.SubscriptionDelete(context.WithoutCancel(r.Context()), p.OrganizationID, sub.ID))
		h.fail(w, r, "mark subscription", err)
		return
	}
	hook := hookOf(mark, sub)
	hook.Secret = sub.Secret
	writeJSON(w, http.StatusCreated, hook)
}

// unsubscribe deletes one of the organization's Zapier subscriptions;
// anything else (another organization's, one the admin made, an unknown
// ID) is 404.
func (h *Handler) unsubscribe(w http.ResponseWriter, r *http.Request) {
	p, _ := apiaccess.PrincipalFrom(r.Context())
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		writeError(w, http.StatusNotFound, "not_found", msgNoHook)
		return
	}
	_, err = h.store.ZapierHookGet(r.Context(), p.OrganizationID, id)
	if err == nil {
		err = h.d.SubscriptionDelete(r.Context(), p.OrganizationID, id)
	}
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, map[string]string{"id": id.String()})
	case errors.Is(err, storage.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", msgNoHook)
	default:
		h.fail(w, r, "delete subscription", err)
	}
}

const msgNoHook = "No such Zapier subscription."

// list shows the organization's Zapier subscriptions, newest first.
func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	p, _ := apiaccess.PrincipalFrom(r.Context())
	marks, err := h.store.ZapierHookList(r.Context(), p.OrganizationID)
	if err != nil {
		h.fail(w, r, "list subscriptions", err)
		return
	}
	out := make([]Hook, 0, len(marks))
	for _, m := range marks {
		sub, err := h.d.SubscriptionGet(r.Context(), p.OrganizationID, m.WebhookID)
		if errors.Is(err, storage.ErrNotFound) {
			continue // deleted since
		}
		if err != nil {
			h.fail(w, r, "list subscriptions", err)
			return
		}
		out = append(out, hookOf(m, sub))
	}
	writeJSON(w, http.StatusOK, out)
}

func hookOf(m *storage.ZapierHook, sub *webhook.Subscription) Hook {
	return Hook{ID: m.WebhookID.String(), Event: m.Event, TargetURL: sub.URL, Status: string(sub.Status),
		DisabledReason: sub.DisabledReason, CreatedAt: m.CreatedAt}
}

// samplePages bounds the history pages read for samples.
const samplePages = 5

// samples is Zapier's performList for a REST hook trigger: the latest
// payloads of the event delivered to the organization, newest first, each
// as a delivery carries it; the catalog's sample when none was delivered.
func (h *Handler) samples(w http.ResponseWriter, r *http.Request) {
	p, _ := apiaccess.PrincipalFrom(r.Context())
	event := r.PathValue("event")
	if _, ok := h.d.Catalog().Lookup(event); !ok {
		writeError(w, http.StatusNotFound, "unknown_event", "No such event type: see the event list.")
		return
	}
	out, err := h.recent(r.Context(), p, event)
	if err != nil {
		h.fail(w, r, "read samples", err)
		return
	}
	if len(out) == 0 {
		sample, err := h.d.Catalog().SamplePayload(event, h.cfg.Clock().UTC())
		if err != nil {
			h.fail(w, r, "sample payload", err)
			return
		}
		out = append(out, sample)
	}
	writeJSON(w, http.StatusOK, out)
}

// recent reads delivery history for up to SampleLimit distinct events.
func (h *Handler) recent(ctx context.Context, p *apiaccess.Principal, event string) ([]json.RawMessage, error) {
	var out []json.RawMessage
	// One event published to several subscriptions has a row (and an event
	// ID) per subscription: the payload tells them apart.
	seen := map[[sha256.Size]byte]bool{}
	cursor := ""
	for range samplePages {
		page, err := h.d.DeliveryList(ctx, &storage.DeliveryListParams{OrganizationID: p.OrganizationID, EventType: event,
			Limit: 2 * h.cfg.SampleLimit, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, d := range page.Items {
			if sum := sha256.Sum256(d.Payload); !seen[sum] && len(out) < h.cfg.SampleLimit {
				seen[sum] = true
				out = append(out, d.Payload)
			}
		}
		if len(out) >= h.cfg.SampleLimit || page.Next == "" {
			break
		}
		cursor = page.Next
	}
	return out, nil
}

// fail logs a store failure and answers 500 without its details.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, what string, err error) {
	h.cfg.Logger.ErrorContext(r.Context(), "zapier: "+what, "error", err)
	writeError(w, http.StatusInternalServerError, "internal", "The request could not be completed. Please retry.")
}
