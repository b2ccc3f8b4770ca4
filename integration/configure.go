package integration

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// CreateParams describe a new integration (§4, "+ Add Integration").
type CreateParams struct {
	OrganizationID uuid.UUID
	// Type is the catalog key ("email") and Provider the installed
	// provider that serves it ("sendgrid").
	Type     string
	Provider string
	Name     string
	// Settings are the provider's settings, keyed by its fields' names.
	// Fields left out get their defaults.
	Settings providers.Settings
	// RetryPolicy is the integration's own retry policy; nil follows the
	// organization's default.
	RetryPolicy *retry.PolicyForm
	// CheckInterval is the integration's own health-check interval, from
	// [CheckIntervalMin] to [CheckIntervalMax]; zero means the Manager's
	// default.
	CheckInterval time.Duration
	// TestFirst is "Test & Save": the connection is tested before anything
	// is saved, and a failed test saves nothing ([*CheckFailedError]).
	TestFirst bool
}

// IntegrationCreate adds an integration (ADMIN-INT-002): it validates the
// settings against the provider's rules with the spec's messages (a
// *[ValidationError], nothing saved), saves them sealed, and runs a health
// check at once, so the integration returned is active or in error, with
// the test in [Integration.Check].
func (m *Manager) IntegrationCreate(ctx context.Context, p *CreateParams) (*Integration, error) {
	f := &form{typ: p.Type, provider: p.Provider, name: p.Name, settings: p.Settings, interval: &p.CheckInterval}
	var ve ValidationError
	if err := m.validate(ctx, f, &ve); err != nil {
		return nil, err
	}
	var policy []byte
	if p.RetryPolicy != nil {
		policy = formPolicy(p.RetryPolicy, &ve)
	}
	if err := ve.err(); err != nil {
		return nil, err
	}
	config, err := encodeSettings(f.settings)
	if err != nil {
		return nil, err
	}
	probe := &storage.Integration{OrganizationID: p.OrganizationID, Type: p.Type, Provider: p.Provider,
		Name: strings.TrimSpace(p.Name)}
	var tested *checkOutcome
	if p.TestFirst {
		if tested, err = m.testBeforeSave(ctx, probe, f.settings); err != nil {
			return nil, err
		}
	}
	in, err := m.store.IntegrationCreate(ctx, &storage.IntegrationCreateParams{OrganizationID: p.OrganizationID,
		Type: p.Type, Provider: p.Provider, Name: probe.Name, Config: config, RetryPolicy: policy})
	if err != nil {
		return nil, err
	}
	if p.CheckInterval > 0 {
		if _, err := m.store.IntegrationScheduleSet(ctx, &storage.IntegrationScheduleParams{
			OrganizationID: in.OrganizationID, ID: in.ID, CheckInterval: &p.CheckInterval}); err != nil {
			return nil, err
		}
	}
	m.invalidate(p.OrganizationID)
	return m.checkNow(ctx, in.OrganizationID, in.ID, tested, CauseHealthCheck)
}

// testBeforeSave runs the connection test of Test & Save for settings not
// saved yet; a failure is a *CheckFailedError.
func (m *Manager) testBeforeSave(ctx context.Context, in *storage.Integration, s providers.Settings) (*checkOutcome, error) {
	t, err := m.newTarget(ctx, in, s)
	if err != nil {
		return nil, err
	}
	o := m.check(ctx, t)
	if !o.ok() {
		return nil, &CheckFailedError{Check: o.res, Message: o.message}
	}
	return o, nil
}

// checkNow runs an integration's health check now (or records one just
// run, tested), unless it is disabled, and returns its view with the test.
func (m *Manager) checkNow(ctx context.Context, orgID, id uuid.UUID, tested *checkOutcome, cause string) (*Integration, error) {
	h, err := m.store.IntegrationHealthGet(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	if h.Status == storage.IntegrationDisabled {
		return m.view(ctx, h)
	}
	return m.checkOne(ctx, h, tested, cause)
}

// UpdateParams change an integration. Nil fields are left as they are.
type UpdateParams struct {
	OrganizationID uuid.UUID
	ID             uuid.UUID
	Name           *string
	// Settings replace the stored settings. A secret field sent back
	// masked, as [Integration.Settings] shows it, or left out, keeps its
	// stored value; fields left out get their defaults.
	Settings providers.Settings
	// CheckInterval sets the integration's own health-check interval; zero
	// returns it to the Manager's default.
	CheckInterval *time.Duration
	// TestFirst is "Test & Save": the new settings are tested first, and a
	// failed test saves nothing ([*CheckFailedError]).
	TestFirst bool
}

// IntegrationUpdate changes an integration's name, settings or health-check
// interval. New settings are validated (a *[ValidationError], nothing
// saved), saved sealed, take effect at the next call, and are checked at
// once unless the integration is disabled.
func (m *Manager) IntegrationUpdate(ctx context.Context, p *UpdateParams) (*Integration, error) {
	cur, err := m.store.IntegrationHealthGet(ctx, p.OrganizationID, p.ID)
	if err != nil {
		return nil, err
	}
	stored, err := decodeSettings(cur.Config)
	if err != nil {
		return nil, err
	}
	f := &form{typ: cur.Type, provider: cur.Provider, name: cur.Name, settings: stored, interval: p.CheckInterval}
	if p.Name != nil {
		f.name = *p.Name
	}
	if p.Settings != nil {
		f.settings = p.Settings
		if _, info, err := m.reg.provider(ctx, cur.Provider); err == nil {
			f.settings = keepMaskedSecrets(p.Settings, stored, secretFields(info))
		}
	}
	var ve ValidationError
	if err := m.validate(ctx, f, &ve); err != nil {
		return nil, err
	}
	if err := ve.err(); err != nil {
		return nil, err
	}
	return m.update(ctx, cur, p, f)
}

// update writes a validated update and checks the new settings.
func (m *Manager) update(ctx context.Context, cur *storage.IntegrationHealth, p *UpdateParams, f *form) (*Integration, error) {
	var tested *checkOutcome
	u := &storage.IntegrationUpdateParams{OrganizationID: cur.OrganizationID, ID: cur.ID}
	if p.Name != nil {
		name := strings.TrimSpace(*p.Name)
		u.Name = &name
	}
	if p.Settings != nil {
		config, err := encodeSettings(f.settings)
		if err != nil {
			return nil, err
		}
		if p.TestFirst {
			if tested, err = m.testBeforeSave(ctx, &cur.Integration, f.settings); err != nil {
				return nil, err
			}
		}
		u.Config = config
	}
	if _, err := m.store.IntegrationUpdate(ctx, u); err != nil {
		return nil, err
	}
	if p.CheckInterval != nil {
		next := m.now().Add(m.intervalOr(*p.CheckInterval))
		if _, err := m.store.IntegrationScheduleSet(ctx, &storage.IntegrationScheduleParams{OrganizationID: cur.OrganizationID,
			ID: cur.ID, CheckInterval: p.CheckInterval, NextCheckAt: scheduled(cur, &next)}); err != nil {
			return nil, err
		}
	}
	m.invalidate(cur.OrganizationID)
	if p.Settings == nil {
		return m.IntegrationGet(ctx, cur.OrganizationID, cur.ID)
	}
	return m.checkNow(ctx, cur.OrganizationID, cur.ID, tested, CauseHealthCheck)
}

// scheduled returns next for an integration that is scheduled (not
// disabled), nil otherwise.
func scheduled(h *storage.IntegrationHealth, next *time.Time) *time.Time {
	if h.Status == storage.IntegrationDisabled || h.NextCheckAt == nil {
		return nil
	}
	return next
}

// intervalOr returns d, or the default interval for zero.
func (m *Manager) intervalOr(d time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return m.cfg.HealthCheckInterval
}

// IntegrationGet returns an integration, secrets masked.
func (m *Manager) IntegrationGet(ctx context.Context, orgID, id uuid.UUID) (*Integration, error) {
	h, err := m.store.IntegrationHealthGet(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	return m.view(ctx, h)
}

// IntegrationList returns the organization's integrations (of one type
// when typ is not empty), oldest first, secrets masked.
func (m *Manager) IntegrationList(ctx context.Context, orgID uuid.UUID, typ string) ([]*Integration, error) {
	hs, err := m.healthList(ctx, orgID, typ)
	if err != nil {
		return nil, err
	}
	out := make([]*Integration, len(hs))
	for i, h := range hs {
		if out[i], err = m.view(ctx, h); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// healthList reads every integration of an organization (of a type),
// oldest first.
func (m *Manager) healthList(ctx context.Context, orgID uuid.UUID, typ string) ([]*storage.IntegrationHealth, error) {
	var all []*storage.IntegrationHealth
	p := &storage.IntegrationListParams{OrganizationID: orgID, Type: typ, Limit: storage.LimitMax}
	for {
		page, err := m.store.IntegrationHealthList(ctx, p)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.Next == "" {
			break
		}
		p.Cursor = page.Next
	}
	for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
		all[i], all[j] = all[j], all[i]
	}
	return all, nil
}

// IntegrationDelete deletes an integration, its OAuth tokens and its place
// in the organization's routes. Its logs and metrics stay until retention
// removes them.
func (m *Manager) IntegrationDelete(ctx context.Context, orgID, id uuid.UUID) error {
	if err := m.store.IntegrationDelete(ctx, orgID, id); err != nil {
		return err
	}
	m.invalidate(orgID)
	m.quotas.forget(id)
	return nil
}

// IntegrationDisable disables an integration (ADMIN-INT-015): every call
// to it is refused with a *[DisabledError] and its health checks stop,
// until [Manager.IntegrationEnable]. Other hosts see it within
// Config.CacheTTL.
func (m *Manager) IntegrationDisable(ctx context.Context, orgID, id uuid.UUID) (*Integration, error) {
	ch, err := m.store.IntegrationStatusSet(ctx, &storage.IntegrationStatusSetParams{OrganizationID: orgID, ID: id,
		Status: storage.IntegrationDisabled, ClearNextCheck: true})
	if err != nil {
		return nil, err
	}
	m.invalidate(orgID)
	if ch.Changed() {
		m.statusChanged(ctx, ch, CauseAdmin)
	}
	return m.view(ctx, ch.Integration)
}

// IntegrationEnable enables a disabled integration: it becomes inactive,
// is checked at once (so it is returned active or in error) and then on
// its interval. Enabling an integration that is not disabled changes
// nothing.
func (m *Manager) IntegrationEnable(ctx context.Context, orgID, id uuid.UUID) (*Integration, error) {
	h, err := m.store.IntegrationHealthGet(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	if h.Status != storage.IntegrationDisabled {
		return m.view(ctx, h)
	}
	ch, err := m.store.IntegrationStatusSet(ctx, &storage.IntegrationStatusSetParams{OrganizationID: orgID, ID: id,
		Status: storage.IntegrationInactive})
	if err != nil {
		return nil, err
	}
	m.invalidate(orgID)
	m.statusChanged(ctx, ch, CauseAdmin)
	return m.checkNow(ctx, orgID, id, nil, CauseHealthCheck)
}
