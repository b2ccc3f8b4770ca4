package integration

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// checkOutcome is a connection test's result, reduced to what the status,
// the log and the metrics need.
type checkOutcome struct {
	res      *providers.CheckResult
	err      error
	start    time.Time
	duration time.Duration
	// message is the failed stage's message, or why the test could not
	// run; "" when it passed.
	message string
	class   retry.Class
	stage   providers.StageName
}

func (o *checkOutcome) ok() bool { return o.message == "" }

func (o *checkOutcome) status() storage.IntegrationStatus {
	if o.ok() {
		return storage.IntegrationActive
	}
	return storage.IntegrationError
}

// target is one integration made callable: its provider and settings.
type target struct {
	orgID, id uuid.UUID
	typ, name string
	provider  providers.Provider
	info      *providers.Info
	settings  providers.Settings
	// display is the provider's name in messages ("SendGrid"); instance
	// its name in its route's failover group (display, made unique).
	display  string
	instance string
	// endpoint is "host:port" of the service, when the settings name one.
	endpoint string
	secrets  []string
}

// newTarget makes an integration callable; settings are its stored (or
// submitted) settings.
func (m *Manager) newTarget(ctx context.Context, in *storage.Integration, s providers.Settings) (*target, error) {
	p, info, err := m.reg.provider(ctx, in.Provider)
	if err != nil {
		return nil, err
	}
	s = withDefaults(cleanSettings(s, info.Fields), info.Fields)
	t := &target{orgID: in.OrganizationID, id: in.ID, typ: in.Type, name: in.Name, provider: p, info: info,
		settings: s, display: info.DisplayName, endpoint: endpointOf(s, info.Fields),
		secrets: secretValues(s, secretFields(info))}
	if t.display == "" {
		t.display = in.Provider
	}
	if info.Has(providers.CapabilityOAuth) {
		t.provider = m.withOAuth(t)
	}
	return t, nil
}

// check runs t's connection test under the health-check timeout.
func (m *Manager) check(ctx context.Context, t *target) *checkOutcome {
	ctx, cancel := context.WithTimeout(ctx, m.cfg.HealthCheckTimeout)
	defer cancel()
	o := &checkOutcome{start: m.now()}
	o.res, o.err = t.provider.Check(ctx, t.settings)
	o.duration = m.now().Sub(o.start)
	switch {
	case o.err != nil:
		o.message = scrub(providers.UserMessage(o.err, t.display), t.secrets)
		o.class = retry.ClassifyError(o.err).Class
		if errors.Is(o.err, context.DeadlineExceeded) {
			o.class = retry.ClassTimeout
			o.message = "Connection to " + t.display + " timed out"
		}
	case o.res == nil:
		o.message, o.class = "the provider returned no result", retry.ClassUnknown
	case !o.res.OK():
		st := o.res.Failed()
		o.message, o.class, o.stage = scrub(stageMessage(st, t.display), t.secrets), st.Class, st.Name
		if o.message == "" {
			o.message = string(st.Name) + " failed"
		}
	}
	return o
}

// applyCheck stores a check's status and schedules the next one; lease,
// when set, fences a claimed check. It reports a status change to the
// hooks and records the check.
func (m *Manager) applyCheck(ctx context.Context, t *target, o *checkOutcome, interval time.Duration, lease *time.Time, cause string) (*storage.IntegrationStatusChange, error) {
	now := m.now()
	next := now.Add(interval)
	ch, err := m.store.IntegrationStatusSet(context.WithoutCancel(ctx), &storage.IntegrationStatusSetParams{
		OrganizationID: t.orgID, ID: t.id, Status: o.status(), ErrorMessage: o.message,
		CheckedAt: &now, NextCheckAt: &next, Lease: lease, KeepDisabled: true})
	if err != nil {
		return nil, err
	}
	m.recordCheck(ctx, t, o)
	if ch.Changed() {
		m.statusChanged(ctx, ch, cause)
	}
	return ch, nil
}

// statusChanged tells the hooks.
func (m *Manager) statusChanged(ctx context.Context, ch *storage.IntegrationStatusChange, cause string) {
	h := ch.Integration
	at := m.now()
	if h.StatusChangedAt != nil {
		at = *h.StatusChangedAt
	}
	m.hooks.statusChange(ctx, &StatusChange{OrganizationID: h.OrganizationID, IntegrationID: h.ID, Type: h.Type,
		Name: h.Name, From: ch.Previous, To: h.Status, Message: h.ErrorMessage, Cause: cause, Time: at})
}

// interval is an integration's health-check interval in force.
func (m *Manager) interval(h *storage.IntegrationHealth) time.Duration {
	if h.CheckInterval > 0 {
		return h.CheckInterval
	}
	return m.cfg.HealthCheckInterval
}

// stageMessage is what a failed stage makes the integration's status say:
// the spec's message (UC-ADMIN-007 §16) where one fits the stage's class
// ("Connection to SendGrid timed out", "Authentication failed. Please check
// credentials.", "SSL certificate verification failed"), the stage's own
// otherwise. The stage's own message, with the endpoint and the system's
// error, stays in the check's log entry.
func stageMessage(st *providers.Stage, display string) string {
	e := &providers.Error{Kind: providers.KindPermanent, Class: st.Class, Message: st.Message}
	switch {
	case st.Class == retry.ClassRateLimited:
		e.Kind = providers.KindRateLimited
	case st.Name == providers.StageAuth && st.Class == retry.ClassClientError:
		e.Kind = providers.KindAuth
	case st.Class.Transient():
		e.Kind = providers.KindRetryable
	}
	return providers.UserMessage(e, display)
}
