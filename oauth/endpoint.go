package oauth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"

	"golang.org/x/oauth2"
)

// endpoint is a resolved provider connection: the provider entry, the
// settings and the oauth2 configuration they make.
type endpoint struct {
	provider Provider
	// name is the display name used in messages.
	name   string
	oauth2 *oauth2.Config
	// authParams are the extra authorization request parameters: the
	// provider's, then the settings'.
	authParams map[string]string
}

func (c *Connector) endpoint(ctx context.Context, s *Settings) (*endpoint, error) {
	p, _ := ProviderByKey(s.Provider)
	ep := &endpoint{provider: p, name: displayName(p, s), authParams: maps.Clone(p.AuthParams)}
	if ep.authParams == nil {
		ep.authParams = map[string]string{}
	}
	maps.Copy(ep.authParams, s.AuthParams)
	oc := &oauth2.Config{
		ClientID:     s.ClientID,
		ClientSecret: s.ClientSecret,
		RedirectURL:  RedirectURI(c.cfg.BaseURL, p.Key),
		Endpoint: oauth2.Endpoint{
			AuthURL:   tenantURL(p.AuthURL, s.Tenant, p.DefaultTenant),
			TokenURL:  tenantURL(p.TokenURL, s.Tenant, p.DefaultTenant),
			AuthStyle: p.AuthStyle,
		},
	}
	offline := p.OfflineScopes
	if p.Custom {
		var err error
		if offline, err = c.customEndpoint(ctx, s, &oc.Endpoint); err != nil {
			return nil, err
		}
	}
	oc.Scopes = s.scopes(offline)
	ep.oauth2 = oc
	return ep, nil
}

// displayName is the provider's name in messages: a custom provider's
// DisplayName, else the table's.
func displayName(p Provider, s *Settings) string {
	if p.Custom && s.DisplayName != "" {
		return s.DisplayName
	}
	return p.Name
}

func tenantURL(tmpl, tenant, def string) string {
	if tenant == "" {
		tenant = def
	}
	return strings.ReplaceAll(tmpl, "{tenant}", tenant)
}

// customEndpoint fills a Custom OAuth 2.0 endpoint from the settings or the
// issuer's discovery document, and returns the offline scopes to add.
func (c *Connector) customEndpoint(ctx context.Context, s *Settings, e *oauth2.Endpoint) ([]string, error) {
	e.AuthURL, e.TokenURL = s.AuthURL, s.TokenURL
	style := s.AuthStyle
	var d *discovery
	if s.IssuerURL != "" {
		var err error
		if d, err = c.discover(ctx, s.IssuerURL); err != nil {
			return nil, err
		}
		e.AuthURL, e.TokenURL = d.AuthorizationEndpoint, d.TokenEndpoint
		if style == "" {
			style = d.authStyle()
		}
	}
	e.AuthStyle = oauth2.AuthStyleInHeader
	if style == AuthStyleParams {
		e.AuthStyle = oauth2.AuthStyleInParams
	}
	return customOffline(s, d), nil
}

// customOffline returns a custom provider's offline scope: the settings'
// own, else offline_access when the issuer's discovery document lists it
// or lists no scopes (OpenID Connect Core §11 names it), else none.
func customOffline(s *Settings, d *discovery) []string {
	switch {
	case s.OfflineScope == OfflineScopeNone:
		return nil
	case s.OfflineScope != "":
		return []string{s.OfflineScope}
	case d != nil && (len(d.ScopesSupported) == 0 || slices.Contains(d.ScopesSupported, scopeOfflineAccess)):
		return []string{scopeOfflineAccess}
	}
	return nil
}

// scopeOfflineAccess is OpenID Connect's scope for a refresh token.
const scopeOfflineAccess = "offline_access"

// discovery is the part of an OpenID Connect discovery document this
// package reads.
type discovery struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	ScopesSupported                   []string `json:"scopes_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
}

// authStyle picks client_secret_basic when offered (or when the document is
// silent, as OpenID Connect Discovery defaults to it), else client_secret_post.
func (d *discovery) authStyle() string {
	m := d.TokenEndpointAuthMethodsSupported
	if len(m) == 0 || slices.Contains(m, "client_secret_basic") || !slices.Contains(m, "client_secret_post") {
		return AuthStyleHeader
	}
	return AuthStyleParams
}

// discover fetches (once per Connector) an issuer's discovery document.
func (c *Connector) discover(ctx context.Context, issuer string) (*discovery, error) {
	c.discoMu.Lock()
	d := c.disco[issuer]
	c.discoMu.Unlock()
	if d != nil {
		return d, nil
	}
	d, err := c.fetchDiscovery(ctx, issuer)
	if err != nil {
		return nil, err
	}
	c.discoMu.Lock()
	c.disco[issuer] = d
	c.discoMu.Unlock()
	return d, nil
}

func (c *Connector) fetchDiscovery(ctx context.Context, issuer string) (*discovery, error) {
	u := strings.TrimRight(issuer, "/") + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("oauth: discovery: %w", err)
	}
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("oauth: discovery: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("oauth: discovery of %s: HTTP %d", issuer, resp.StatusCode)
	}
	var d discovery
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&d); err != nil {
		return nil, fmt.Errorf("oauth: discovery of %s: %w", issuer, err)
	}
	if strings.TrimRight(d.Issuer, "/") != strings.TrimRight(issuer, "/") {
		return nil, fmt.Errorf("oauth: discovery of %s names another issuer", issuer)
	}
	if !endpointURLOK(d.AuthorizationEndpoint) || !endpointURLOK(d.TokenEndpoint) {
		return nil, fmt.Errorf("oauth: discovery of %s: endpoints must be HTTPS URLs", issuer)
	}
	return &d, nil
}
