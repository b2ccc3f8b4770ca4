package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// noPolicy is what an integration's retry_policy holds once its own policy
// is removed: the stores keep a column they are not asked to change, so
// "none" is written as JSON null.
var noPolicy = json.RawMessage("null")

// ownPolicy decodes a stored retry policy; nil when there is none (or it is
// unreadable, which the call path logs).
func ownPolicy(raw json.RawMessage) *retry.Policy {
	if len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), noPolicy) {
		return nil
	}
	var p retry.Policy
	if err := json.Unmarshal(raw, &p); err != nil || p.Validate() != nil {
		return nil
	}
	return &p
}

// policyFields are the retry form's fields in form order.
var policyFields = []string{retry.FieldMaxRetries, retry.FieldRetryStrategy, retry.FieldFixedDelay,
	retry.FieldEnableJitter, retry.FieldMaxDelay, retry.FieldAttemptTimeout, retry.FieldRetryOn, retry.FieldEnableDlq}

// formPolicy validates a retry form into ve and returns the policy's JSON.
func formPolicy(f *retry.PolicyForm, ve *ValidationError) json.RawMessage {
	p, err := f.Policy()
	var rve *retry.ValidationError
	if errors.As(err, &rve) {
		names := make([]string, 0, len(rve.Fields))
		for name := range rve.Fields {
			names = append(names, name)
		}
		slices.SortFunc(names, func(a, b string) int {
			return slices.Index(policyFields, a) - slices.Index(policyFields, b)
		})
		for _, name := range names {
			ve.add(name, rve.Fields[name])
		}
		return nil
	}
	if err != nil {
		ve.add(retry.FieldMaxRetries, err.Error())
		return nil
	}
	raw, _ := json.Marshal(p)
	return raw
}

// IntegrationRetryPolicySet gives an integration its own retry policy (the
// retry configuration form, §13 and §17; ADMIN-INT-012), or with a nil form
// returns it to the organization's default. The next call follows it. An
// invalid form is a *[ValidationError] with the spec's messages, and
// nothing changes.
func (m *Manager) IntegrationRetryPolicySet(ctx context.Context, orgID, id uuid.UUID, form *retry.PolicyForm) (*Integration, error) {
	raw := noPolicy
	if form != nil {
		var ve ValidationError
		if raw = formPolicy(form, &ve); ve.err() != nil {
			return nil, &ve
		}
	}
	if _, err := m.store.IntegrationUpdate(ctx, &storage.IntegrationUpdateParams{OrganizationID: orgID, ID: id,
		RetryPolicy: raw}); err != nil {
		return nil, err
	}
	m.invalidate(orgID)
	return m.IntegrationGet(ctx, orgID, id)
}

// OrganizationRetryPolicySet sets the organization's default retry policy,
// followed by its integrations that have none of their own; a nil form
// removes it (then [retry.DefaultPolicy] applies). An invalid form is a
// *[ValidationError].
func (m *Manager) OrganizationRetryPolicySet(ctx context.Context, orgID uuid.UUID, form *retry.PolicyForm) (*retry.Policy, error) {
	var raw json.RawMessage
	if form != nil {
		var ve ValidationError
		if raw = formPolicy(form, &ve); ve.err() != nil {
			return nil, &ve
		}
	}
	if _, err := m.store.OrganizationSettingsSet(ctx, &storage.OrganizationSettingsSetParams{OrganizationID: orgID,
		RetryPolicy: raw}); err != nil {
		return nil, err
	}
	m.invalidate(orgID)
	return ownPolicy(raw), nil
}

// OrganizationRetryPolicy returns the organization's default retry policy,
// or nil when it has none. Its signature is that of
// webhook.Config.OrgPolicy, so webhooks can share the default.
func (m *Manager) OrganizationRetryPolicy(ctx context.Context, orgID uuid.UUID) (*retry.Policy, error) {
	o, err := m.store.OrganizationSettingsGet(ctx, orgID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("integration: organization settings: %w", err)
	}
	return ownPolicy(o.RetryPolicy), nil
}
