package oauth

import (
	"maps"
	"slices"

	"golang.org/x/oauth2"
)

// Provider keys: the form values of oauthProvider and the last segment of
// each redirect URI.
const (
	ProviderGoogle     = "google"
	ProviderMicrosoft  = "microsoft"
	ProviderZoom       = "zoom"
	ProviderSalesforce = "salesforce"
	ProviderLinkedIn   = "linkedin"
	ProviderCustom     = "custom"
)

// CodeInvalidGrant is RFC 6749's error code for a refresh token that is
// expired, revoked or already used: the user must reconnect.
const CodeInvalidGrant = "invalid_grant"

// Provider is one entry of the provider table: data, not code. URLs may
// contain {tenant}, replaced by [Settings.Tenant] or DefaultTenant.
type Provider struct {
	// Key identifies the provider ("google").
	Key string
	// Name is the display name used in messages ("Google").
	Name string
	// AuthURL and TokenURL are the endpoints; empty for [ProviderCustom],
	// whose endpoints come from [Settings].
	AuthURL  string
	TokenURL string
	// DefaultTenant fills {tenant} when the settings name none.
	DefaultTenant string
	// AuthStyle is how the client authenticates at the token endpoint. It
	// is always explicit: auto-detection would send every failing request
	// twice.
	AuthStyle oauth2.AuthStyle
	// Scopes are the scopes the configuration form offers.
	Scopes []Scope
	// OfflineScopes are added to every authorization request so that the
	// provider issues a refresh token (Microsoft's offline_access,
	// Salesforce's refresh_token).
	OfflineScopes []string
	// AuthParams are added to every authorization request (Google's
	// access_type=offline and prompt=consent, without which Google issues a
	// refresh token only at the first consent).
	AuthParams map[string]string
	// OfflineHelp tells the admin how to obtain a refresh token when a
	// connection got none; it ends the "No refresh token" warning of
	// [ConnectionStatus.Message].
	OfflineHelp string
	// ReconnectCodes are token endpoint error codes that, besides
	// invalid_grant, mean the user must reconnect.
	ReconnectCodes []string
	// Custom marks the Custom OAuth 2.0 entry.
	Custom bool
}

// Scope is a scope the form offers; Default ones start checked.
type Scope struct {
	Value   string
	Label   string
	Default bool
}

// providers is the table. Offline access (a refresh token) is requested as
// each provider documents it: Google by access_type=offline with
// prompt=consent, Microsoft by the offline_access scope, Salesforce by the
// refresh_token scope; Zoom issues refresh tokens to its OAuth apps and
// LinkedIn only to apps approved for them, with nothing to request. Custom
// OAuth 2.0: see [Settings.OfflineScope].
var providers = []Provider{
	{
		Key: ProviderGoogle, Name: "Google",
		AuthURL:   "https://accounts.google.com/o/oauth2/auth",
		TokenURL:  "https://oauth2.googleapis.com/token",
		AuthStyle: oauth2.AuthStyleInParams,
		Scopes: []Scope{
			{"https://www.googleapis.com/auth/calendar", "Calendar", true},
			{"https://www.googleapis.com/auth/calendar.events", "Calendar events", true},
			{"https://www.googleapis.com/auth/gmail.send", "Send email (Gmail)", false},
			{"https://www.googleapis.com/auth/drive.readonly", "Drive (read only)", false},
		},
		AuthParams:  map[string]string{"access_type": "offline", "prompt": "consent", "include_granted_scopes": "true"},
		OfflineHelp: "connect again; if Google still issues none, remove the app's access in the Google account's security settings first",
	},
	{
		Key: ProviderMicrosoft, Name: "Microsoft",
		AuthURL:       "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
		TokenURL:      "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
		DefaultTenant: "common",
		AuthStyle:     oauth2.AuthStyleInParams,
		Scopes: []Scope{
			{"https://graph.microsoft.com/Calendars.ReadWrite", "Outlook calendar", true},
			{"https://graph.microsoft.com/Mail.Send", "Send email (Outlook)", false},
			{"https://graph.microsoft.com/OnlineMeetings.ReadWrite", "Teams meetings", false},
			{"https://graph.microsoft.com/Sites.Read.All", "SharePoint (read only)", false},
		},
		OfflineScopes:  []string{"offline_access"},
		ReconnectCodes: []string{"interaction_required", "consent_required"},
		OfflineHelp:    "grant the app registration the offline_access permission and connect again",
	},
	{
		Key: ProviderZoom, Name: "Zoom",
		AuthURL:   "https://zoom.us/oauth/authorize",
		TokenURL:  "https://zoom.us/oauth/token",
		AuthStyle: oauth2.AuthStyleInHeader,
		Scopes: []Scope{
			{"meeting:write", "Create meetings", true},
			{"meeting:read", "Read meetings", false},
			{"user:read", "Read user profile", false},
		},
		OfflineHelp: "use a user-managed OAuth app, to which Zoom issues refresh tokens, and connect again",
	},
	{
		Key: ProviderSalesforce, Name: "Salesforce",
		AuthURL:       "https://{tenant}/services/oauth2/authorize",
		TokenURL:      "https://{tenant}/services/oauth2/token",
		DefaultTenant: "login.salesforce.com",
		AuthStyle:     oauth2.AuthStyleInParams,
		Scopes: []Scope{
			{"api", "CRM data (API)", true},
			{"id", "Identity", false},
		},
		OfflineScopes: []string{"refresh_token"},
		OfflineHelp:   "allow the refresh_token (offline access) scope in the connected app's OAuth policies and connect again",
	},
	{
		Key: ProviderLinkedIn, Name: "LinkedIn",
		AuthURL:   "https://www.linkedin.com/oauth/v2/authorization",
		TokenURL:  "https://www.linkedin.com/oauth/v2/accessToken",
		AuthStyle: oauth2.AuthStyleInParams,
		Scopes: []Scope{
			{"openid", "Sign in", true},
			{"profile", "Profile", true},
			{"email", "Email address", false},
			{"w_member_social", "Post jobs and updates", false},
		},
		OfflineHelp: "LinkedIn issues refresh tokens only to apps approved for programmatic refresh; ask LinkedIn to enable it, or reconnect before each expiry",
	},
	{
		Key: ProviderCustom, Name: "Custom OAuth 2.0",
		AuthStyle:   oauth2.AuthStyleInHeader,
		Custom:      true,
		OfflineHelp: "enable offline access: set the offline access scope in the settings (often offline_access) or allow refresh tokens for the client at the provider, and connect again",
	},
}

// Providers returns the provider table in the form's order.
func Providers() []Provider {
	out := make([]Provider, len(providers))
	for i, p := range providers {
		out[i] = p.clone()
	}
	return out
}

// ProviderByKey returns the provider with the given key.
func ProviderByKey(key string) (Provider, bool) {
	i := slices.IndexFunc(providers, func(p Provider) bool { return p.Key == key })
	if i < 0 {
		return Provider{}, false
	}
	return providers[i].clone(), true
}

// reconnects reports whether a token endpoint error code means the user must
// reconnect.
func (p Provider) reconnects(code string) bool {
	return code == CodeInvalidGrant || slices.Contains(p.ReconnectCodes, code)
}

func (p Provider) clone() Provider {
	p.Scopes = slices.Clone(p.Scopes)
	p.OfflineScopes = slices.Clone(p.OfflineScopes)
	p.ReconnectCodes = slices.Clone(p.ReconnectCodes)
	p.AuthParams = maps.Clone(p.AuthParams)
	return p
}
