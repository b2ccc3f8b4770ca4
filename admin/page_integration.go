package admin

import (
	"maps"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/integration"
)

// integrationView is one integration's configure screen (§4): its status,
// the settings form, the connection test, rate limits, the backup and the
// actions.
type integrationView struct {
	In       *Integration
	Form     *integrationForm
	Test     *ConnectionTest
	Usage    *QuotaUsage
	Backup   *backupView
	Retry    string
	Revealed map[string]string
	Email    bool
	Rotate   bool
	Alerts   []*Alert
}

// backupView is the backup provider selection (§4, §9): the type's
// primary, its backup and the integrations that could be.
type backupView struct {
	Primary    *Integration
	Backup     *Integration
	Candidates []*Integration
	IsPrimary  bool
}

// integrationPage loads the path's integration for a page, or answers the
// error and returns nil.
func (h *Handler) integrationPage(w http.ResponseWriter, r *http.Request) *integration.Integration {
	if !h.integrationsPage(w, r, "integrations") {
		return nil
	}
	in, err := h.integrationOf(r)
	if err != nil {
		h.fail(w, r, err)
		return nil
	}
	return in
}

// integrationScreen builds the configure screen of in; form, when not
// nil, is what a failed post typed.
func (h *Handler) integrationScreen(r *http.Request, in *integration.Integration, form *integrationForm) (*integrationView, error) {
	v := &integrationView{In: toIntegration(in, h.now()), Email: in.Type == integration.TypeEmail, Rotate: h.cfg.Credentials != nil,
		Revealed: map[string]string{}, Alerts: []*Alert{}}
	if form == nil {
		form = &integrationForm{Name: in.Name, Errors: map[string]string{}}
		if in.OwnCheckInterval {
			form.CheckInterval = strconv.Itoa(v.In.CheckInterval)
		}
		form.Fields = formFields(in.Fields, v.In.Settings, nil, true)
	}
	v.Form = form
	u, err := h.cfg.Integrations.QuotaUsage(r.Context(), org(r), in.ID)
	if err != nil {
		return nil, err
	}
	v.Usage = toUsage(u)
	if v.Backup, err = h.backupOf(r, in); err != nil {
		return nil, err
	}
	v.Retry = "the organization's default"
	if in.RetryPolicy != nil {
		v.Retry = "its own: " + in.RetryPolicy.Preview()
	}
	alerts, err := h.openAlerts(r, in.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range alerts {
		v.Alerts = append(v.Alerts, toAlert(a))
	}
	return v, nil
}

// backupOf reads the route of in's type and the other integrations of it.
func (h *Handler) backupOf(r *http.Request, in *integration.Integration) (*backupView, error) {
	rt, err := h.cfg.Integrations.Route(r.Context(), org(r), in.Type)
	if err != nil {
		return nil, err
	}
	same, err := h.cfg.Integrations.IntegrationList(r.Context(), org(r), in.Type)
	if err != nil {
		return nil, err
	}
	b := &backupView{}
	if rt.Primary != nil {
		b.Primary, b.IsPrimary = toIntegration(rt.Primary, h.now()), rt.Primary.ID == in.ID
	}
	if rt.Backup != nil {
		b.Backup = toIntegration(rt.Backup, h.now())
	}
	for _, o := range same {
		if o.ID != in.ID {
			b.Candidates = append(b.Candidates, toIntegration(o, h.now()))
		}
	}
	return b, nil
}

// showIntegration renders the configure screen; edit, when not nil,
// adjusts the view (a test's outcome, a revealed secret, a failed form).
func (h *Handler) showIntegration(w http.ResponseWriter, r *http.Request, in *integration.Integration, status int, form *integrationForm, edit func(*integrationView)) {
	v, err := h.integrationScreen(r, in, form)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if edit != nil {
		edit(v)
	}
	title := in.TypeName + " - " + in.ProviderName
	h.render(w, r, "integration", status, h.newView(w, r, "integrations", title, v).at(h, "/integrations/"+in.ID.String()))
}

func (h *Handler) pageIntegration(w http.ResponseWriter, r *http.Request) {
	if in := h.integrationPage(w, r); in != nil {
		h.showIntegration(w, r, in, http.StatusOK, nil, nil)
	}
}

// pageIntegrationUpdate saves the settings form: Save, or Test & Save.
func (h *Handler) pageIntegrationUpdate(w http.ResponseWriter, r *http.Request) {
	in := h.integrationPage(w, r)
	if in == nil {
		return
	}
	form, input := readIntegrationForm(r, in.Fields)
	input.TestFirst = r.PostFormValue("action") == "testsave"
	var err error
	if len(form.Errors) == 0 {
		var saved *integration.Integration
		if saved, err = h.integrationUpdate(r, in.ID, input); err == nil {
			h.redirect(w, r, "/integrations/"+in.ID.String(), "Saved. Health check: "+saved.StatusLabel(h.now())+".")
			return
		}
		if !formErrors(err, form.Errors) {
			ae, _ := toAPIError(err)
			if ae.Status >= 500 || ae.Status == http.StatusNotFound {
				h.fail(w, r, err)
				return
			}
			form.Message = ae.Message
		}
	}
	values := maps.Clone(input.Settings)
	// A credential typed into the form is not sent back; a masked one
	// stays masked.
	stored := toIntegration(in, h.now()).Settings
	for _, f := range in.Fields {
		if isSecret(f.Name, in.Fields) {
			values[f.Name] = stored[f.Name]
		}
	}
	form.Fields = formFields(in.Fields, values, form.Errors, true)
	h.showIntegration(w, r, in, http.StatusUnprocessableEntity, form, nil)
}

// pageIntegrationTest is "Test Connection" and "Send Test Email" of the
// stored settings (ADMIN-INT-003).
func (h *Handler) pageIntegrationTest(w http.ResponseWriter, r *http.Request) {
	in := h.integrationPage(w, r)
	if in == nil {
		return
	}
	t := &ConnectionTestInput{}
	to := r.PostFormValue(integration.FieldTestEmailTo)
	if r.PostFormValue("action") == "sendtest" {
		t.TestEmailTo = to
	}
	res, err := h.test(r, in.ID, t)
	if err != nil {
		errs := map[string]string{}
		if !formErrors(err, errs) {
			h.fail(w, r, err)
			return
		}
		res = &ConnectionTest{Message: errs[integration.FieldTestEmailTo], Stages: []TestStage{}}
		if res.Message == "" {
			res.Message = msgValidationSummary
		}
	}
	if in, err = h.cfg.Integrations.IntegrationGet(r.Context(), org(r), in.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	h.showIntegration(w, r, in, http.StatusOK, nil, func(v *integrationView) {
		v.Test = res
		v.Form.TestEmailTo = to
	})
}

// pageIntegrationReconnect re-checks the stored settings now.
func (h *Handler) pageIntegrationReconnect(w http.ResponseWriter, r *http.Request) {
	in := h.integrationPage(w, r)
	if in == nil {
		return
	}
	out, err := h.apiIntegrationReconnect(r, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	msg := "Reconnected: " + out.StatusLabel + "."
	if out.Check != nil && !out.Check.OK {
		msg = "Reconnect failed: " + out.Check.Message
	}
	h.redirect(w, r, backTo(r, "/integrations/"+in.ID.String()), msg)
}

// backTo is the page a form asks to return to (a path of the admin), else
// def.
func backTo(r *http.Request, def string) string {
	b := r.PostFormValue("back")
	if strings.HasPrefix(b, "/") && !strings.HasPrefix(b, "//") && !strings.ContainsAny(b, "\\\r\n") {
		return b
	}
	return def
}

// integrationAction runs an action on the path's integration, asking
// first when question is set, then returns to the page with done.
func (h *Handler) integrationAction(question, done string, call func(r *http.Request, id uuid.UUID) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		in := h.integrationPage(w, r)
		if in == nil {
			return
		}
		back := backTo(r, "/integrations/"+in.ID.String())
		if question != "" && !h.confirmed(w, r, question, back) {
			return
		}
		if err := call(r, in.ID); err != nil {
			h.fail(w, r, err)
			return
		}
		if done == "Integration deleted." {
			back = "/integrations"
		}
		h.redirect(w, r, back, done)
	}
}

func (h *Handler) pageIntegrationEnable(w http.ResponseWriter, r *http.Request) {
	h.integrationAction("", "Integration enabled and checked.", func(r *http.Request, _ uuid.UUID) error {
		_, err := h.apiIntegrationEnable(r, nil)
		return err
	})(w, r)
}

func (h *Handler) pageIntegrationDisable(w http.ResponseWriter, r *http.Request) {
	h.integrationAction("Disable this integration? Every call to it is refused and its health checks stop until it is enabled again.",
		"Integration disabled.", func(r *http.Request, _ uuid.UUID) error {
			_, err := h.apiIntegrationDisable(r, nil)
			return err
		})(w, r)
}

func (h *Handler) pageIntegrationDelete(w http.ResponseWriter, r *http.Request) {
	h.integrationAction("Delete this integration and its OAuth tokens? Its logs stay until retention removes them.",
		"Integration deleted.", func(r *http.Request, _ uuid.UUID) error {
			_, err := h.apiIntegrationDelete(r, nil)
			return err
		})(w, r)
}

func (h *Handler) pageIntegrationSwitchBackup(w http.ResponseWriter, r *http.Request) {
	h.integrationAction("Switch this type's calls to the backup now?", "Switched to the backup.", h.switchBackup)(w, r)
}

// pageIntegrationReveal shows one credential, audited.
func (h *Handler) pageIntegrationReveal(w http.ResponseWriter, r *http.Request) {
	in := h.integrationPage(w, r)
	if in == nil {
		return
	}
	field := r.PostFormValue("field")
	s, err := h.revealSetting(r, in, field)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showIntegration(w, r, in, http.StatusOK, nil, func(v *integrationView) { v.Revealed[field] = s })
}

// pageIntegrationRotate regenerates a credential (ADMIN-INT-014).
func (h *Handler) pageIntegrationRotate(w http.ResponseWriter, r *http.Request) {
	in := h.integrationPage(w, r)
	if in == nil {
		return
	}
	if !h.confirmed(w, r, "Regenerate this credential? The new one is tested before the old one is dropped.", "/integrations/"+in.ID.String()) {
		return
	}
	if _, err := h.rotate(r, in, &RotateInput{Field: r.PostFormValue("field"), Value: r.PostFormValue("value")}); err != nil {
		ae, _ := toAPIError(err)
		if ae.Status >= 500 {
			h.fail(w, r, err)
			return
		}
		msg := ae.Message
		for _, m := range ae.Fields {
			msg = m
		}
		h.showIntegration(w, r, in, ae.Status, nil, func(v *integrationView) { v.Form.Message = "Not regenerated: " + msg })
		return
	}
	h.redirect(w, r, "/integrations/"+in.ID.String(), "Credential regenerated; the old one no longer works.")
}

// pageIntegrationBackup saves the backup provider selection.
func (h *Handler) pageIntegrationBackup(w http.ResponseWriter, r *http.Request) {
	in := h.integrationPage(w, r)
	if in == nil {
		return
	}
	var backup *uuid.UUID
	if v := r.PostFormValue(integration.FieldBackup); v != "" {
		id, err := uuid.Parse(v)
		if err != nil {
			h.fail(w, r, fieldError(integration.FieldBackup, integration.MsgBackupInvalid))
			return
		}
		backup = &id
	}
	if _, err := h.backupSet(r, in, backup); err != nil {
		h.fail(w, r, err)
		return
	}
	msg := "Backup removed."
	if backup != nil {
		msg = "Backup saved: calls fail over to it when the primary fails."
	}
	h.redirect(w, r, "/integrations/"+in.ID.String(), msg)
}

// pageHealthCheckAll is the dashboard's "Health Check All".
func (h *Handler) pageHealthCheckAll(w http.ResponseWriter, r *http.Request) {
	if !h.integrationsPage(w, r, "integrations") {
		return
	}
	list, err := h.apiHealthCheckAll(r, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	failed := 0
	for _, in := range list {
		if in.Status == "error" {
			failed++
		}
	}
	h.redirect(w, r, backTo(r, "/integrations"), "Checked "+itoa(len(list))+" integrations: "+itoa(len(list)-failed)+" passed, "+itoa(failed)+" failed.")
}
