package oauth

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The form's field names (spec §17, OAuth Configuration Form, plus the
// fields of the Custom OAuth 2.0 and Microsoft entries); they key
// [ValidationError.Fields].
const (
	FieldProvider     = "oauthProvider"
	FieldClientID     = "clientId"
	FieldClientSecret = "clientSecret"
	FieldRedirectURI  = "redirectUri"
	FieldScopes       = "scopes"
	FieldTenant       = "tenant"
	FieldAuthURL      = "authUrl"
	FieldTokenURL     = "tokenUrl"
	FieldIssuerURL    = "issuerUrl"
	FieldAuthStyle    = "authStyle"
	FieldOfflineScope = "offlineScope"
	FieldAuthParams   = "authParams"
)

// The spec's messages (§17), and the ones it does not word for the fields
// it does not list.
const (
	MsgProviderRequired     = "Please select an OAuth provider"
	MsgClientIDRequired     = "Client ID is required"
	MsgClientIDInvalid      = "Client ID format is invalid"
	MsgClientSecretRequired = "Client secret is required"
	MsgClientSecretTooLong  = "Client secret must be at most 500 characters"
	MsgScopesRequired       = "Please select at least one permission scope"
	MsgScopeInvalid         = "Permission scope format is invalid"
	MsgTenantInvalid        = "Tenant format is invalid"
	MsgAuthURLRequired      = "Authorization URL is required"
	MsgAuthURLInvalid       = "Authorization URL must be an HTTPS URL"
	MsgTokenURLRequired     = "Token URL is required"
	MsgTokenURLInvalid      = "Token URL must be an HTTPS URL"
	MsgIssuerURLInvalid     = "Issuer URL must be an HTTPS URL"
	MsgAuthStyleInvalid     = `Token authentication must be "header" or "params"`
	MsgOfflineScopeInvalid  = "Offline access scope format is invalid"
	MsgOfflineScopeCustom   = "Offline access scope can be set for a Custom OAuth 2.0 provider only"
	MsgAuthParamsInvalid    = "Authorization parameters must be at most 10 name=value pairs that do not replace the standard ones"
)

// MaxCredentialLen is the longest accepted client ID and client secret.
const MaxCredentialLen = 500

// OfflineScopeNone is the [Settings.OfflineScope] that requests no offline
// scope, even when the issuer's discovery document lists offline_access.
const OfflineScopeNone = "-"

// Limits of [Settings.AuthParams].
const (
	MaxAuthParams        = 10
	MaxAuthParamValueLen = 200
)

// reservedAuthParams are the authorization request parameters this package
// sets; [Settings.AuthParams] may not replace them.
var reservedAuthParams = []string{"response_type", "client_id", "redirect_uri", "scope", "state",
	"code_challenge", "code_challenge_method", "request", "request_uri"}

// Auth styles of [Settings.AuthStyle].
const (
	AuthStyleHeader = "header"
	AuthStyleParams = "params"
)

var (
	clientIDRe  = regexp.MustCompile(`^[A-Za-z0-9.-]+$`)
	tenantRe    = regexp.MustCompile(`^[A-Za-z0-9.-]+$`)
	paramNameRe = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
)

// Settings is an OAuth integration's configuration: the form of spec §17,
// stored (sealed) as the integration's config. The redirect URI is not part
// of it: it is read-only, derived from the host's base URL ([RedirectURI]).
type Settings struct {
	Provider     string   `json:"oauthProvider"`
	ClientID     string   `json:"clientId"`
	ClientSecret string   `json:"clientSecret"`
	Scopes       []string `json:"scopes"`
	// Tenant fills the provider's {tenant}: a Microsoft tenant ID or domain
	// (default "common"), a Salesforce login host (default
	// "login.salesforce.com").
	Tenant string `json:"tenant,omitempty"`
	// AuthURL and TokenURL are the Custom OAuth 2.0 endpoints. Leave them
	// empty and set IssuerURL to read them from the issuer's discovery
	// document.
	AuthURL   string `json:"authUrl,omitempty"`
	TokenURL  string `json:"tokenUrl,omitempty"`
	IssuerURL string `json:"issuerUrl,omitempty"`
	// AuthStyle is how a Custom OAuth 2.0 client authenticates at the token
	// endpoint: "header" (HTTP Basic, RFC 6749's default) or "params". Empty
	// means what the discovery document supports, else "header".
	AuthStyle string `json:"authStyle,omitempty"`
	// DisplayName names a custom provider in messages; empty means "Custom
	// OAuth 2.0".
	DisplayName string `json:"displayName,omitempty"`
	// OfflineScope is the scope a Custom OAuth 2.0 provider needs before
	// it issues a refresh token ("offline_access" for most OpenID
	// providers, "offline" or "refresh_token" for some). Empty means
	// offline_access when the issuer's discovery document lists it (or
	// lists no scopes), and none when the endpoint URLs are given, as an
	// unknown scope makes some providers refuse the request;
	// [OfflineScopeNone] requests none. Only for Custom OAuth 2.0: the
	// other providers' conventions are in the provider table.
	OfflineScope string `json:"offlineScope,omitempty"`
	// AuthParams are extra authorization request parameters, added after
	// the provider's own: a custom provider's offline switch
	// (token_access_type=offline) or an audience. They may not replace the
	// parameters the flow sets (client_id, redirect_uri, scope, state, PKCE,
	// ...). At most [MaxAuthParams].
	AuthParams map[string]string `json:"authParams,omitempty"`
}

// ParseSettings reads Settings from an integration's config JSON.
func ParseSettings(config []byte) (*Settings, error) {
	var s Settings
	if err := json.Unmarshal(config, &s); err != nil {
		return nil, fmt.Errorf("oauth: integration config is not OAuth settings: %w", err)
	}
	return &s, nil
}

// RedirectURI returns the read-only redirect URI of a provider:
// {baseURL}/oauth/callback/{provider}.
func RedirectURI(baseURL, provider string) string {
	return strings.TrimRight(baseURL, "/") + "/oauth/callback/" + url.PathEscape(provider)
}

// Validate checks the settings against the form's rules and returns a
// [*ValidationError] with one message per wrong field, or nil.
func (s *Settings) Validate() error {
	f := map[string]string{}
	p, ok := ProviderByKey(s.Provider)
	if !ok {
		f[FieldProvider] = MsgProviderRequired
	}
	switch {
	case strings.TrimSpace(s.ClientID) == "":
		f[FieldClientID] = MsgClientIDRequired
	case utf8.RuneCountInString(s.ClientID) > MaxCredentialLen || !clientIDRe.MatchString(s.ClientID):
		f[FieldClientID] = MsgClientIDInvalid
	}
	switch {
	case s.ClientSecret == "":
		f[FieldClientSecret] = MsgClientSecretRequired
	case utf8.RuneCountInString(s.ClientSecret) > MaxCredentialLen:
		f[FieldClientSecret] = MsgClientSecretTooLong
	}
	if msg := validateScopes(s.Scopes); msg != "" {
		f[FieldScopes] = msg
	}
	if s.Tenant != "" && !tenantRe.MatchString(s.Tenant) {
		f[FieldTenant] = MsgTenantInvalid
	}
	if ok && p.Custom {
		s.validateCustom(f)
	} else if s.OfflineScope != "" {
		f[FieldOfflineScope] = MsgOfflineScopeCustom
	}
	if !authParamsOK(s.AuthParams) {
		f[FieldAuthParams] = MsgAuthParamsInvalid
	}
	if len(f) == 0 {
		return nil
	}
	return &ValidationError{Fields: f}
}

func validateScopes(scopes []string) string {
	n := 0
	for _, sc := range scopes {
		switch {
		case sc == "":
		case strings.ContainsAny(sc, " \t\r\n\"\\"):
			return MsgScopeInvalid
		default:
			n++
		}
	}
	if n == 0 {
		return MsgScopesRequired
	}
	return ""
}

func (s *Settings) validateCustom(f map[string]string) {
	if s.IssuerURL != "" {
		if !endpointURLOK(s.IssuerURL) {
			f[FieldIssuerURL] = MsgIssuerURLInvalid
		}
	} else {
		checkURL(f, FieldAuthURL, s.AuthURL, MsgAuthURLRequired, MsgAuthURLInvalid)
		checkURL(f, FieldTokenURL, s.TokenURL, MsgTokenURLRequired, MsgTokenURLInvalid)
	}
	if s.AuthStyle != "" && s.AuthStyle != AuthStyleHeader && s.AuthStyle != AuthStyleParams {
		f[FieldAuthStyle] = MsgAuthStyleInvalid
	}
	if s.OfflineScope != "" && s.OfflineScope != OfflineScopeNone && validateScopes([]string{s.OfflineScope}) != "" {
		f[FieldOfflineScope] = MsgOfflineScopeInvalid
	}
}

func authParamsOK(params map[string]string) bool {
	if len(params) > MaxAuthParams {
		return false
	}
	for k, v := range params {
		if !paramNameRe.MatchString(k) || slices.Contains(reservedAuthParams, strings.ToLower(k)) ||
			utf8.RuneCountInString(v) > MaxAuthParamValueLen || !printable(v) {
			return false
		}
	}
	return true
}

// printable reports whether v is valid UTF-8 without control characters.
func printable(v string) bool {
	if !utf8.ValidString(v) {
		return false
	}
	return !strings.ContainsFunc(v, unicode.IsControl)
}

func checkURL(f map[string]string, field, v, required, invalid string) {
	switch {
	case v == "":
		f[field] = required
	case !endpointURLOK(v):
		f[field] = invalid
	}
}

// endpointURLOK accepts absolute https URLs, and http for loopback hosts
// (development and tests).
func endpointURLOK(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		return isLoopback(u.Hostname())
	}
	return false
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// scopes returns the requested scopes: the settings' own, then the
// provider's offline scopes, without blanks or duplicates.
func (s *Settings) scopes(extra []string) []string {
	var out []string
	for _, sc := range append(append([]string(nil), s.Scopes...), extra...) {
		if sc != "" && !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out
}
