package integration

import (
	"context"
	"slices"
	"strings"

	"github.com/intimeos/integrations/providers"
)

// CatalogType is a catalog entry with the providers that can serve it.
type CatalogType struct {
	Entry Entry
	// Providers are the mapped providers in the entry's order, then the
	// installed providers whose Info lists the type, by name.
	Providers []ProviderInfo
}

// ProviderInfo describes a provider of a type.
type ProviderInfo struct {
	Name        string
	DisplayName string
	// Installed reports whether the host can call it (registered in
	// process, loaded as a plugin, or the SDK's own).
	Installed bool
	// Info is the provider's description, with the configuration form's
	// fields ([providers.Field]) for the dashboard to render; nil when the
	// provider is not installed or did not answer.
	Info *providers.Info
}

// Installed reports whether an installed provider serves the type.
func (t CatalogType) Installed() bool {
	return slices.ContainsFunc(t.Providers, func(p ProviderInfo) bool { return p.Installed })
}

// ProviderSummary is what the catalog shows in its provider column: the
// installed providers' names, or [NoProviderInstalled].
func (t CatalogType) ProviderSummary() string {
	var names []string
	for _, p := range t.Providers {
		if p.Installed {
			names = append(names, p.DisplayName)
		}
	}
	if len(names) == 0 {
		return NoProviderInstalled
	}
	return strings.Join(names, " / ")
}

// Provider returns the type's provider of that name.
func (t CatalogType) Provider(name string) (ProviderInfo, bool) {
	i := slices.IndexFunc(t.Providers, func(p ProviderInfo) bool { return p.Name == name })
	if i < 0 {
		return ProviderInfo{}, false
	}
	return t.Providers[i], true
}

// shippedNames are the display names of the SDK's providers, for the
// catalog to show them before they are installed.
var shippedNames = map[string]string{
	"sendgrid": "SendGrid", "ses": "AWS SES", "smtp": "SMTP", "checkr": "Checkr", "adp": "ADP",
	"google": "Google Calendar", "microsoft": "Microsoft 365", "s3": "AWS S3", "jobboards": "Job board feeds",
	"linkedin": "LinkedIn", "bamboohr": "BambooHR", "workday": "Workday", "paychex": "Paychex",
	"carrier": "Benefits carrier (834)", "recordkeeper": "401(k) recordkeeper", "everify": "E-Verify",
	"twilio": "Twilio", "ringcentral": "RingCentral", "zoom": "Zoom", "slack": "Slack", "oidc": "OpenID Connect",
	ProviderInternal: "InTime",
}

// Catalog returns the catalog with, for each type, the providers that can
// serve it: those mapped to it, installed or not, and every installed
// provider whose Info lists it (a loaded plugin adds itself this way). A
// type that only an installed provider names is listed under
// [CategoryOther]. A provider that does not answer Info is listed as
// installed without Info.
func (m *Manager) Catalog(ctx context.Context) ([]CatalogType, error) {
	infos := map[string]*providers.Info{}
	for _, name := range m.reg.names() {
		if _, info, err := m.reg.provider(ctx, name); err == nil {
			infos[name] = info
			for _, typ := range info.Types {
				m.catalog.mu.Lock()
				m.catalog.ensureLocked(typ)
				m.catalog.mu.Unlock()
			}
		} else {
			infos[name] = nil
			m.cfg.Logger.WarnContext(ctx, "integration: provider did not describe itself", "provider", name, "err", err)
		}
	}
	entries := m.catalog.Entries()
	out := make([]CatalogType, len(entries))
	for i, e := range entries {
		out[i] = CatalogType{Entry: e, Providers: typeProviders(e, infos)}
	}
	return out, ctx.Err()
}

// CatalogType returns one type of the catalog.
func (m *Manager) CatalogType(ctx context.Context, typ string) (*CatalogType, error) {
	all, err := m.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Entry.Key == typ {
			return &all[i], nil
		}
	}
	return nil, &UnknownTypeError{Type: typ}
}

// typeProviders lists e's providers: mapped first, then installed ones
// whose Info lists the type. infos holds every installed provider (nil
// Info when it did not answer).
func typeProviders(e Entry, infos map[string]*providers.Info) []ProviderInfo {
	var out []ProviderInfo
	add := func(name string) {
		if slices.ContainsFunc(out, func(p ProviderInfo) bool { return p.Name == name }) {
			return
		}
		info, installed := infos[name]
		p := ProviderInfo{Name: name, DisplayName: shippedNames[name], Installed: installed, Info: info}
		if info != nil && info.DisplayName != "" {
			p.DisplayName = info.DisplayName
		}
		if name == ProviderInternal && len(e.Vendors) > 0 {
			p.DisplayName = e.Vendors[0]
		}
		if p.DisplayName == "" {
			p.DisplayName = name
		}
		out = append(out, p)
	}
	for _, name := range e.Providers {
		add(name)
	}
	names := make([]string, 0, len(infos))
	for name, info := range infos {
		if info != nil && slices.Contains(info.Types, e.Key) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		add(name)
	}
	return out
}
