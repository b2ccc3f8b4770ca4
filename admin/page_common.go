package admin

import (
	"net/http"
	"net/url"
)

// confirmView is the confirmation page of a destructive action, for
// browsers without JavaScript (with it, a dialog asks instead).
type confirmView struct {
	Question string
	Action   string
	Fields   url.Values
	Back     string
}

// confirmed reports whether a destructive form was confirmed; if not, it
// shows the confirmation page, which posts the same form again.
func (h *Handler) confirmed(w http.ResponseWriter, r *http.Request, question, back string) bool {
	if r.PostFormValue("confirm") == "yes" {
		return true
	}
	fields := url.Values{}
	for k, v := range r.PostForm {
		if k != csrfField && k != "confirm" {
			fields[k] = v
		}
	}
	h.render(w, r, "confirm", http.StatusOK, h.newView(w, r, "", "Please confirm",
		&confirmView{Question: question, Action: r.URL.Path, Fields: fields, Back: back}))
	return false
}

// placeholderView describes a screen whose backend is not configured yet.
type placeholderView struct {
	Heading, Spec, What, Needs string
}

var placeholders = map[string]*placeholderView{
	"integrations": {Heading: "Integrations", Spec: "§3 dashboard, §4 configure, §5 health",
		What:  "The integration dashboard (health overview, critical alerts, all integrations), the add and configure forms with Test Connection and Test & Save, and each integration's health, metrics and troubleshooting.",
		Needs: "the integration Manager (admin.Config.Integrations)"},
	"api": {Heading: "API access & monitoring", Spec: "§7",
		What:  "API usage of the last 24 hours, rate limits, throttled requests and API tokens (create, rotate, revoke).",
		Needs: "API access (admin.Config.APIAccess)"},
	"logs": {Heading: "Integration logs", Spec: "§8",
		What:  "Integration logs with time range, level and search, auto-refresh and export.",
		Needs: "the integration Manager (admin.Config.Integrations)"},
}

// pagePlaceholder serves a screen that comes with a backend the host has
// not configured (the integration Manager, API access).
func (h *Handler) pagePlaceholder(section string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := placeholders[section]
		h.render(w, r, "placeholder", http.StatusOK, h.newView(w, r, section, p.Heading, p))
	}
}
