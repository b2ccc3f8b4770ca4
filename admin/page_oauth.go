package admin

import (
	"errors"
	"maps"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/storage"
)

// oauthListView is the list of OAuth connections (§11).
type oauthListView struct {
	Items []*OAuthIntegration
}

// oauthFormView is the OAuth configuration form (§11, §17) of a new or
// saved integration, with its connection.
type oauthFormView struct {
	ID          uuid.UUID
	Name        string
	Provider    *OAuthProvider
	Providers   []*OAuthProvider
	Targets     []*OAuthTarget
	Target      *OAuthTarget
	Fields      []*formField
	Settings    oauth.Settings
	Errors      map[string]string
	RedirectURI string
	Integration *OAuthIntegration
	Revealed    string
	// typed are the provider's settings a failed post sent.
	typed map[string]string
}

// TargetKey names a target in the form: "type/provider".
func (t *OAuthTarget) TargetKey() string { return t.Type + "/" + t.Provider }

// oauthTarget loads the path's OAuth integration for a page, or answers
// the error and returns nil.
func (h *Handler) oauthTarget(w http.ResponseWriter, r *http.Request) *storage.Integration {
	in, err := h.getOAuth(r)
	if err != nil {
		h.fail(w, r, err)
		return nil
	}
	return in
}

func (h *Handler) oauthPage(w http.ResponseWriter, r *http.Request) bool {
	if h.cfg.OAuth == nil {
		h.fail(w, r, notConfigured("OAuth"))
		return false
	}
	return true
}

func (h *Handler) pageOAuth(w http.ResponseWriter, r *http.Request) {
	if !h.oauthPage(w, r) {
		return
	}
	items, err := h.oauthList(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "oauth", http.StatusOK, h.newView(w, r, "oauth", "OAuth connections", &oauthListView{Items: items}))
}

// oauthForm builds the form for a provider key and a target
// ("type/provider"; empty means the provider's default), with the
// target's own fields holding values (errs their messages).
func (h *Handler) oauthForm(r *http.Request, key, target string, values, errs map[string]string, saved bool) (*oauthFormView, error) {
	v := &oauthFormView{Errors: map[string]string{}}
	var err error
	if v.Providers, err = h.apiOAuthProviders(r, nil); err != nil {
		return nil, err
	}
	for _, p := range v.Providers {
		if p.Key == key {
			v.Provider = p
		}
	}
	if v.Provider == nil {
		v.Provider = v.Providers[0]
	}
	if v.Targets, err = h.oauthTargets(r); err != nil {
		return nil, err
	}
	v.Target = defaultTarget(v.Provider.Key, v.Targets)
	for _, t := range v.Targets {
		if t.TargetKey() == target {
			v.Target = t
		}
	}
	if v.Target != nil {
		ct, err := h.cfg.Integrations.CatalogType(r.Context(), v.Target.Type)
		if err != nil {
			return nil, err
		}
		if pi, ok := ct.Provider(v.Target.Provider); ok && pi.Info != nil {
			v.Fields = formFields(pi.Info.Fields, values, errs, saved)
		}
	}
	v.Settings.Provider = v.Provider.Key
	for _, s := range v.Provider.Scopes {
		if s.Default {
			v.Settings.Scopes = append(v.Settings.Scopes, s.Value)
		}
	}
	v.RedirectURI = oauth.RedirectURI(h.cfg.OAuthBaseURL, v.Provider.Key)
	return v, nil
}

func (h *Handler) pageOAuthNew(w http.ResponseWriter, r *http.Request) {
	if !h.oauthPage(w, r) {
		return
	}
	q := r.URL.Query()
	v, err := h.oauthForm(r, q.Get("provider"), q.Get("target"), nil, nil, false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "oauth_form", http.StatusOK, h.newView(w, r, "oauth", "OAuth integration setup", v))
}

// readOAuthForm reads the posted form: the OAuth settings, the target and
// the target's own fields.
func readOAuthForm(r *http.Request) *OAuthInput {
	f := r.PostFormValue
	in := &OAuthInput{Name: f("name"), Settings: oauth.Settings{Provider: f(oauth.FieldProvider), ClientID: f(oauth.FieldClientID),
		ClientSecret: f(oauth.FieldClientSecret), Scopes: r.PostForm[oauth.FieldScopes], Tenant: f(oauth.FieldTenant),
		AuthURL: f(oauth.FieldAuthURL), TokenURL: f(oauth.FieldTokenURL), IssuerURL: f(oauth.FieldIssuerURL),
		AuthStyle: f(oauth.FieldAuthStyle)}, ProviderSettings: map[string]string{}}
	in.Type, in.Provider, _ = strings.Cut(f("target"), "/")
	in.Scopes = uniqueNonEmpty(in.Scopes)
	for k, vs := range r.PostForm {
		if name, ok := strings.CutPrefix(k, "setting."); ok && len(vs) > 0 {
			in.ProviderSettings[name] = vs[len(vs)-1]
		}
	}
	return in
}

// nameErrors shows the Manager's name message on the form's name field.
func nameErrors(errs map[string]string) {
	if m, ok := errs[integration.FieldName]; ok {
		errs["name"] = m
	}
}

func (h *Handler) pageOAuthCreate(w http.ResponseWriter, r *http.Request) {
	if !h.oauthPage(w, r) {
		return
	}
	in := readOAuthForm(r)
	saved, err := h.oauthCreate(r, in)
	if err != nil {
		errs := map[string]string{}
		if !formErrors(err, errs) {
			h.fail(w, r, err)
			return
		}
		nameErrors(errs)
		v, ferr := h.oauthForm(r, in.Settings.Provider, in.Type+"/"+in.Provider, in.ProviderSettings, errs, false)
		if ferr != nil {
			h.fail(w, r, ferr)
			return
		}
		v.Name, v.Settings, v.Errors = in.Name, in.Settings, errs
		v.Settings.ClientSecret = ""
		h.render(w, r, "oauth_form", http.StatusUnprocessableEntity, h.newView(w, r, "oauth", "OAuth integration setup", v).at(h, "/oauth/new"+queryString("provider", in.Settings.Provider)))
		return
	}
	h.redirect(w, r, "/oauth/"+saved.ID.String(), "Configuration saved. Connect the account to activate it.")
}

// showOAuth renders a saved integration's page; v carries what a failed
// post typed and its messages, or a revealed secret.
func (h *Handler) showOAuth(w http.ResponseWriter, r *http.Request, v *oauthFormView, status int) {
	in := h.oauthTarget(w, r)
	if in == nil {
		return
	}
	oi, err := h.oauthIntegration(r, in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	values, errs := oi.Provided, map[string]string{}
	if v != nil && len(v.Errors) > 0 {
		errs = v.Errors
		values = maps.Clone(oi.Provided)
		maps.Copy(values, v.typed)
	}
	form, err := h.oauthForm(r, oi.Settings.Provider, in.Type+"/"+in.Provider, values, errs, true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	form.ID, form.Name, form.Integration, form.Settings = in.ID, in.Name, oi, oi.Settings
	if v != nil {
		form.Errors, form.Revealed = v.Errors, v.Revealed
		if len(v.Errors) > 0 {
			form.Name, form.Settings = v.Name, v.Settings
		}
	}
	h.render(w, r, "oauth_form", status, h.newView(w, r, "oauth", in.Name, form).at(h, "/oauth/"+in.ID.String()))
}

func (h *Handler) pageOAuthDetail(w http.ResponseWriter, r *http.Request) {
	if h.oauthPage(w, r) {
		h.showOAuth(w, r, nil, http.StatusOK)
	}
}

func (h *Handler) pageOAuthUpdate(w http.ResponseWriter, r *http.Request) {
	cur := h.oauthTarget(w, r)
	if cur == nil {
		return
	}
	in := readOAuthForm(r)
	if _, err := h.oauthUpdate(r, cur, in); err != nil {
		v := &oauthFormView{Errors: map[string]string{}, Name: in.Name, Settings: in.Settings, typed: in.ProviderSettings}
		v.Settings.ClientSecret = r.PostFormValue(oauth.FieldClientSecret)
		if !formErrors(err, v.Errors) {
			h.fail(w, r, err)
			return
		}
		nameErrors(v.Errors)
		h.showOAuth(w, r, v, http.StatusUnprocessableEntity)
		return
	}
	h.redirect(w, r, "/oauth/"+cur.ID.String(), "Configuration saved.")
}

// oauthRedirectView sends the browser to the provider's consent page.
type oauthRedirectView struct {
	URL, Provider string
}

// pageOAuthConnect starts the flow (ADMIN-INT-007 step 1) and sends the
// browser on to the provider by a page (a meta refresh and a link): the
// strict form-action policy would block a redirect answering a form.
func (h *Handler) pageOAuthConnect(w http.ResponseWriter, r *http.Request) {
	in := h.oauthTarget(w, r)
	if in == nil {
		return
	}
	a, err := h.oauthConnect(r, in.ID)
	if err != nil {
		var ve *oauth.ValidationError
		if errors.As(err, &ve) {
			h.showOAuth(w, r, &oauthFormView{Errors: ve.Fields}, http.StatusUnprocessableEntity)
			return
		}
		h.fail(w, r, err)
		return
	}
	s, _, _ := oauthOf(in)
	name := s.Provider
	if p, ok := oauth.ProviderByKey(s.Provider); ok {
		name = p.Name
	}
	h.render(w, r, "oauth_redirect", http.StatusOK, h.newView(w, r, "oauth", "Connecting…", &oauthRedirectView{URL: a.URL, Provider: name}))
}

// pageOAuthConnected is where the host's OAuth callback handler sends the
// browser once the flow completed (its SuccessURL).
func (h *Handler) pageOAuthConnected(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.Parse(r.URL.Query().Get("integration"))
	if err != nil {
		h.redirect(w, r, "/oauth", "")
		return
	}
	msg := "Connected. The tokens are stored encrypted and the integration is active."
	if r.URL.Query().Get("warning") != "" {
		msg = "Connected, with a warning: the provider issued no refresh token. See the status below."
	}
	h.redirect(w, r, "/oauth/"+id.String(), msg)
}

func (h *Handler) pageOAuthDisconnect(w http.ResponseWriter, r *http.Request) {
	if !h.oauthPage(w, r) {
		return
	}
	if !h.confirmed(w, r, "Disconnect this account? Its tokens are deleted; calls fail until it is connected again.", "/oauth/"+r.PathValue("id")) {
		return
	}
	oi, err := h.apiOAuthDisconnect(r, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/oauth/"+oi.ID.String(), "Disconnected.")
}

func (h *Handler) pageOAuthDelete(w http.ResponseWriter, r *http.Request) {
	if !h.oauthPage(w, r) {
		return
	}
	if !h.confirmed(w, r, "Delete this OAuth integration and its tokens?", "/oauth/"+r.PathValue("id")) {
		return
	}
	if _, err := h.apiOAuthDelete(r, nil); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/oauth", "OAuth integration deleted.")
}

func (h *Handler) pageOAuthReveal(w http.ResponseWriter, r *http.Request) {
	in := h.oauthTarget(w, r)
	if in == nil {
		return
	}
	s, err := h.revealClientSecret(r, in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showOAuth(w, r, &oauthFormView{Revealed: s}, http.StatusOK)
}

// uniqueNonEmpty drops empty and repeated values, keeping the order.
func uniqueNonEmpty(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v != "" && !contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
