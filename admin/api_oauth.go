package admin

import (
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
)

// OAuthProvider is an entry of the provider table (§11) with the scopes the
// form offers.
type OAuthProvider struct {
	Key    string       `json:"key"`
	Name   string       `json:"name"`
	Custom bool         `json:"custom,omitempty"`
	Scopes []OAuthScope `json:"scopes"`
	// Type and Provider are the integration a connection of this provider
	// becomes by default: the installed provider of the same name, else
	// the first that uses OAuth. Empty when none is installed.
	Type     string `json:"type,omitempty"`
	Provider string `json:"integrationProvider,omitempty"`
}

// OAuthScope is a scope the form offers; Default ones start checked.
type OAuthScope struct {
	Value   string `json:"value"`
	Label   string `json:"label"`
	Default bool   `json:"default,omitempty"`
}

// OAuthTarget is an installed provider whose calls use an OAuth connection
// ([providers.CapabilityOAuth]): what an OAuth configuration is for.
type OAuthTarget struct {
	Type         string `json:"type"`
	TypeName     string `json:"typeName"`
	Provider     string `json:"integrationProvider"`
	ProviderName string `json:"providerName"`
}

// OAuthIntegration is an integration connected through OAuth: its OAuth
// settings (the client secret masked), the provider's own settings, the
// redirect URI and the connection status.
type OAuthIntegration struct {
	ID           uuid.UUID         `json:"id"`
	Name         string            `json:"name"`
	Type         string            `json:"type"`
	Provider     string            `json:"integrationProvider"`
	Status       string            `json:"status"`
	ErrorMessage string            `json:"errorMessage,omitempty"`
	Settings     oauth.Settings    `json:"settings"`
	Provided     map[string]string `json:"providerSettings"`
	RedirectURI  string            `json:"redirectUri"`
	Connection   *OAuthConnection  `json:"connection"`
}

// OAuthConnection is the state of the connection (oauth.Connector.Status);
// it holds no token.
type OAuthConnection struct {
	State        string     `json:"state"`
	Message      string     `json:"message,omitempty"`
	ProviderName string     `json:"providerName"`
	RefreshToken bool       `json:"refreshToken"`
	ExpiresAt    *time.Time `json:"expiresAt,omitempty"`
	Scopes       []string   `json:"scopes"`
	ConnectedAt  *time.Time `json:"connectedAt,omitempty"`
	ConnectedBy  *uuid.UUID `json:"connectedBy,omitempty"`
	LastRefresh  *time.Time `json:"lastRefresh,omitempty"`
}

// OAuthInput is the OAuth configuration form (§17), with the integration
// it configures. On update an empty or still-masked clientSecret keeps the
// stored one, and the type and provider cannot change.
type OAuthInput struct {
	// Name of the integration; empty means "<Provider> connection".
	Name string `json:"name,omitempty"`
	// Type and Provider name the installed provider that uses the
	// connection (an OAuthTarget); empty means the OAuth provider's
	// default (OAuthProvider.Type and Provider).
	Type     string `json:"type,omitempty"`
	Provider string `json:"integrationProvider,omitempty"`
	// ProviderSettings are the provider's own settings (a calendar ID...).
	ProviderSettings map[string]string `json:"providerSettings,omitempty"`
	oauth.Settings
}

// Authorization is where to send the admin to grant access (§11 step 2).
type Authorization struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expiresAt"`
}

func (h *Handler) oauthOps() []*operation {
	return []*operation{
		op(h, "GET", "/api/oauth/providers", "oauthProviderList", "oauth", "The OAuth providers and their scopes (§11).", 200, h.apiOAuthProviders),
		op(h, "GET", "/api/oauth/targets", "oauthTargetList", "oauth", "The installed providers that use an OAuth connection.", 200, h.apiOAuthTargets),
		op(h, "GET", "/api/oauth/integrations", "oauthIntegrationList", "oauth", "Integrations connected through OAuth, with their status.", 200, h.apiOAuthList),
		op(h, "POST", "/api/oauth/integrations", "oauthIntegrationCreate", "oauth", "Save an OAuth configuration (§17 form) through the Manager.", 201, h.apiOAuthCreate),
		op(h, "GET", "/api/oauth/integrations/{id}", "oauthIntegrationGet", "oauth", "One OAuth integration, client secret masked.", 200, h.apiOAuthGet),
		op(h, "PUT", "/api/oauth/integrations/{id}", "oauthIntegrationUpdate", "oauth", "Change the configuration; a masked secret keeps its value.", 200, h.apiOAuthUpdate),
		op(h, "DELETE", "/api/oauth/integrations/{id}", "oauthIntegrationDelete", "oauth", "Delete the integration and its tokens.", 204, h.apiOAuthDelete),
		op(h, "POST", "/api/oauth/integrations/{id}/connect", "oauthConnect", "oauth", "Start connecting (or reconnecting): the consent URL (ADMIN-INT-007).", 200, h.apiOAuthConnect),
		op(h, "POST", "/api/oauth/integrations/{id}/disconnect", "oauthDisconnect", "oauth", "Delete the tokens; the integration becomes inactive.", 200, h.apiOAuthDisconnect),
		op(h, "POST", "/api/oauth/integrations/{id}/secret/reveal", "oauthSecretReveal", "oauth", "Show the client secret; written to the audit log.", 200, h.apiOAuthReveal),
	}
}

// oauthOn answers 501 when the host configured no Connector.
func (h *Handler) oauthOn() error {
	if h.cfg.OAuth == nil {
		return notConfigured("OAuth")
	}
	return nil
}

// oauthTargets lists the installed providers that use OAuth, in catalog
// order.
func (h *Handler) oauthTargets(r *http.Request) ([]*OAuthTarget, error) {
	cat, err := h.cfg.Integrations.Catalog(r.Context())
	if err != nil {
		return nil, err
	}
	out := []*OAuthTarget{}
	for _, ct := range cat {
		for _, p := range ct.Providers {
			if p.Installed && p.Info != nil && p.Info.Has(providers.CapabilityOAuth) {
				out = append(out, &OAuthTarget{Type: ct.Entry.Key, TypeName: ct.Entry.Name, Provider: p.Name, ProviderName: p.DisplayName})
			}
		}
	}
	return out, nil
}

func (h *Handler) apiOAuthTargets(r *http.Request, _ *none) ([]*OAuthTarget, error) {
	if err := h.oauthOn(); err != nil {
		return nil, err
	}
	return h.oauthTargets(r)
}

// defaultTarget is the target of an OAuth provider: the installed provider
// of the same name, else the first.
func defaultTarget(key string, targets []*OAuthTarget) *OAuthTarget {
	for _, t := range targets {
		if t.Provider == key {
			return t
		}
	}
	if len(targets) > 0 {
		return targets[0]
	}
	return nil
}

func (h *Handler) apiOAuthProviders(r *http.Request, _ *none) ([]*OAuthProvider, error) {
	var targets []*OAuthTarget
	if h.cfg.Integrations != nil {
		var err error
		if targets, err = h.oauthTargets(r); err != nil {
			return nil, err
		}
	}
	out := []*OAuthProvider{}
	for _, p := range oauth.Providers() {
		op := &OAuthProvider{Key: p.Key, Name: p.Name, Custom: p.Custom, Scopes: []OAuthScope{}}
		if t := defaultTarget(p.Key, targets); t != nil {
			op.Type, op.Provider = t.Type, t.Provider
		}
		for _, s := range p.Scopes {
			op.Scopes = append(op.Scopes, OAuthScope{Value: s.Value, Label: s.Label, Default: s.Default})
		}
		out = append(out, op)
	}
	return out, nil
}

// oauthOf reads an integration's OAuth settings, or reports it has none.
func oauthOf(in *storage.Integration) (*oauth.Settings, providers.Settings, bool) {
	s, err := storedSettings(in)
	if err != nil || s[oauth.FieldProvider] == "" {
		return nil, nil, false
	}
	return integration.OAuthSettings(s), s, true
}

// oauthIntegration loads an integration's connection status.
func (h *Handler) oauthIntegration(r *http.Request, in *storage.Integration) (*OAuthIntegration, error) {
	s, all, ok := oauthOf(in)
	if !ok {
		return nil, errNotFound
	}
	s.ClientSecret = secret.Mask(s.ClientSecret)
	provided := map[string]string{}
	for k, v := range maskedSettings(all, nil) {
		if !isOAuthKey(k) {
			provided[k] = v
		}
	}
	out := &OAuthIntegration{ID: in.ID, Name: in.Name, Type: in.Type, Provider: in.Provider, Status: string(in.Status),
		ErrorMessage: in.ErrorMessage, Settings: *s, Provided: provided, RedirectURI: oauth.RedirectURI(h.cfg.OAuthBaseURL, s.Provider)}
	if out.Settings.Scopes == nil {
		out.Settings.Scopes = []string{}
	}
	st, err := h.cfg.OAuth.Status(r.Context(), org(r), in.ID)
	if err != nil {
		return nil, err
	}
	out.Connection = &OAuthConnection{State: string(st.State), Message: st.Message, ProviderName: st.ProviderName,
		RefreshToken: st.RefreshToken, ExpiresAt: st.ExpiresAt, Scopes: st.Scopes, ConnectedAt: st.ConnectedAt,
		ConnectedBy: st.ConnectedBy, LastRefresh: st.LastRefresh}
	if out.Connection.Scopes == nil {
		out.Connection.Scopes = []string{}
	}
	return out, nil
}

// oauthList lists the organization's OAuth integrations (every page).
func (h *Handler) oauthList(r *http.Request) ([]*OAuthIntegration, error) {
	out := []*OAuthIntegration{}
	cursor := ""
	for {
		page, err := h.cfg.Store.IntegrationList(r.Context(), &storage.IntegrationListParams{OrganizationID: org(r), Limit: storage.LimitMax, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, in := range page.Items {
			if _, _, ok := oauthOf(in); !ok {
				continue
			}
			oi, err := h.oauthIntegration(r, in)
			if err != nil {
				return nil, err
			}
			out = append(out, oi)
		}
		if cursor = page.Next; cursor == "" {
			return out, nil
		}
	}
}

func (h *Handler) apiOAuthList(r *http.Request, _ *none) ([]*OAuthIntegration, error) {
	if err := h.oauthOn(); err != nil {
		return nil, err
	}
	return h.oauthList(r)
}

// getOAuth loads the path's integration, which must be an OAuth one.
func (h *Handler) getOAuth(r *http.Request) (*storage.Integration, error) {
	if err := h.oauthOn(); err != nil {
		return nil, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	in, err := h.cfg.Store.IntegrationGet(r.Context(), org(r), id)
	if err != nil {
		return nil, err
	}
	if _, _, ok := oauthOf(in); !ok {
		return nil, errNotFound
	}
	return in, nil
}

func (h *Handler) apiOAuthGet(r *http.Request, _ *none) (*OAuthIntegration, error) {
	in, err := h.getOAuth(r)
	if err != nil {
		return nil, err
	}
	return h.oauthIntegration(r, in)
}

func (h *Handler) apiOAuthCreate(r *http.Request, in *OAuthInput) (*OAuthIntegration, error) {
	if err := h.oauthOn(); err != nil {
		return nil, err
	}
	saved, err := h.oauthCreate(r, in)
	if err != nil {
		return nil, err
	}
	return h.oauthIntegration(r, saved)
}

// oauthCreate checks the OAuth form, then creates the integration through
// the Manager, which validates the provider's own settings and checks it
// (it stays in error until the account is connected).
func (h *Handler) oauthCreate(r *http.Request, in *OAuthInput) (*storage.Integration, error) {
	if err := in.Settings.Validate(); err != nil {
		return nil, err
	}
	targets, err := h.oauthTargets(r)
	if err != nil {
		return nil, err
	}
	t := defaultTarget(in.Settings.Provider, targets)
	if in.Provider != "" || in.Type != "" {
		t = nil
		for _, c := range targets {
			if c.Provider == in.Provider && (in.Type == "" || c.Type == in.Type) {
				t = c
			}
		}
	}
	if t == nil {
		return nil, fieldError(integration.FieldProvider, msgNoOAuthTarget)
	}
	name := strings.TrimSpace(in.Name)
	if p, ok := oauth.ProviderByKey(in.Settings.Provider); ok && name == "" {
		name = p.Name + " connection"
	}
	settings := providers.Settings{}
	for k, v := range in.ProviderSettings {
		if !isOAuthKey(k) {
			settings[k] = v
		}
	}
	for k, v := range oauthSettingsMap(&in.Settings) {
		settings[k] = v
	}
	saved, err := h.cfg.Integrations.IntegrationCreate(r.Context(), &integration.CreateParams{OrganizationID: org(r),
		Type: t.Type, Provider: t.Provider, Name: name, Settings: settings})
	if err != nil {
		return nil, err
	}
	_ = h.audit(r, "oauthIntegrationCreate", "oauth", saved.ID, in.Settings.Provider)
	return h.cfg.Store.IntegrationGet(r.Context(), org(r), saved.ID)
}

// msgNoOAuthTarget refuses an OAuth configuration no installed provider
// can use.
const msgNoOAuthTarget = "No installed provider uses this OAuth connection"

func (h *Handler) apiOAuthUpdate(r *http.Request, in *OAuthInput) (*OAuthIntegration, error) {
	cur, err := h.getOAuth(r)
	if err != nil {
		return nil, err
	}
	saved, err := h.oauthUpdate(r, cur, in)
	if err != nil {
		return nil, err
	}
	return h.oauthIntegration(r, saved)
}

// oauthUpdate saves a changed form through the Manager; a secret left
// masked or empty keeps the stored one, and the provider's own settings
// not sent keep theirs. A change of OAuth provider or of integration
// needs a new connection, so it is refused: delete and add instead.
func (h *Handler) oauthUpdate(r *http.Request, cur *storage.Integration, in *OAuthInput) (*storage.Integration, error) {
	old, stored, _ := oauthOf(cur)
	if in.ClientSecret == "" || in.ClientSecret == secret.Mask(old.ClientSecret) {
		in.ClientSecret = old.ClientSecret
	}
	if in.Settings.Provider != old.Provider && in.Settings.Provider != "" {
		return nil, fieldError(oauth.FieldProvider, "The provider cannot be changed; add a new OAuth integration instead")
	}
	if in.Settings.Provider == "" {
		in.Settings.Provider = old.Provider
	}
	if err := in.Settings.Validate(); err != nil {
		return nil, err
	}
	settings := providers.Settings{}
	for k, v := range stored {
		if !isOAuthKey(k) {
			settings[k] = v
		}
	}
	for k, v := range unmask(in.ProviderSettings, stored) {
		if !isOAuthKey(k) {
			settings[k] = v
		}
	}
	for k, v := range oauthSettingsMap(&in.Settings) {
		settings[k] = v
	}
	p := &integration.UpdateParams{OrganizationID: org(r), ID: cur.ID, Settings: settings}
	if name := strings.TrimSpace(in.Name); name != "" {
		p.Name = &name
	}
	if _, err := h.cfg.Integrations.IntegrationUpdate(r.Context(), p); err != nil {
		return nil, err
	}
	_ = h.audit(r, "oauthIntegrationUpdate", "oauth", cur.ID, "")
	return h.cfg.Store.IntegrationGet(r.Context(), org(r), cur.ID)
}

func (h *Handler) apiOAuthDelete(r *http.Request, _ *none) (none, error) {
	in, err := h.getOAuth(r)
	if err != nil {
		return none{}, err
	}
	if err := h.cfg.OAuth.Disconnect(r.Context(), org(r), in.ID); err != nil {
		return none{}, err
	}
	if err := h.cfg.Integrations.IntegrationDelete(r.Context(), org(r), in.ID); err != nil {
		return none{}, err
	}
	return none{}, h.auditChange(r, "oauthIntegrationDelete", "oauth", in.ID)
}

func (h *Handler) apiOAuthConnect(r *http.Request, _ *none) (*Authorization, error) {
	in, err := h.getOAuth(r)
	if err != nil {
		return nil, err
	}
	return h.oauthConnect(r, in.ID)
}

func (h *Handler) oauthConnect(r *http.Request, id uuid.UUID) (*Authorization, error) {
	p := principalOf(r.Context())
	user := p.UserID
	a, err := h.cfg.OAuth.Start(r.Context(), &oauth.StartParams{OrganizationID: p.OrganizationID, IntegrationID: id, UserID: &user})
	if err != nil {
		return nil, err
	}
	_ = h.audit(r, "oauthConnect", "oauth", id, "")
	return &Authorization{URL: a.URL, ExpiresAt: a.ExpiresAt}, nil
}

func (h *Handler) apiOAuthDisconnect(r *http.Request, _ *none) (*OAuthIntegration, error) {
	in, err := h.getOAuth(r)
	if err != nil {
		return nil, err
	}
	if err := h.cfg.OAuth.Disconnect(r.Context(), org(r), in.ID); err != nil {
		return nil, err
	}
	_ = h.audit(r, "oauthDisconnect", "oauth", in.ID, "")
	if in, err = h.cfg.Store.IntegrationGet(r.Context(), org(r), in.ID); err != nil {
		return nil, err
	}
	return h.oauthIntegration(r, in)
}

func (h *Handler) apiOAuthReveal(r *http.Request, _ *none) (*Secret, error) {
	in, err := h.getOAuth(r)
	if err != nil {
		return nil, err
	}
	s, err := h.revealClientSecret(r, in)
	if err != nil {
		return nil, err
	}
	return &Secret{Secret: s}, nil
}

// revealClientSecret shows a client secret once the audit log has it.
func (h *Handler) revealClientSecret(r *http.Request, in *storage.Integration) (string, error) {
	s, _, ok := oauthOf(in)
	if !ok {
		return "", errNotFound
	}
	if err := h.audit(r, AuditSecretShown, "oauth", in.ID, "clientSecret"); err != nil {
		return "", errAuditFailed
	}
	return s.ClientSecret, nil
}
