package oauth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
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
}

func (c *Connector) endpoint(ctx context.Context, s *Settings) (*endpoint, error) {
	p, _ := ProviderByKey(s.Provider)
	ep := &endpoint{provider: p, name: p.Name}
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
		if s.DisplayName != "" {
			ep.name = s.DisplayName
		}
		var err error
		if offline, err = c.customEndpoint(ctx, s, &oc.Endpoint); err != nil {
			return nil, err
		}
	}
	oc.Scopes = s.scopes(offline)
	ep.oauth2 = oc
	return ep, nil
}

func tenantURL(tmpl, tenant, def string) string {
	if tenant == "" {
		tenant = def
	}
	return strings.ReplaceAll(tmpl, "{tenant}", tenant)
}

// customEndpoint fills a Custom OAuth 2.0 endpoint from the settings or the
// issuer's discovery document, and returns the offline scopes to add
// (offline_access for an OpenID Connect issuer that supports it).
func (c *Connector) customEndpoint(ctx context.Context, s *Settings, e *oauth2.Endpoint) ([]string, error) {
	e.AuthURL, e.TokenURL = s.AuthURL, s.TokenURL
	style := s.AuthStyle
	var offline []string
	if s.IssuerURL != "" {
		d, err := c.discover(ctx, s.IssuerURL)
		if err != nil {
			return nil, err
		}
		e.AuthURL, e.TokenURL = d.AuthorizationEndpoint, d.TokenEndpoint
		if style == "" {
			style = d.authStyle()
		}
		if len(d.ScopesSupported) == 0 || slices.Contains(d.ScopesSupported, "offline_access") {
			offline = []string{"offline_access"}
		}
	}
	e.AuthStyle = oauth2.AuthStyleInHeader
	if style == AuthStyleParams {
		e.AuthStyle = oauth2.AuthStyleInParams
	}
	return offline, nil
}

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
