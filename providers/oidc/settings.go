package oidc

import (
	"errors"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/intimeos/integrations/providers"
)

// The presets of [FieldPreset]: the identity provider the integration
// signs in with.
const (
	// PresetOkta derives the issuer from an Okta domain and authorization
	// server: https://{domain}/oauth2/{server}, or https://{domain} for the
	// org authorization server.
	PresetOkta = "Okta"
	// PresetAuth0 derives the issuer from an Auth0 tenant domain:
	// https://{domain}/, with the trailing slash Auth0 puts in its iss.
	PresetAuth0 = "Auth0"
	// PresetCustom takes the issuer URL as given, exactly.
	PresetCustom = "Custom OpenID Connect"
)

// The settings keys.
const (
	// FieldPreset is one of [PresetOkta], [PresetAuth0] or [PresetCustom]
	// (required).
	FieldPreset = "ssoProvider"
	// FieldDomain is the Okta org or custom domain (dev-123456.okta.com)
	// or the Auth0 tenant or custom domain (acme.us.auth0.com); required
	// for Okta and Auth0, ignored for Custom OpenID Connect.
	FieldDomain = "domain"
	// FieldAuthServer is the Okta authorization server: its ID, "default"
	// (the default custom server, the default) or [OktaOrgServer] for the
	// org authorization server. Okta only.
	FieldAuthServer = "authServer"
	// FieldIssuerURL is the issuer of a Custom OpenID Connect provider,
	// exactly as its ID tokens' iss says it (a trailing slash matters);
	// required for Custom, ignored otherwise.
	FieldIssuerURL = "issuerUrl"
	// FieldClientID is the client (application) ID (required, §17's rule:
	// letters, digits, dashes and dots, at most 500 characters).
	FieldClientID = "clientId"
	// FieldClientSecret is the client secret (required, secret). It also
	// keys the sealed flows and sessions: rotating it ends the sign-ins in
	// progress and the logout hints of open sessions.
	FieldClientSecret = "clientSecret"
	// FieldScopes are the scopes requested, separated by spaces or commas
	// (default [DefaultScopes]; openid is always requested).
	FieldScopes = "scopes"
	// FieldAllowedDomains, if set, limits sign-in to users whose verified
	// email address is in one of these domains (comma-separated).
	FieldAllowedDomains = "allowedDomains"
	// FieldAllowedGroups, if set, limits sign-in to members of at least one
	// of these groups (comma-separated), read from [FieldGroupsClaim].
	FieldAllowedGroups = "allowedGroups"
	// FieldGroupsClaim names the claim that lists the user's groups
	// (default [DefaultGroupsClaim]; Auth0 needs a namespaced custom claim
	// such as https://intime.example/groups).
	FieldGroupsClaim = "groupsClaim"
	// FieldTokenAuthMethod is how the client authenticates at the token
	// endpoint: [AuthMethodBasic] or [AuthMethodPost]. Empty means POST
	// for Auth0 (its applications' default) and Basic otherwise, unless
	// the issuer supports only POST.
	FieldTokenAuthMethod = "tokenAuthMethod"
)

// Defaults and special values of the settings.
const (
	DefaultScopes      = "openid email profile"
	DefaultGroupsClaim = "groups"
	DefaultAuthServer  = "default"
	// OktaOrgServer selects Okta's org authorization server, whose issuer
	// is the domain itself.
	OktaOrgServer = "org"
	// AuthMethodBasic sends the client credentials with HTTP Basic auth
	// (RFC 6749 §2.3.1; client_secret_basic).
	AuthMethodBasic = "client_secret_basic"
	// AuthMethodPost sends them in the form body (client_secret_post).
	AuthMethodPost = "client_secret_post"
)

// The settings' validation messages; the client ID's and secret's are
// §17's (OAuth Configuration Form).
const (
	msgPresetEmpty       = "Please select an SSO provider"
	msgPresetInvalid     = "Please select Okta, Auth0 or Custom OpenID Connect"
	msgDomainEmpty       = "Domain is required"
	msgDomainInvalid     = "Please enter a domain only, such as dev-123456.okta.com or acme.us.auth0.com"
	msgAuthServerInvalid = "Authorization server ID format is invalid"
	msgIssuerEmpty       = "Issuer URL is required"
	msgIssuerInvalid     = "Issuer URL must be an HTTPS URL"
	msgClientIDEmpty     = "Client ID is required"
	msgClientIDInvalid   = "Client ID format is invalid"
	msgSecretEmpty       = "Client secret is required"
	msgSecretTooLong     = "Client secret must be at most 500 characters"
	msgScopesInvalid     = "Permission scope format is invalid"
	msgDomainsInvalid    = "Allowed email domains must be domain names separated by commas"
	msgGroupsInvalid     = "Allowed groups must be group names separated by commas"
	msgGroupsClaim       = "Groups claim name format is invalid"
	msgAuthMethod        = "Token authentication must be client_secret_basic or client_secret_post"
)

// maxCredentialLen is §17's limit on the client ID and secret.
const maxCredentialLen = 500

func fields() []providers.Field {
	return []providers.Field{
		{Name: FieldPreset, Label: "SSO Provider", Type: providers.FieldSelect, Required: true,
			Options:  []string{PresetOkta, PresetAuth0, PresetCustom},
			Messages: providers.FieldMessages{Empty: msgPresetEmpty, Invalid: msgPresetInvalid}},
		{Name: FieldDomain, Label: "Domain", Type: providers.FieldHost, MaxLength: 253, Placeholder: "dev-123456.okta.com",
			Messages: providers.FieldMessages{Invalid: msgDomainInvalid, TooLong: msgDomainInvalid}},
		{Name: FieldAuthServer, Label: "Okta Authorization Server", Type: providers.FieldText, MaxLength: 64,
			Default: DefaultAuthServer, Placeholder: DefaultAuthServer, Pattern: `[A-Za-z0-9]+`,
			Messages: providers.FieldMessages{Invalid: msgAuthServerInvalid, TooLong: msgAuthServerInvalid}},
		{Name: FieldIssuerURL, Label: "Issuer URL", Type: providers.FieldURL, MaxLength: 500,
			Placeholder: "https://login.example.com/realms/staff",
			Messages:    providers.FieldMessages{Invalid: msgIssuerInvalid, TooLong: msgIssuerInvalid}},
		{Name: FieldClientID, Label: "Client ID", Type: providers.FieldText, Required: true, MaxLength: maxCredentialLen,
			Placeholder: "0oa1b2c3d4e5f6g7h8i9", Pattern: `[A-Za-z0-9.-]+`,
			Messages: providers.FieldMessages{Empty: msgClientIDEmpty, Invalid: msgClientIDInvalid, TooLong: msgClientIDInvalid}},
		{Name: FieldClientSecret, Label: "Client Secret", Type: providers.FieldPassword, Required: true, Secret: true,
			MaxLength: maxCredentialLen, Messages: providers.FieldMessages{Empty: msgSecretEmpty, TooLong: msgSecretTooLong}},
		{Name: FieldScopes, Label: "Scopes", Type: providers.FieldText, MaxLength: 500, Default: DefaultScopes,
			Placeholder: DefaultScopes, Messages: providers.FieldMessages{Invalid: msgScopesInvalid, TooLong: msgScopesInvalid}},
		{Name: FieldAllowedDomains, Label: "Allowed Email Domains", Type: providers.FieldText, MaxLength: 1000,
			Placeholder: "example.com, example.org",
			Messages:    providers.FieldMessages{Invalid: msgDomainsInvalid, TooLong: msgDomainsInvalid}},
		{Name: FieldAllowedGroups, Label: "Allowed Groups", Type: providers.FieldText, MaxLength: 2000,
			Placeholder: "Recruiters, Staffing Admins",
			Messages:    providers.FieldMessages{Invalid: msgGroupsInvalid, TooLong: msgGroupsInvalid}},
		{Name: FieldGroupsClaim, Label: "Groups Claim", Type: providers.FieldText, MaxLength: 200,
			Default: DefaultGroupsClaim, Placeholder: DefaultGroupsClaim, Pattern: `[A-Za-z0-9_:./-]+`,
			Messages: providers.FieldMessages{Invalid: msgGroupsClaim, TooLong: msgGroupsClaim}},
		{Name: FieldTokenAuthMethod, Label: "Token Endpoint Authentication", Type: providers.FieldSelect,
			Options:  []string{AuthMethodBasic, AuthMethodPost},
			Messages: providers.FieldMessages{Invalid: msgAuthMethod}},
	}
}

// settings are parsed, valid settings.
type settings struct {
	preset, domain string
	// issuer is compared byte for byte with the discovery document's
	// issuer and the ID tokens' iss.
	issuer                 string
	clientID, clientSecret string
	scopes                 []string
	allowedDomains         []string
	allowedGroups          []string
	groupsClaim            string
	authMethod             string
}

// parseSettings validates s and returns its values, or a
// *providers.ValidationError with one message per invalid field.
func parseSettings(s providers.Settings) (*settings, error) {
	var ve providers.ValidationError
	var base *providers.ValidationError
	if errors.As(providers.ValidateSettings(fields(), s), &base) {
		ve.Fields = base.Fields
	}
	fail := func(field, msg string) {
		if ve.Field(field) == "" {
			ve.Fields = append(ve.Fields, providers.FieldError{Field: field, Message: msg})
		}
	}
	st := &settings{preset: s[FieldPreset], clientID: s[FieldClientID], clientSecret: s[FieldClientSecret],
		groupsClaim: or(strings.TrimSpace(s[FieldGroupsClaim]), DefaultGroupsClaim),
		authMethod:  s[FieldTokenAuthMethod]}
	if ve.Field(FieldPreset) == "" {
		if field, msg := st.setIssuer(s); msg != "" {
			fail(field, msg)
		}
	}
	var ok bool
	if st.scopes, ok = parseScopes(or(s[FieldScopes], DefaultScopes)); !ok {
		fail(FieldScopes, msgScopesInvalid)
	}
	if st.allowedDomains, ok = parseDomains(s[FieldAllowedDomains]); !ok {
		fail(FieldAllowedDomains, msgDomainsInvalid)
	}
	if st.allowedGroups, ok = parseGroups(s[FieldAllowedGroups]); !ok {
		fail(FieldAllowedGroups, msgGroupsInvalid)
	}
	if len(ve.Fields) > 0 {
		return nil, inFieldOrder(&ve)
	}
	return st, nil
}

// inFieldOrder sorts ve's messages in the order of the form's fields.
func inFieldOrder(ve *providers.ValidationError) *providers.ValidationError {
	order := map[string]int{}
	for i, f := range fields() {
		order[f.Name] = i
	}
	slices.SortStableFunc(ve.Fields, func(a, b providers.FieldError) int { return order[a.Field] - order[b.Field] })
	return ve
}

// setIssuer derives the issuer from the preset's fields, or returns the
// field that prevents it and its message.
func (st *settings) setIssuer(s providers.Settings) (field, msg string) {
	if st.preset == PresetCustom {
		raw := strings.TrimSpace(s[FieldIssuerURL])
		if raw == "" {
			return FieldIssuerURL, msgIssuerEmpty
		}
		if !validIssuer(raw) {
			return FieldIssuerURL, msgIssuerInvalid
		}
		st.issuer = raw
		return "", ""
	}
	st.domain = strings.ToLower(strings.TrimSpace(s[FieldDomain]))
	if st.domain == "" {
		return FieldDomain, msgDomainEmpty
	}
	if !validDomain(st.domain) {
		return FieldDomain, msgDomainInvalid
	}
	if st.preset == PresetAuth0 {
		st.issuer = "https://" + st.domain + "/"
		return "", ""
	}
	switch server := or(strings.TrimSpace(s[FieldAuthServer]), DefaultAuthServer); server {
	case OktaOrgServer:
		st.issuer = "https://" + st.domain
	default:
		st.issuer = "https://" + st.domain + "/oauth2/" + server
	}
	return "", ""
}

// validIssuer reports whether u is an issuer identifier (OpenID Connect
// Discovery §3): https with a host and no query or fragment, or http to a
// loopback address (a test server).
func validIssuer(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || p.User != nil || p.RawQuery != "" || p.Fragment != "" ||
		strings.ContainsAny(u, "?#") {
		return false
	}
	return p.Scheme == "https" || p.Scheme == "http" && loopback(p.Hostname())
}

// secureURL reports whether u is an absolute https URL, or http to a
// loopback address: the endpoints a discovery document may name.
func secureURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || p.User != nil || p.Fragment != "" {
		return false
	}
	return p.Scheme == "https" || p.Scheme == "http" && loopback(p.Hostname())
}

func loopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// validDomain reports whether d is a DNS name of at least two labels (not
// an IP address, a URL or a path).
func validDomain(d string) bool {
	return providers.ValidHost(d) && net.ParseIP(d) == nil && strings.Contains(strings.Trim(d, "."), ".")
}

var scopeRe = regexp.MustCompile(`^[\x21\x23-\x5b\x5d-\x7e]+$`)

// parseScopes splits a space- or comma-separated scope list and puts
// openid first.
func parseScopes(s string) ([]string, bool) {
	out := []string{"openid"}
	for _, sc := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
		if !scopeRe.MatchString(sc) {
			return nil, false
		}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out, true
}

// parseDomains splits a comma-separated list of email domains, lower case.
func parseDomains(s string) ([]string, bool) {
	var out []string
	for _, d := range strings.Split(s, ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" {
			continue
		}
		if !validDomain(d) {
			return nil, false
		}
		out = append(out, d)
	}
	return out, true
}

// parseGroups splits a comma-separated list of group names.
func parseGroups(s string) ([]string, bool) {
	var out []string
	for _, g := range strings.Split(s, ",") {
		g = strings.TrimSpace(g)
		if g == "" {
			continue
		}
		if strings.ContainsFunc(g, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return nil, false
		}
		out = append(out, g)
	}
	return out, true
}

func or(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}
