package admin

import (
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

func (h *Handler) integrationOps() []*operation {
	typeQ := param{name: "type", typ: "string", desc: "keep one catalog type (email, hris, ...)"}
	return []*operation{
		op(h, "GET", "/api/integrations/catalog", "catalogList", "integrations", "The catalog of integration types with their installed providers and forms (§2, + Add Integration).", 200, h.apiCatalog),
		op(h, "GET", "/api/integrations/overview", "integrationOverview", "integrations", "The dashboard: counts by status with their share, the list and the open alerts (§3, ADMIN-INT-001).", 200, h.apiOverview),
		op(h, "GET", "/api/integrations", "integrationList", "integrations", "The organization's integrations, oldest first, credentials masked.", 200, h.apiIntegrationList).withQuery(typeQ),
		op(h, "POST", "/api/integrations", "integrationCreate", "integrations", "Add an integration: validated with the §17 messages, saved sealed, checked at once (ADMIN-INT-002).", 201, h.apiIntegrationCreate),
		op(h, "POST", "/api/integrations/test", "integrationTestUnsaved", "integrations", "Test a configuration without saving it (Test Connection, Send Test Email).", 200, h.apiIntegrationTestUnsaved),
		op(h, "POST", "/api/integrations/health-check", "integrationHealthCheckAll", "integrations", "Health Check All: check every integration that is not disabled now.", 200, h.apiHealthCheckAll),
		op(h, "GET", "/api/integrations/{id}", "integrationGet", "integrations", "One integration, credentials masked.", 200, h.apiIntegrationGet),
		op(h, "PATCH", "/api/integrations/{id}", "integrationUpdate", "integrations", "Change an integration; settings merge over the stored ones, a masked credential keeps its value.", 200, h.apiIntegrationUpdate),
		op(h, "DELETE", "/api/integrations/{id}", "integrationDelete", "integrations", "Delete an integration and its OAuth tokens.", 204, h.apiIntegrationDelete),
		op(h, "POST", "/api/integrations/{id}/enable", "integrationEnable", "integrations", "Enable a disabled integration; it is checked at once.", 200, h.apiIntegrationEnable),
		op(h, "POST", "/api/integrations/{id}/disable", "integrationDisable", "integrations", "Disable an integration: every call is refused, checks stop (ADMIN-INT-015).", 200, h.apiIntegrationDisable),
		op(h, "POST", "/api/integrations/{id}/test", "integrationTest", "integrations", "Test Connection (stored settings, or the ones sent) and Send Test Email (ADMIN-INT-003).", 200, h.apiIntegrationTest),
		op(h, "POST", "/api/integrations/{id}/reconnect", "integrationReconnect", "integrations", "Reconnect: check the stored settings now and update the status.", 200, h.apiIntegrationReconnect),
		op(h, "GET", "/api/integrations/{id}/health", "integrationHealth", "integrations", "The health screen: status, recent errors, metrics against normal, hourly buckets (§5).", 200, h.apiIntegrationHealth).
			withQuery(param{name: "window", typ: "string", desc: "the metrics' window, a Go duration rounded up to hours (default 24h, at most 720h)"}),
		op(h, "POST", "/api/integrations/{id}/secret/reveal", "integrationSecretReveal", "integrations", "Show one credential; written to the audit log first.", 200, h.apiIntegrationReveal),
		op(h, "GET", "/api/integrations/{id}/backup", "integrationBackupGet", "integrations", "The primary and backup of the integration's type.", 200, h.apiBackupGet),
		op(h, "PUT", "/api/integrations/{id}/backup", "integrationBackupSet", "integrations", "Name the backup calls of this type fail over to (ADMIN-INT-011); absent removes it.", 200, h.apiBackupSet),
		op(h, "PUT", "/api/integrations/{id}/retry", "integrationRetrySet", "retry", "Give an integration its own retry policy (ADMIN-INT-012).", 200, h.apiIntegrationRetrySet),
		op(h, "DELETE", "/api/integrations/{id}/retry", "integrationRetryReset", "retry", "Return an integration to the organization's default retry policy.", 200, h.apiIntegrationRetryReset),
		op(h, "POST", "/api/integrations/{id}/troubleshoot", "integrationTroubleshoot", "integrations", "Diagnose: the staged check, the errors' pattern and the suggested actions (§5).", 200, h.apiTroubleshoot),
		op(h, "POST", "/api/integrations/{id}/switch-backup", "integrationSwitchBackup", "integrations", "Switch the type's calls to the backup now (§9).", 204, h.apiSwitchBackup),
		op(h, "POST", "/api/integrations/{id}/credentials/rotate", "integrationCredentialRotate", "integrations", "Regenerate a credential: tested before the old one is dropped (ADMIN-INT-014).", 200, h.apiRotate),
	}
}

// managerOn answers 501 when the host configured no Manager.
func (h *Handler) managerOn() error {
	if h.cfg.Integrations == nil {
		return notConfigured("The integration Manager")
	}
	return nil
}

func (h *Handler) now() time.Time { return h.cfg.Clock() }

func (h *Handler) apiCatalog(r *http.Request, _ *none) ([]*CatalogType, error) {
	if err := h.managerOn(); err != nil {
		return nil, err
	}
	cat, err := h.cfg.Integrations.Catalog(r.Context())
	if err != nil {
		return nil, err
	}
	out := make([]*CatalogType, 0, len(cat))
	for i := range cat {
		out = append(out, toCatalogType(&cat[i]))
	}
	return out, nil
}

func (h *Handler) apiOverview(r *http.Request, _ *none) (*IntegrationOverview, error) {
	if err := h.managerOn(); err != nil {
		return nil, err
	}
	o, err := h.cfg.Integrations.Overview(r.Context(), org(r))
	if err != nil {
		return nil, err
	}
	out := toOverview(o)
	alerts, err := h.openAlerts(r, uuid.Nil)
	if err != nil {
		return nil, err
	}
	for _, a := range alerts {
		out.Alerts = append(out.Alerts, toAlert(a))
	}
	return out, nil
}

func (h *Handler) apiIntegrationList(r *http.Request, _ *none) ([]*Integration, error) {
	if err := h.managerOn(); err != nil {
		return nil, err
	}
	list, err := h.cfg.Integrations.IntegrationList(r.Context(), org(r), r.URL.Query().Get("type"))
	if err != nil {
		return nil, err
	}
	out := make([]*Integration, 0, len(list))
	for _, in := range list {
		out = append(out, toIntegration(in, h.now()))
	}
	return out, nil
}

func (h *Handler) apiIntegrationCreate(r *http.Request, in *IntegrationInput) (*Integration, error) {
	if err := h.managerOn(); err != nil {
		return nil, err
	}
	saved, err := h.integrationCreate(r, in)
	if err != nil {
		return nil, err
	}
	return toIntegration(saved, h.now()), nil
}

// integrationCreate adds an integration through the Manager.
func (h *Handler) integrationCreate(r *http.Request, in *IntegrationInput) (*integration.Integration, error) {
	p := &integration.CreateParams{OrganizationID: org(r), Type: in.Type, Provider: in.Provider, Name: deref(in.Name),
		Settings: providers.Settings(in.Settings), RetryPolicy: in.RetryPolicy, TestFirst: in.TestFirst}
	if p.Settings == nil {
		p.Settings = providers.Settings{}
	}
	if in.CheckInterval != nil {
		p.CheckInterval = time.Duration(*in.CheckInterval) * time.Minute
	}
	saved, err := h.cfg.Integrations.IntegrationCreate(r.Context(), p)
	if err != nil {
		return nil, err
	}
	_ = h.audit(r, "integrationCreate", "integration", saved.ID, saved.Provider)
	return saved, nil
}

// integrationOf loads the path's integration.
func (h *Handler) integrationOf(r *http.Request) (*integration.Integration, error) {
	if err := h.managerOn(); err != nil {
		return nil, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.cfg.Integrations.IntegrationGet(r.Context(), org(r), id)
}

func (h *Handler) apiIntegrationGet(r *http.Request, _ *none) (*Integration, error) {
	in, err := h.integrationOf(r)
	if err != nil {
		return nil, err
	}
	return toIntegration(in, h.now()), nil
}

// stored reads an integration's settings in clear, for a reveal or to put
// back the credentials a form sent masked.
func (h *Handler) stored(r *http.Request, id uuid.UUID) (providers.Settings, error) {
	row, err := h.cfg.Store.IntegrationGet(r.Context(), org(r), id)
	if err != nil {
		return nil, err
	}
	return storedSettings(row)
}

// mergeSettings is what an update saves: the stored settings, overlaid by
// the ones sent, each sent back masked keeping its stored value.
func mergeSettings(sent map[string]string, stored providers.Settings) providers.Settings {
	out := providers.Settings{}
	for k, v := range stored {
		out[k] = v
	}
	for k, v := range unmask(sent, stored) {
		out[k] = v
	}
	return out
}

func (h *Handler) apiIntegrationUpdate(r *http.Request, in *IntegrationInput) (*Integration, error) {
	cur, err := h.integrationOf(r)
	if err != nil {
		return nil, err
	}
	saved, err := h.integrationUpdate(r, cur.ID, in)
	if err != nil {
		return nil, err
	}
	return toIntegration(saved, h.now()), nil
}

// integrationUpdate changes an integration through the Manager.
func (h *Handler) integrationUpdate(r *http.Request, id uuid.UUID, in *IntegrationInput) (*integration.Integration, error) {
	p := &integration.UpdateParams{OrganizationID: org(r), ID: id, Name: in.Name, TestFirst: in.TestFirst}
	if in.Settings != nil {
		stored, err := h.stored(r, id)
		if err != nil {
			return nil, err
		}
		p.Settings = mergeSettings(in.Settings, stored)
	}
	if in.CheckInterval != nil {
		d := time.Duration(*in.CheckInterval) * time.Minute
		p.CheckInterval = &d
	}
	saved, err := h.cfg.Integrations.IntegrationUpdate(r.Context(), p)
	if err != nil {
		return nil, err
	}
	if in.RetryPolicy != nil {
		if saved, err = h.cfg.Integrations.IntegrationRetryPolicySet(r.Context(), org(r), id, in.RetryPolicy); err != nil {
			return nil, err
		}
	}
	_ = h.audit(r, "integrationUpdate", "integration", id, "")
	return saved, nil
}

func (h *Handler) apiIntegrationDelete(r *http.Request, _ *none) (none, error) {
	in, err := h.integrationOf(r)
	if err != nil {
		return none{}, err
	}
	if err := h.cfg.Integrations.IntegrationDelete(r.Context(), org(r), in.ID); err != nil {
		return none{}, err
	}
	return none{}, h.auditChange(r, "integrationDelete", "integration", in.ID)
}

// integrationCall runs a Manager call on the path's integration and audits
// it.
func (h *Handler) integrationCall(action string, call func(r *http.Request, id uuid.UUID) (*integration.Integration, error)) func(*http.Request, *none) (*Integration, error) {
	return func(r *http.Request, _ *none) (*Integration, error) {
		in, err := h.integrationOf(r)
		if err != nil {
			return nil, err
		}
		out, err := call(r, in.ID)
		if err != nil {
			return nil, err
		}
		_ = h.audit(r, action, "integration", in.ID, "")
		return toIntegration(out, h.now()), nil
	}
}

func (h *Handler) apiIntegrationEnable(r *http.Request, in *none) (*Integration, error) {
	return h.integrationCall("integrationEnable", func(r *http.Request, id uuid.UUID) (*integration.Integration, error) {
		return h.cfg.Integrations.IntegrationEnable(r.Context(), org(r), id)
	})(r, in)
}

func (h *Handler) apiIntegrationDisable(r *http.Request, in *none) (*Integration, error) {
	return h.integrationCall("integrationDisable", func(r *http.Request, id uuid.UUID) (*integration.Integration, error) {
		return h.cfg.Integrations.IntegrationDisable(r.Context(), org(r), id)
	})(r, in)
}

// reconnect checks the stored settings now (a health check) and returns the
// integration with the test.
func (h *Handler) reconnect(r *http.Request, id uuid.UUID) (*integration.Integration, error) {
	res, err := h.cfg.Integrations.Test(r.Context(), &integration.TestParams{OrganizationID: org(r), ID: id})
	if err != nil {
		return nil, err
	}
	in, err := h.cfg.Integrations.IntegrationGet(r.Context(), org(r), id)
	if err != nil {
		return nil, err
	}
	in.Check = res.Check
	return in, nil
}

func (h *Handler) apiIntegrationReconnect(r *http.Request, in *none) (*Integration, error) {
	return h.integrationCall("integrationReconnect", h.reconnect)(r, in)
}

// test runs a connection test; id is uuid.Nil for an unsaved
// configuration.
func (h *Handler) test(r *http.Request, id uuid.UUID, in *ConnectionTestInput) (*ConnectionTest, error) {
	p := &integration.TestParams{OrganizationID: org(r), ID: id, Type: in.Type, Provider: in.Provider,
		SendTestEmailTo: in.TestEmailTo}
	if in.Settings != nil {
		p.Settings = providers.Settings(in.Settings)
		if id != uuid.Nil {
			stored, err := h.stored(r, id)
			if err != nil {
				return nil, err
			}
			p.Settings = mergeSettings(in.Settings, stored)
		}
	}
	res, err := h.cfg.Integrations.Test(r.Context(), p)
	if err != nil {
		return nil, err
	}
	out := toTest(res.Check, res.Message)
	out.OK = res.OK
	if res.Receipt != nil {
		out.MessageID = res.Receipt.MessageID
	}
	if id != uuid.Nil {
		_ = h.audit(r, "integrationTest", "integration", id, in.TestEmailTo)
	}
	return out, nil
}

func (h *Handler) apiIntegrationTestUnsaved(r *http.Request, in *ConnectionTestInput) (*ConnectionTest, error) {
	if err := h.managerOn(); err != nil {
		return nil, err
	}
	return h.test(r, uuid.Nil, in)
}

func (h *Handler) apiIntegrationTest(r *http.Request, in *ConnectionTestInput) (*ConnectionTest, error) {
	cur, err := h.integrationOf(r)
	if err != nil {
		return nil, err
	}
	return h.test(r, cur.ID, in)
}

func (h *Handler) apiHealthCheckAll(r *http.Request, _ *none) ([]*Integration, error) {
	if err := h.managerOn(); err != nil {
		return nil, err
	}
	list, err := h.cfg.Integrations.HealthCheckAll(r.Context(), org(r))
	if err != nil {
		return nil, err
	}
	_ = h.audit(r, "integrationHealthCheckAll", "integration", uuid.Nil, itoa(len(list)))
	out := make([]*Integration, 0, len(list))
	for _, in := range list {
		out = append(out, toIntegration(in, h.now()))
	}
	return out, nil
}

func (h *Handler) apiIntegrationReveal(r *http.Request, in *RevealInput) (*Secret, error) {
	cur, err := h.integrationOf(r)
	if err != nil {
		return nil, err
	}
	s, err := h.revealSetting(r, cur, in.Field)
	if err != nil {
		return nil, err
	}
	return &Secret{Secret: s}, nil
}

// revealSetting shows one credential of an integration once the audit log
// has it. Only credentials are revealed: the rest is shown anyway.
func (h *Handler) revealSetting(r *http.Request, in *integration.Integration, field string) (string, error) {
	if !isSecret(field, in.Fields) {
		return "", fieldError("field", "This setting is not a credential")
	}
	stored, err := h.stored(r, in.ID)
	if err != nil {
		return "", err
	}
	v, ok := stored[field]
	if !ok {
		return "", errNotFound
	}
	if err := h.audit(r, AuditSecretShown, "integration", in.ID, field); err != nil {
		return "", errAuditFailed
	}
	return v, nil
}

func (h *Handler) apiBackupGet(r *http.Request, _ *none) (*IntegrationRoute, error) {
	in, err := h.integrationOf(r)
	if err != nil {
		return nil, err
	}
	rt, err := h.cfg.Integrations.Route(r.Context(), org(r), in.Type)
	if err != nil {
		return nil, err
	}
	return toRoute(rt), nil
}

func (h *Handler) apiBackupSet(r *http.Request, b *BackupInput) (*IntegrationRoute, error) {
	in, err := h.integrationOf(r)
	if err != nil {
		return nil, err
	}
	rt, err := h.backupSet(r, in, b.BackupID)
	if err != nil {
		return nil, err
	}
	return toRoute(rt), nil
}

// backupSet names the backup of in's type; nil removes it.
func (h *Handler) backupSet(r *http.Request, in *integration.Integration, backup *uuid.UUID) (*integration.Route, error) {
	id := uuid.Nil
	if backup != nil {
		id = *backup
	}
	rt, err := h.cfg.Integrations.BackupSet(r.Context(), org(r), in.Type, id)
	if err != nil {
		return nil, err
	}
	_ = h.audit(r, "integrationBackupSet", "integration", in.ID, id.String())
	return rt, nil
}

func (h *Handler) apiIntegrationRetrySet(r *http.Request, f *retry.PolicyForm) (*Integration, error) {
	return h.integrationCall("integrationRetrySet", func(r *http.Request, id uuid.UUID) (*integration.Integration, error) {
		if _, err := f.Policy(); err != nil {
			return nil, err
		}
		return h.cfg.Integrations.IntegrationRetryPolicySet(r.Context(), org(r), id, f)
	})(r, nil)
}

func (h *Handler) apiIntegrationRetryReset(r *http.Request, in *none) (*Integration, error) {
	return h.integrationCall("integrationRetryReset", func(r *http.Request, id uuid.UUID) (*integration.Integration, error) {
		return h.cfg.Integrations.IntegrationRetryPolicySet(r.Context(), org(r), id, nil)
	})(r, in)
}

func (h *Handler) apiTroubleshoot(r *http.Request, _ *none) (*Diagnosis, error) {
	in, err := h.integrationOf(r)
	if err != nil {
		return nil, err
	}
	return h.troubleshoot(r, in.ID)
}

// troubleshoot runs the host's troubleshooter.
func (h *Handler) troubleshoot(r *http.Request, id uuid.UUID) (*Diagnosis, error) {
	if h.cfg.Troubleshooter == nil {
		return nil, notConfigured("Troubleshooting")
	}
	d, err := h.cfg.Troubleshooter.Troubleshoot(r.Context(), org(r), id)
	if err != nil {
		return nil, err
	}
	if d.Actions == nil {
		d.Actions = []SuggestedAction{}
	}
	_ = h.audit(r, "integrationTroubleshoot", "integration", id, "")
	return d, nil
}

func (h *Handler) apiSwitchBackup(r *http.Request, _ *none) (none, error) {
	in, err := h.integrationOf(r)
	if err != nil {
		return none{}, err
	}
	return none{}, h.switchBackup(r, in.ID)
}

func (h *Handler) switchBackup(r *http.Request, id uuid.UUID) error {
	if h.cfg.Backups == nil {
		return notConfigured("Switching to the backup")
	}
	if err := h.cfg.Backups.SwitchToBackup(r.Context(), org(r), id); err != nil {
		return err
	}
	return h.auditChange(r, "integrationSwitchBackup", "integration", id)
}

func (h *Handler) apiRotate(r *http.Request, in *RotateInput) (*Integration, error) {
	cur, err := h.integrationOf(r)
	if err != nil {
		return nil, err
	}
	out, err := h.rotate(r, cur, in)
	if err != nil {
		return nil, err
	}
	return toIntegration(out, h.now()), nil
}

// rotate replaces a credential through the host's rotator.
func (h *Handler) rotate(r *http.Request, cur *integration.Integration, in *RotateInput) (*integration.Integration, error) {
	if h.cfg.Credentials == nil {
		return nil, notConfigured("Credential rotation")
	}
	if !isSecret(in.Field, cur.Fields) {
		return nil, fieldError("field", "This setting is not a credential")
	}
	out, err := h.cfg.Credentials.RotateCredentials(r.Context(), &CredentialRotation{OrganizationID: org(r), ID: cur.ID,
		Field: in.Field, Value: in.Value, Actor: actorOf(principalOf(r.Context()))})
	if err != nil {
		return nil, err
	}
	_ = h.audit(r, "integrationCredentialRotate", "integration", cur.ID, in.Field)
	return out, nil
}

// actorOf names an admin in the SDK's audit entries: the name, else the
// user ID.
func actorOf(p *Principal) string {
	if p == nil {
		return ""
	}
	if p.Name != "" {
		return p.Name
	}
	return p.UserID.String()
}
