package admin

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/oauth"
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
	// Type is the integration type a connection of this provider gets.
	Type string `json:"type"`
}

// OAuthScope is a scope the form offers; Default ones start checked.
type OAuthScope struct {
	Value   string `json:"value"`
	Label   string `json:"label"`
	Default bool   `json:"default,omitempty"`
}

// OAuthIntegration is an integration connected through OAuth: its settings
// (the client secret masked), redirect URI and connection status.
type OAuthIntegration struct {
	ID           uuid.UUID        `json:"id"`
	Name         string           `json:"name"`
	Type         string           `json:"type"`
	Status       string           `json:"status"`
	ErrorMessage string           `json:"errorMessage,omitempty"`
	Settings     oauth.Settings   `json:"settings"`
	RedirectURI  string           `json:"redirectUri"`
	Connection   *OAuthConnection `json:"connection"`
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

// OAuthInput is the OAuth configuration form (§17). On update an empty or
// still-masked clientSecret keeps the stored one.
type OAuthInput struct {
	// Name of the integration; empty means "<Provider> connection".
	Name string `json:"name,omitempty"`
	// Type of the integration; empty means the provider's (OAuthProvider.Type).
	Type string `json:"type,omitempty"`
	oauth.Settings
}

// Authorization is where to send the admin to grant access (§11 step 2).
type Authorization struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// providerTypes maps a provider to the integration type of §2 it serves.
var providerTypes = map[string]string{
	oauth.ProviderGoogle: "calendar", oauth.ProviderMicrosoft: "calendar", oauth.ProviderZoom: "video",
	oauth.ProviderSalesforce: "crm", oauth.ProviderLinkedIn: "job_boards", oauth.ProviderCustom: "custom",
}

func (h *Handler) oauthOps() []*operation {
	return []*operation{
		op(h, "GET", "/api/oauth/providers", "oauthProviderList", "oauth", "The OAuth providers and their scopes (§11).", 200, h.apiOAuthProviders),
		op(h, "GET", "/api/oauth/integrations", "oauthIntegrationList", "oauth", "Integrations connected through OAuth, with their status.", 200, h.apiOAuthList),
		op(h, "POST", "/api/oauth/integrations", "oauthIntegrationCreate", "oauth", "Save an OAuth configuration (§17 form).", 201, h.apiOAuthCreate),
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

func (h *Handler) apiOAuthProviders(*http.Request, *none) ([]*OAuthProvider, error) {
	out := []*OAuthProvider{}
	for _, p := range oauth.Providers() {
		op := &OAuthProvider{Key: p.Key, Name: p.Name, Custom: p.Custom, Scopes: []OAuthScope{}, Type: providerTypes[p.Key]}
		for _, s := range p.Scopes {
			op.Scopes = append(op.Scopes, OAuthScope{Value: s.Value, Label: s.Label, Default: s.Default})
		}
		out = append(out, op)
	}
	return out, nil
}

// isOAuth reports whether an integration is served by an OAuth provider.
func isOAuth(in *storage.Integration) bool {
	_, ok := oauth.ProviderByKey(in.Provider)
	return ok
}

// oauthIntegration loads one integration and its connection status.
func (h *Handler) oauthIntegration(r *http.Request, in *storage.Integration) (*OAuthIntegration, error) {
	s, err := oauth.ParseSettings(in.Config)
	if err != nil {
		s = &oauth.Settings{Provider: in.Provider}
	}
	s.ClientSecret = secret.Mask(s.ClientSecret)
	out := &OAuthIntegration{ID: in.ID, Name: in.Name, Type: in.Type, Status: string(in.Status), ErrorMessage: in.ErrorMessage,
		Settings: *s, RedirectURI: oauth.RedirectURI(h.cfg.OAuthBaseURL, in.Provider)}
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
			if !isOAuth(in) {
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
	if !isOAuth(in) {
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

// oauthConfig validates the form and returns the integration's config.
func oauthConfig(in *OAuthInput) (json.RawMessage, error) {
	if err := in.Settings.Validate(); err != nil {
		return nil, err
	}
	return json.Marshal(&in.Settings)
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

func (h *Handler) oauthCreate(r *http.Request, in *OAuthInput) (*storage.Integration, error) {
	cfg, err := oauthConfig(in)
	if err != nil {
		return nil, err
	}
	name, typ := in.Name, in.Type
	if p, ok := oauth.ProviderByKey(in.Provider); ok && name == "" {
		name = p.Name + " connection"
	}
	if typ == "" {
		typ = providerTypes[in.Provider]
	}
	saved, err := h.cfg.Store.IntegrationCreate(r.Context(), &storage.IntegrationCreateParams{
		OrganizationID: org(r), Type: typ, Provider: in.Provider, Name: name, Config: cfg,
	})
	if err == nil {
		_ = h.audit(r, "oauthIntegrationCreate", "oauth", saved.ID, in.Provider)
	}
	return saved, err
}

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

// oauthUpdate saves a changed form; a secret left masked or empty keeps the
// stored one. A change of provider needs a new connection, so it is
// refused: delete and add instead.
func (h *Handler) oauthUpdate(r *http.Request, cur *storage.Integration, in *OAuthInput) (*storage.Integration, error) {
	old, err := oauth.ParseSettings(cur.Config)
	if err != nil {
		return nil, err
	}
	if in.ClientSecret == "" || in.ClientSecret == secret.Mask(old.ClientSecret) {
		in.ClientSecret = old.ClientSecret
	}
	if in.Provider != cur.Provider && in.Provider != "" {
		return nil, fieldError(oauth.FieldProvider, "The provider cannot be changed; add a new OAuth integration instead")
	}
	cfg, err := oauthConfig(in)
	if err != nil {
		return nil, err
	}
	p := &storage.IntegrationUpdateParams{OrganizationID: org(r), ID: cur.ID, Config: cfg}
	if in.Name != "" {
		p.Name = &in.Name
	}
	saved, err := h.cfg.Store.IntegrationUpdate(r.Context(), p)
	if err == nil {
		_ = h.audit(r, "oauthIntegrationUpdate", "oauth", cur.ID, "")
	}
	return saved, err
}

func (h *Handler) apiOAuthDelete(r *http.Request, _ *none) (none, error) {
	in, err := h.getOAuth(r)
	if err != nil {
		return none{}, err
	}
	if err := h.cfg.OAuth.Disconnect(r.Context(), org(r), in.ID); err != nil {
		return none{}, err
	}
	if err := h.cfg.Store.IntegrationDelete(r.Context(), org(r), in.ID); err != nil {
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
	s, err := oauth.ParseSettings(in.Config)
	if err != nil {
		return "", err
	}
	if err := h.audit(r, AuditSecretShown, "oauth", in.ID, "clientSecret"); err != nil {
		return "", errAuditFailed
	}
	return s.ClientSecret, nil
}
