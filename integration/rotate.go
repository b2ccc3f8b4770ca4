package integration

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/storage"
)

// CredentialsMaxAge is how old credentials may grow before they are due
// for rotation (UC-ADMIN-007 §10, "rotate every 90 days").
const CredentialsMaxAge = 90 * 24 * time.Hour

// The messages of a refused rotation.
const (
	MsgRotateNotCredential = "This field is not a credential of the provider"
	MsgRotateValueRequired = "Enter the new value: %s cannot generate keys"
)

// RotateParams describe a credential rotation (ADMIN-INT-014, "Regenerate").
type RotateParams struct {
	OrganizationID uuid.UUID
	ID             uuid.UUID
	// Field is the secret settings field to replace ("apiKey",
	// "smtpPassword"); "" means the provider's first secret field.
	Field string
	// Value is the new value; "" asks a provider with
	// providers.CapabilityKeyMint to mint one.
	Value string
	// Actor is who rotated, for the audit entry ("API key rotated by
	// jane@intime.com").
	Actor string
}

// OldKeyNotRevokedError is returned, with the rotated integration, when
// the new key is in use but the provider did not delete the old one: the
// admin must delete it in the provider's console.
type OldKeyNotRevokedError struct {
	IntegrationID uuid.UUID
	Field         string
	Err           error
}

func (e *OldKeyNotRevokedError) Error() string {
	return fmt.Sprintf("integration: the new %s is in use, but the provider did not revoke the old one (%v); delete it in the provider's console",
		e.Field, e.Err)
}

// Unwrap returns the provider's error.
func (e *OldKeyNotRevokedError) Unwrap() error { return e.Err }

// RotateCredentials replaces an integration's credential (ADMIN-INT-014).
// The new value (given, or minted by a provider with
// providers.CapabilityKeyMint, SendGrid's API keys API) is validated and
// tested before the old one is dropped: a failed test saves nothing (a
// *[CheckFailedError]) and deletes a minted key again. Once saved, a
// provider that mints keys deletes the old key, so that it is refused from
// then on; if that fails the integration is returned with an
// *[OldKeyNotRevokedError]. The rotation time starts the credentials' age
// ([Integration.CredentialsSince]), and an audit entry in the
// integration's log says who rotated which field, never a value.
func (m *Manager) RotateCredentials(ctx context.Context, p *RotateParams) (*Integration, error) {
	h, err := m.store.IntegrationHealthGet(ctx, p.OrganizationID, p.ID)
	if err != nil {
		return nil, err
	}
	stored, err := decodeSettings(h.Config)
	if err != nil {
		return nil, err
	}
	old, err := m.newTarget(ctx, &h.Integration, stored)
	if err != nil {
		return nil, err
	}
	name, err := credentialField(old.info, p.Field)
	if err != nil {
		return nil, err
	}
	r := &rotation{m: m, h: h, old: old, field: name, value: p.Value}
	if err := r.prepare(ctx); err != nil {
		return nil, err
	}
	tested, err := r.test(ctx)
	if err != nil {
		return nil, err
	}
	if err := r.save(ctx); err != nil {
		return nil, err
	}
	revokeErr := r.revokeOld(ctx)
	m.auditRotation(ctx, r, p.Actor, revokeErr == nil)
	in, err := m.checkNow(ctx, h.OrganizationID, h.ID, tested, CauseTest)
	if err == nil && revokeErr != nil {
		err = &OldKeyNotRevokedError{IntegrationID: h.ID, Field: name, Err: revokeErr}
	}
	return in, err
}

// credentialField returns the secret field to rotate: name, or the first
// secret field when name is "".
func credentialField(info *providers.Info, name string) (string, error) {
	for _, f := range info.Fields {
		if f.Secret && (name == "" || f.Name == name) {
			return f.Name, nil
		}
	}
	if name == "" {
		name = FieldProvider
	}
	return "", &ValidationError{Fields: []FieldError{{Field: name, Message: MsgRotateNotCredential}}}
}

// rotation is one credential rotation in progress.
type rotation struct {
	m     *Manager
	h     *storage.IntegrationHealth
	old   *target
	field string
	value string
	// minted is set when the provider minted value.
	minted bool
	next   providers.Settings
	config []byte
}

// mints reports whether the provider mints (and revokes) its keys.
func (r *rotation) mints() bool { return r.old.info.Has(providers.CapabilityKeyMint) }

// prepare mints the new value if none was given, and validates the new
// settings.
func (r *rotation) prepare(ctx context.Context) error {
	if r.value == "" {
		if !r.mints() {
			return &ValidationError{Fields: []FieldError{{Field: r.field, Message: fmt.Sprintf(MsgRotateValueRequired, r.old.display)}}}
		}
		k, err := providers.MintKey(ctx, r.old.provider, r.old.settings, &providers.KeyMintRequest{Field: r.field,
			Name: "InTime " + r.h.Name + " " + r.m.now().Format("2006-01-02")})
		if err != nil {
			return &CallError{IntegrationID: r.h.ID, Type: r.h.Type, Operation: providers.OpKeyMint,
				Provider: r.old.display, Attempts: 1, Err: err}
		}
		r.value, r.minted = k.Value, true
	}
	stored, _ := decodeSettings(r.h.Config)
	next := maps.Clone(stored)
	next[r.field] = r.value
	f := &form{typ: r.h.Type, provider: r.h.Provider, name: r.h.Name, settings: next}
	var ve ValidationError
	if err := r.m.validate(ctx, f, &ve); err != nil {
		return r.undo(ctx, err)
	}
	if err := ve.err(); err != nil {
		return r.undo(ctx, err)
	}
	config, err := encodeSettings(f.settings)
	if err != nil {
		return r.undo(ctx, err)
	}
	r.next, r.config = f.settings, config
	return nil
}

// test runs the connection test with the new settings.
func (r *rotation) test(ctx context.Context) (*checkOutcome, error) {
	o, err := r.m.testBeforeSave(ctx, &r.h.Integration, r.next)
	if err != nil {
		return nil, r.undo(ctx, err)
	}
	return o, nil
}

// undo deletes a minted key that will not be used, and returns err.
func (r *rotation) undo(ctx context.Context, err error) error {
	if r.minted {
		if rerr := providers.RevokeKey(context.WithoutCancel(ctx), r.old.provider, r.old.settings,
			&providers.KeyRevokeRequest{Field: r.field, Value: r.value}); rerr != nil {
			r.m.cfg.Logger.WarnContext(ctx, "integration: a minted key could not be deleted", "integration", r.h.ID,
				"err", scrub(rerr.Error(), []string{r.value}))
		}
	}
	return err
}

// save stores the new settings and the rotation's time.
func (r *rotation) save(ctx context.Context) error {
	now := r.m.now()
	_, err := r.m.store.IntegrationUpdate(ctx, &storage.IntegrationUpdateParams{OrganizationID: r.h.OrganizationID,
		ID: r.h.ID, Config: r.config, CredentialsRotatedAt: &now})
	if err != nil {
		return r.undo(ctx, err)
	}
	r.m.invalidate(r.h.OrganizationID)
	return nil
}

// revokeOld deletes the old key at a provider that mints keys,
// authenticated with the new one.
func (r *rotation) revokeOld(ctx context.Context) error {
	oldValue := r.old.settings[r.field]
	if !r.mints() || oldValue == "" || oldValue == r.value {
		return nil
	}
	t, err := r.m.newTarget(ctx, &r.h.Integration, r.next)
	if err != nil {
		return err
	}
	err = providers.RevokeKey(ctx, t.provider, t.settings, &providers.KeyRevokeRequest{Field: r.field, Value: oldValue})
	if err != nil {
		return errors.New(scrub(err.Error(), []string{oldValue, r.value}))
	}
	return nil
}

// auditRotation writes the audit entry: who rotated what, never a value.
func (m *Manager) auditRotation(ctx context.Context, r *rotation, actor string, revoked bool) {
	if actor == "" {
		actor = "an unnamed administrator"
	}
	d := map[string]any{"audit": "credentials_rotated", "field": r.field, "actor": actor, "minted": r.minted}
	if r.mints() {
		d["old_key_revoked"] = revoked
	}
	_ = m.rec.Log(ctx, &LogEntry{OrganizationID: r.h.OrganizationID, IntegrationID: r.h.ID, Level: storage.LogInfo,
		Message: "API key rotated by " + actor, Details: d, Time: m.now()})
}
