package integration

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/providers"
)

// form is what the admin submitted for an integration, as it will be
// validated: the provider's settings with its defaults filled in.
type form struct {
	typ, provider, name string
	settings            providers.Settings
	interval            *time.Duration
	// p and info are the provider, once it is known to be installed and to
	// serve the type.
	p    providers.Provider
	info *providers.Info
}

// validate checks the form, with the spec's messages, into ve: the name,
// the type and provider, the provider's settings (the provider's own
// rules, plus the OAuth form's when it needs OAuth) and the interval.
func (m *Manager) validate(ctx context.Context, f *form, ve *ValidationError) error {
	validateName(f.name, ve)
	if err := m.validateProvider(ctx, f, ve); err != nil {
		return err
	}
	if f.interval != nil && *f.interval != 0 && (*f.interval < CheckIntervalMin || *f.interval > CheckIntervalMax) {
		ve.add(FieldCheckInterval, MsgCheckIntervalRange)
	}
	if f.info == nil {
		return nil
	}
	f.settings = withDefaults(cleanSettings(f.settings, f.info.Fields), f.info.Fields)
	err := f.p.Validate(ctx, providerSettings(f.settings, f.info))
	var pve *providers.ValidationError
	switch {
	case errors.As(err, &pve):
		for _, fe := range pve.Fields {
			ve.add(fe.Field, fe.Message)
		}
	case err != nil && providers.KindOf(err) != providers.KindUnsupported:
		return err // the provider could not validate (a plugin that is down)
	}
	if f.info.Has(providers.CapabilityOAuth) {
		validateOAuth(f.settings, ve)
	}
	return nil
}

func validateName(name string, ve *ValidationError) {
	switch n := strings.TrimSpace(name); {
	case n == "":
		ve.add(FieldName, MsgNameRequired)
	case utf8.RuneCountInString(n) > maxNameLen:
		ve.add(FieldName, MsgNameTooLong)
	case !utf8.ValidString(n) || strings.ContainsFunc(n, unicode.IsControl):
		ve.add(FieldName, MsgNameInvalid)
	}
}

// validateProvider checks the type and the provider and, when both are
// good, sets f.p and f.info.
func (m *Manager) validateProvider(ctx context.Context, f *form, ve *ValidationError) error {
	if f.typ == "" {
		ve.add(FieldType, MsgTypeRequired)
		return nil
	}
	ct, err := m.CatalogType(ctx, f.typ)
	var ute *UnknownTypeError
	if errors.As(err, &ute) {
		ve.add(FieldType, MsgTypeRequired)
		return nil
	}
	if err != nil {
		return err
	}
	msg := MsgProviderRequired
	if f.typ == TypeEmail {
		msg = MsgEmailProviderRequired
	}
	pi, ok := ct.Provider(f.provider)
	switch {
	case f.provider == "" || !ok:
		ve.add(FieldProvider, msg)
	case !pi.Installed:
		ve.add(FieldProvider, MsgProviderNotInstalled)
	default:
		p, info, err := m.reg.provider(ctx, f.provider)
		if err != nil {
			return err
		}
		f.p, f.info = p, info
	}
	return nil
}

// withDefaults fills the fields the form left out with their defaults; a
// field sent empty stays empty (and gets its "required" message).
func withDefaults(s providers.Settings, fields []providers.Field) providers.Settings {
	for _, fd := range fields {
		if _, ok := s[fd.Name]; !ok && fd.Default != "" {
			s[fd.Name] = fd.Default
		}
	}
	return s
}

// validateOAuth checks the OAuth form's fields (§17) of a provider that
// needs OAuth.
func validateOAuth(s providers.Settings, ve *ValidationError) {
	err := OAuthSettings(s).Validate()
	var ove *oauth.ValidationError
	if !errors.As(err, &ove) {
		return
	}
	names := make([]string, 0, len(ove.Fields))
	for name := range ove.Fields {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		ve.add(name, ove.Fields[name])
	}
}

// OAuthSettings reads the OAuth form's fields (oauthProvider, clientId,
// clientSecret, scopes as a comma-separated list, tenant, authUrl,
// tokenUrl, issuerUrl, authStyle) from an integration's settings. Hosts
// pass [Manager.OAuthSettingsFunc] as oauth.Config.Settings, so the
// Connector reads the settings the Manager stores.
func OAuthSettings(s providers.Settings) *oauth.Settings {
	var scopes []string
	for sc := range strings.SplitSeq(s[oauth.FieldScopes], ",") {
		if sc = strings.TrimSpace(sc); sc != "" {
			scopes = append(scopes, sc)
		}
	}
	return &oauth.Settings{Provider: s[oauth.FieldProvider], ClientID: s[oauth.FieldClientID],
		ClientSecret: s[oauth.FieldClientSecret], Scopes: scopes, Tenant: s[oauth.FieldTenant],
		AuthURL: s[oauth.FieldAuthURL], TokenURL: s[oauth.FieldTokenURL], IssuerURL: s[oauth.FieldIssuerURL],
		AuthStyle: s[oauth.FieldAuthStyle]}
}
