package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
)

// Subscription is a webhook subscription as the admin API shows it: the
// secret is masked, except in the results of [Dispatcher.SubscriptionCreate]
// and [Dispatcher.SubscriptionSecretRegenerate], the only times it is shown.
type Subscription struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	Name           string
	URL            string
	Events         []string
	Status         storage.WebhookStatus
	// DisabledReason says why the system disabled it (for example after
	// an HTTP 410), empty otherwise.
	DisabledReason string
	// Secret is the signing secret in full, set only right after it was
	// generated; empty everywhere else.
	Secret string
	// SecretMasked is the secret as [secret.Mask] shows it.
	SecretMasked string
	// PreviousSecretExpiresAt is when the secret replaced by the last
	// regeneration stops signing; nil when no old secret signs any more.
	PreviousSecretExpiresAt *time.Time
	// RetryPolicy is the subscription's own policy; nil means the
	// organization's default.
	RetryPolicy *retry.Policy
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// SubscriptionCreateParams are the fields of a new subscription.
type SubscriptionCreateParams struct {
	OrganizationID uuid.UUID
	Name           string
	URL            string
	Events         []string
	// RetryPolicy, when set, overrides the organization's default.
	RetryPolicy *retry.Policy
	// Disabled creates the subscription disabled.
	Disabled bool
}

// SubscriptionUpdateParams change a subscription; nil fields are left as
// they are.
type SubscriptionUpdateParams struct {
	OrganizationID uuid.UUID
	ID             uuid.UUID
	Name           *string
	URL            *string
	Events         []string
	RetryPolicy    *retry.Policy
	// ResetRetryPolicy returns the subscription to the organization's
	// default policy.
	ResetRetryPolicy bool
}

// SubscriptionListParams filter [Dispatcher.SubscriptionList], newest first.
type SubscriptionListParams struct {
	OrganizationID uuid.UUID
	Statuses       []storage.WebhookStatus
	Event          string
	Limit          int
	Cursor         string
}

// SubscriptionCreate validates the form (§17), generates the secret and
// stores the subscription. The result is the only one that holds the
// secret in full.
func (d *Dispatcher) SubscriptionCreate(ctx context.Context, p *SubscriptionCreateParams) (*Subscription, error) {
	if err := checkCtx(ctx, "SubscriptionCreate"); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, nilArg("SubscriptionCreate", "params")
	}
	events := dedupe(p.Events)
	f := fieldErrors{}
	f.set(FieldName, checkName(p.Name))
	f.set(FieldURL, checkURL(p.URL, d.cfg.AllowAddrs))
	f.set(FieldEvents, checkEvents(d.catalog, events))
	checkPolicy(f, p.RetryPolicy)
	if err := f.err(); err != nil {
		return nil, err
	}
	sec, err := GenerateSecret()
	if err != nil {
		return nil, err
	}
	status := storage.WebhookActive
	if p.Disabled {
		status = storage.WebhookDisabled
	}
	w, err := d.store.WebhookCreate(ctx, &storage.WebhookCreateParams{
		OrganizationID: p.OrganizationID, Name: strings.TrimSpace(p.Name), URL: strings.TrimSpace(p.URL),
		Secret: sec, Events: events, Status: status, RetryPolicy: policyJSON(p.RetryPolicy),
	})
	if err != nil {
		return nil, nameConflict(err)
	}
	s := d.subscription(w)
	s.Secret = sec
	return s, nil
}

// SubscriptionUpdate validates and applies changes.
func (d *Dispatcher) SubscriptionUpdate(ctx context.Context, p *SubscriptionUpdateParams) (*Subscription, error) {
	if err := checkCtx(ctx, "SubscriptionUpdate"); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, nilArg("SubscriptionUpdate", "params")
	}
	f := fieldErrors{}
	up := &storage.WebhookUpdateParams{OrganizationID: p.OrganizationID, ID: p.ID}
	if p.Name != nil {
		f.set(FieldName, checkName(*p.Name))
		up.Name = ptr(strings.TrimSpace(*p.Name))
	}
	if p.URL != nil {
		f.set(FieldURL, checkURL(*p.URL, d.cfg.AllowAddrs))
		up.URL = ptr(strings.TrimSpace(*p.URL))
	}
	if p.Events != nil {
		up.Events = dedupe(p.Events)
		f.set(FieldEvents, checkEvents(d.catalog, up.Events))
	}
	checkPolicy(f, p.RetryPolicy)
	if err := f.err(); err != nil {
		return nil, err
	}
	switch {
	case p.ResetRetryPolicy:
		up.RetryPolicy = json.RawMessage("null")
	case p.RetryPolicy != nil:
		up.RetryPolicy = policyJSON(p.RetryPolicy)
	}
	w, err := d.store.WebhookUpdate(ctx, up)
	d.forget(p.ID)
	if err != nil {
		return nil, nameConflict(err)
	}
	return d.subscription(w), nil
}

// SubscriptionGet returns one subscription, secret masked.
func (d *Dispatcher) SubscriptionGet(ctx context.Context, orgID, id uuid.UUID) (*Subscription, error) {
	if err := checkCtx(ctx, "SubscriptionGet"); err != nil {
		return nil, err
	}
	w, err := d.store.WebhookGet(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	return d.subscription(w), nil
}

// SubscriptionList lists an organization's subscriptions, secrets masked.
func (d *Dispatcher) SubscriptionList(ctx context.Context, p *SubscriptionListParams) (*storage.Page[*Subscription], error) {
	if err := checkCtx(ctx, "SubscriptionList"); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, nilArg("SubscriptionList", "params")
	}
	page, err := d.store.WebhookList(ctx, &storage.WebhookListParams{OrganizationID: p.OrganizationID,
		Statuses: p.Statuses, Event: p.Event, Limit: p.Limit, Cursor: p.Cursor})
	if err != nil {
		return nil, err
	}
	out := &storage.Page[*Subscription]{Next: page.Next, Items: make([]*Subscription, len(page.Items))}
	for i, w := range page.Items {
		out.Items[i] = d.subscription(w)
	}
	return out, nil
}

// SubscriptionDisable stops deliveries to a subscription: pending rows stay
// until it is enabled again.
func (d *Dispatcher) SubscriptionDisable(ctx context.Context, orgID, id uuid.UUID) (*Subscription, error) {
	return d.setStatus(ctx, "SubscriptionDisable", orgID, id, storage.WebhookDisabled)
}

// SubscriptionEnable resumes deliveries to a subscription.
func (d *Dispatcher) SubscriptionEnable(ctx context.Context, orgID, id uuid.UUID) (*Subscription, error) {
	s, err := d.setStatus(ctx, "SubscriptionEnable", orgID, id, storage.WebhookActive)
	if err == nil {
		d.notify()
	}
	return s, err
}

// SubscriptionDelete deletes a subscription with its delivery history and
// dead letters (the store deletes them in one transaction). The DLQ entries of other
// subscriptions are never touched, whatever id is.
func (d *Dispatcher) SubscriptionDelete(ctx context.Context, orgID, id uuid.UUID) error {
	if err := checkCtx(ctx, "SubscriptionDelete"); err != nil {
		return err
	}
	defer d.forget(id)
	return d.store.WebhookDelete(ctx, orgID, id)
}

// SubscriptionSecretRegenerate replaces the signing secret. The old one
// keeps signing beside the new one for Config.SecretOverlap, so receivers
// can switch without losing deliveries. Regenerating again while an old
// secret still signs keeps that one (with its expiry) and replaces only the
// current secret. The result holds the new secret in full, the only time
// it is shown.
func (d *Dispatcher) SubscriptionSecretRegenerate(ctx context.Context, orgID, id uuid.UUID) (*Subscription, error) {
	return d.regenerateSecret(ctx, "SubscriptionSecretRegenerate", orgID, id, d.cfg.SecretOverlap)
}

// SubscriptionSecretRevoke replaces the signing secret with no overlap: the
// old secret, and a predecessor still signing, stop at once. It is for a
// secret that leaked; receivers fail verification until they have the new
// one. The result holds the new secret in full, the only time it is shown.
func (d *Dispatcher) SubscriptionSecretRevoke(ctx context.Context, orgID, id uuid.UUID) (*Subscription, error) {
	return d.regenerateSecret(ctx, "SubscriptionSecretRevoke", orgID, id, 0)
}

// regenerateSecret replaces the secret; the old one signs for overlap (not
// at all when it is 0).
func (d *Dispatcher) regenerateSecret(ctx context.Context, call string, orgID, id uuid.UUID, overlap time.Duration) (*Subscription, error) {
	if err := checkCtx(ctx, call); err != nil {
		return nil, err
	}
	w, err := d.store.WebhookGet(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	sec, err := GenerateSecret()
	if err != nil {
		return nil, err
	}
	up := &storage.WebhookUpdateParams{OrganizationID: orgID, ID: id, Secret: &sec, PreviousSecret: ptr(""),
		IfUpdatedAt: &w.UpdatedAt}
	switch {
	case overlap <= 0:
	case len(liveSecrets(w, d.now())) > 1:
		// Regenerated again within the overlap (a double click): the
		// predecessor receivers have keeps signing until its own expiry;
		// only the secret shown moments ago is replaced.
		up.PreviousSecret, up.PreviousSecretExpiresAt = nil, nil
	default:
		up.PreviousSecret = ptr(w.Secret)
		up.PreviousSecretExpiresAt = ptr(d.now().Add(overlap))
	}
	w, err = d.store.WebhookUpdate(ctx, up)
	d.forget(id)
	if errors.Is(err, storage.ErrConflict) {
		return nil, ErrSecretChanged // a secret shown now would never sign
	}
	if err != nil {
		return nil, err
	}
	s := d.subscription(w)
	s.Secret = sec
	return s, nil
}

func (d *Dispatcher) setStatus(ctx context.Context, call string, orgID, id uuid.UUID, st storage.WebhookStatus) (*Subscription, error) {
	if err := checkCtx(ctx, call); err != nil {
		return nil, err
	}
	w, err := d.store.WebhookUpdate(ctx, &storage.WebhookUpdateParams{OrganizationID: orgID, ID: id,
		Status: &st, DisabledReason: ptr("")})
	d.forget(id)
	if err != nil {
		return nil, err
	}
	return d.subscription(w), nil
}

// subscription converts a stored webhook for display.
func (d *Dispatcher) subscription(w *storage.Webhook) *Subscription {
	s := &Subscription{ID: w.ID, OrganizationID: w.OrganizationID, Name: w.Name, URL: w.URL, Events: w.Events,
		Status: w.Status, DisabledReason: w.DisabledReason, SecretMasked: secret.Mask(w.Secret),
		RetryPolicy: decodePolicy(w.RetryPolicy), CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
	if w.PreviousSecret != "" && w.PreviousSecretExpiresAt != nil && d.now().Before(*w.PreviousSecretExpiresAt) {
		s.PreviousSecretExpiresAt = w.PreviousSecretExpiresAt
	}
	return s
}

// liveSecrets returns the secrets that sign at now, newest first.
func liveSecrets(w *storage.Webhook, now time.Time) []string {
	out := []string{w.Secret}
	if w.PreviousSecret != "" && w.PreviousSecretExpiresAt != nil && now.Before(*w.PreviousSecretExpiresAt) {
		out = append(out, w.PreviousSecret)
	}
	return out
}

// nameConflict turns the store's uniqueness error into the form's message.
func nameConflict(err error) error {
	if errors.Is(err, storage.ErrConflict) {
		return &ValidationError{Fields: map[string]string{FieldName: MsgNameDuplicate}}
	}
	return err
}

func policyJSON(p *retry.Policy) json.RawMessage {
	if p == nil {
		return nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		panic(fmt.Sprintf("webhook: encode retry policy: %v", err))
	}
	return b
}

// decodePolicy reads a stored policy; nil, JSON null or an unreadable value
// mean the organization default.
func decodePolicy(raw json.RawMessage) *retry.Policy {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	p := retry.DefaultPolicy()
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil
	}
	return &p
}

func ptr[T any](v T) *T { return &v }
