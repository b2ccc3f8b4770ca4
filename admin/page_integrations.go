package admin

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
)

// integrationsView is the list of every integration (§3 "ALL
// INTEGRATIONS") with the health overview.
type integrationsView struct {
	Overview *IntegrationOverview
	Q        string
	// Unconfigured are the catalog's types the organization has none of.
	Unconfigured []*CatalogType
}

// integrationsPage answers a page that needs the Manager, or its
// placeholder.
func (h *Handler) integrationsPage(w http.ResponseWriter, r *http.Request, section string) bool {
	if h.cfg.Integrations == nil {
		h.pagePlaceholder(section)(w, r)
		return false
	}
	return true
}

func (h *Handler) pageIntegrations(w http.ResponseWriter, r *http.Request) {
	if !h.integrationsPage(w, r, "integrations") {
		return
	}
	o, err := h.apiOverview(r, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &integrationsView{Overview: o, Q: r.URL.Query().Get("q")}
	if q := strings.ToLower(v.Q); q != "" {
		var keep []*OverviewItem
		for _, it := range o.Integrations {
			if strings.Contains(strings.ToLower(it.Name+" "+it.TypeName+" "+it.ProviderName), q) {
				keep = append(keep, it)
			}
		}
		o.Integrations = keep
	}
	cat, err := h.apiCatalog(r, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, ct := range cat {
		if contains(o.Unconfigured, ct.Key) {
			v.Unconfigured = append(v.Unconfigured, ct)
		}
	}
	h.render(w, r, "integrations", http.StatusOK, h.newView(w, r, "integrations", "Integrations", v))
}

// addView is "+ Add Integration": the catalog, then a type's providers,
// then the provider's form (§4, §17).
type addView struct {
	Categories []*catalogCategory
	Type       *CatalogType
	Provider   *CatalogProvider
	Form       *integrationForm
	Test       *ConnectionTest
}

// catalogCategory is a heading of the catalog (§2) and its types.
type catalogCategory struct {
	Title string
	Types []*CatalogType
}

// integrationForm is the add or configure form as shown: what was typed
// or stored (credentials masked, or blank on a new form) and the messages.
type integrationForm struct {
	Name          string
	CheckInterval string
	TestEmailTo   string
	Fields        []*formField
	Errors        map[string]string
	// Message is a failure not tied to a field (a failed Test & Save).
	Message string
}

// rateFields are the settings the form shows under "Rate limits" (§4).
var rateFields = []string{integration.SettingRateLimitHour, integration.SettingRateLimitDay}

// Main are the fields of "Connection settings".
func (f *integrationForm) Main() []*formField {
	var out []*formField
	for _, ff := range f.Fields {
		if !contains(rateFields, ff.Name) {
			out = append(out, ff)
		}
	}
	return out
}

// Rate are the fields of "Rate limits".
func (f *integrationForm) Rate() []*formField {
	var out []*formField
	for _, ff := range f.Fields {
		if contains(rateFields, ff.Name) {
			out = append(out, ff)
		}
	}
	return out
}

// providerFields returns a catalog type's provider's fields.
func providerFields(ct *integration.CatalogType, provider string) ([]providers.Field, bool) {
	pi, ok := ct.Provider(provider)
	if !ok || !pi.Installed || pi.Info == nil {
		return nil, false
	}
	return pi.Info.Fields, true
}

// addPage builds the add screen for a type and provider (either may be
// empty).
func (h *Handler) addPage(r *http.Request, typ, provider string) (*addView, []providers.Field, error) {
	v := &addView{}
	if typ == "" {
		cat, err := h.apiCatalog(r, nil)
		if err != nil {
			return nil, nil, err
		}
		for _, ct := range cat {
			if n := len(v.Categories); n == 0 || v.Categories[n-1].Title != ct.CategoryTitle {
				v.Categories = append(v.Categories, &catalogCategory{Title: ct.CategoryTitle})
			}
			c := v.Categories[len(v.Categories)-1]
			c.Types = append(c.Types, ct)
		}
		return v, nil, nil
	}
	ct, err := h.cfg.Integrations.CatalogType(r.Context(), typ)
	if err != nil {
		return nil, nil, err
	}
	v.Type = toCatalogType(ct)
	var installed []*CatalogProvider
	for _, p := range v.Type.Providers {
		if p.Installed && !p.OAuth {
			installed = append(installed, p)
		}
	}
	if provider == "" && len(installed) == 1 {
		provider = installed[0].Name
	}
	for _, p := range v.Type.Providers {
		if p.Name == provider {
			v.Provider = p
		}
	}
	fields, ok := providerFields(ct, provider)
	if !ok || v.Provider.OAuth {
		return v, nil, nil // an OAuth provider is set up on the OAuth screen
	}
	v.Form = &integrationForm{Errors: map[string]string{}, Fields: formFields(fields, nil, nil, false)}
	return v, fields, nil
}

func (h *Handler) pageIntegrationNew(w http.ResponseWriter, r *http.Request) {
	if !h.integrationsPage(w, r, "integrations") {
		return
	}
	q := r.URL.Query()
	v, _, err := h.addPage(r, q.Get("type"), q.Get("provider"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "integration_new", http.StatusOK, h.newView(w, r, "integrations", "Add integration", v))
}

// readIntegrationForm reads a posted add or configure form into the form
// shown back and the API's input.
func readIntegrationForm(r *http.Request, fields []providers.Field) (*integrationForm, *IntegrationInput) {
	f := &integrationForm{Name: r.PostFormValue(integration.FieldName), CheckInterval: r.PostFormValue(integration.FieldCheckInterval),
		TestEmailTo: strings.TrimSpace(r.PostFormValue(integration.FieldTestEmailTo)), Errors: map[string]string{}}
	settings := map[string]string{}
	for k, vs := range r.PostForm {
		if name, ok := strings.CutPrefix(k, "setting."); ok && len(vs) > 0 {
			settings[name] = vs[len(vs)-1]
		}
	}
	// A radio left unchecked sends nothing: it is empty, not its default.
	for _, fd := range fields {
		if _, ok := settings[fd.Name]; !ok && fd.Type == providers.FieldRadio {
			settings[fd.Name] = ""
		}
	}
	in := &IntegrationInput{Name: &f.Name, Settings: settings}
	if f.CheckInterval != "" {
		n, err := atoiStrict(f.CheckInterval)
		if err != nil {
			f.Errors[integration.FieldCheckInterval] = integration.MsgCheckIntervalRange
		} else {
			in.CheckInterval = &n
		}
	}
	return f, in
}

func (h *Handler) pageIntegrationCreate(w http.ResponseWriter, r *http.Request) {
	if !h.integrationsPage(w, r, "integrations") {
		return
	}
	typ, provider := r.PostFormValue(integration.FieldType), r.PostFormValue(integration.FieldProvider)
	v, fields, err := h.addPage(r, typ, provider)
	if err != nil || v.Form == nil {
		if err == nil {
			err = fieldError(integration.FieldProvider, integration.MsgProviderRequired)
		}
		h.fail(w, r, err)
		return
	}
	form, in := readIntegrationForm(r, fields)
	in.Type, in.Provider = typ, v.Provider.Name
	back := "/integrations/new" + queryString("type", typ, "provider", v.Provider.Name)
	action := r.PostFormValue("action")
	status := http.StatusOK
	switch {
	case len(form.Errors) > 0:
		status = http.StatusUnprocessableEntity
	case action == "test" || action == "sendtest":
		t := &ConnectionTestInput{Type: typ, Provider: v.Provider.Name, Settings: in.Settings}
		if action == "sendtest" {
			t.TestEmailTo = form.TestEmailTo
		}
		v.Test, err = h.test(r, uuid.Nil, t)
	default:
		in.TestFirst = action == "testsave"
		saved, cerr := h.integrationCreate(r, in)
		if cerr == nil {
			h.redirect(w, r, "/integrations/"+saved.ID.String(), "Integration added. Health check: "+saved.StatusLabel(h.now())+".")
			return
		}
		err = cerr
	}
	if err != nil {
		status = http.StatusUnprocessableEntity
		if !formErrors(err, form.Errors) {
			ae, _ := toAPIError(err)
			if ae.Status >= 500 {
				h.fail(w, r, err)
				return
			}
			form.Message = ae.Message
		}
	}
	form.Fields = formFields(fields, in.Settings, form.Errors, false)
	v.Form = form
	h.render(w, r, "integration_new", status, h.newView(w, r, "integrations", "Add integration", v).at(h, back))
}

// atoiStrict reads a whole number, spaces around it allowed.
func atoiStrict(s string) (int, error) { return strconv.Atoi(strings.TrimSpace(s)) }
