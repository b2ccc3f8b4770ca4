package integration

import (
	"context"
	"errors"
	"maps"
	"slices"

	"golang.org/x/oauth2"

	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// StoredOAuthSettings reads the OAuth form's fields of an integration the
// Manager stored. Pass it as oauth.Config.Settings so that the Connector
// connects and refreshes with the settings the Manager validated:
//
//	conn, err := oauth.New(store, &oauth.Config{BaseURL: base, Settings: integration.StoredOAuthSettings})
func StoredOAuthSettings(_ context.Context, in *storage.Integration) (*oauth.Settings, error) {
	s, err := decodeSettings(in.Config)
	if err != nil {
		return nil, err
	}
	return OAuthSettings(s), nil
}

// providerSettings returns the settings a provider is given of an
// integration's: for a provider that needs OAuth, without the OAuth form's
// client secret (unless the provider declares a field of that name
// itself), which is the host's, for its Connector to connect and refresh
// with (DESIGN decision 12). s is returned as it is when nothing is left
// out, else a copy.
func providerSettings(s providers.Settings, info *providers.Info) providers.Settings {
	if _, ok := s[oauth.FieldClientSecret]; !ok || !info.Has(providers.CapabilityOAuth) {
		return s
	}
	if _, own := field(info.Fields, oauth.FieldClientSecret); own {
		return s
	}
	out := maps.Clone(s)
	delete(out, oauth.FieldClientSecret)
	return out
}

// oauthClientSecret is the OAuth form's client secret as a field of the
// provider's form: a secret.
var oauthClientSecret = providers.Field{Name: oauth.FieldClientSecret, Label: "Client Secret",
	Type: providers.FieldPassword, Secret: true}

// secretFields returns the fields whose secrets the Manager masks in its
// views, keeps when they are sent back masked, and scrubs from messages:
// the provider's own and, for a provider that needs OAuth, the OAuth
// form's client secret, which the provider does not declare.
func secretFields(info *providers.Info) []providers.Field {
	if !info.Has(providers.CapabilityOAuth) {
		return info.Fields
	}
	if _, own := field(info.Fields, oauth.FieldClientSecret); own {
		return info.Fields
	}
	return append(slices.Clip(info.Fields), oauthClientSecret)
}

// oauthProvider adds the OAuth access token of its integration's
// connection to each call of a provider that needs one
// ([providers.CapabilityOAuth]): fetched from the Connector's TokenSource
// (which refreshes it ahead of expiry), put in a copy of the call's
// settings under [providers.SettingAccessToken], never stored, never
// logged, and leaves the client secret out ([providerSettings]). When the
// provider answers 401 (KindAuth), the token is refreshed once and the
// call made once more, here on the host: the refresh token never leaves
// it.
type oauthProvider struct {
	providers.Provider
	m *Manager
	t *target
}

func (m *Manager) withOAuth(t *target) providers.Provider {
	return &oauthProvider{Provider: t.provider, m: m, t: t}
}

func (p *oauthProvider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	var res *providers.Result
	err := p.withToken(ctx, s, func(s providers.Settings) error {
		var err error
		res, err = p.Provider.Do(ctx, s, op)
		return err
	})
	return res, err
}

func (p *oauthProvider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	var res *providers.CheckResult
	err := p.withToken(ctx, s, func(s providers.Settings) error {
		var err error
		res, err = p.Provider.Check(ctx, s)
		if err == nil && res != nil && authFailed(res) {
			return providers.AuthFailed(errors.New(res.Failed().Message))
		}
		return err
	})
	if err != nil && res != nil && providers.KindOf(err) == providers.KindAuth {
		return res, nil // the failed stage says it
	}
	return res, err
}

// authFailed reports a check whose authentication stage failed: the token
// may be revoked.
func authFailed(res *providers.CheckResult) bool {
	st := res.Failed()
	return st != nil && st.Name == providers.StageAuth
}

// withToken runs call with the connection's token and, on KindAuth, once
// more with a refreshed one.
func (p *oauthProvider) withToken(ctx context.Context, s providers.Settings, call func(providers.Settings) error) error {
	if p.m.cfg.OAuth == nil {
		return providers.NewError(providers.KindPermanent,
			errors.New("integration: this provider needs OAuth, and the Manager has no oauth.Connector"))
	}
	src := p.m.cfg.OAuth.TokenSource(p.t.orgID, p.t.id)
	tok, err := src.Token(ctx)
	if err != nil {
		return tokenError(err)
	}
	s = providerSettings(s, p.t.info)
	err = call(tokenSettings(s, tok))
	if providers.KindOf(err) != providers.KindAuth {
		return err
	}
	fresh, rerr := src.TokenRejected(ctx, tok)
	if rerr != nil {
		return err // the provider's answer says more than a failed refresh
	}
	return call(tokenSettings(s, fresh))
}

// tokenSettings returns a copy of s with the token added.
func tokenSettings(s providers.Settings, tok *oauth2.Token) providers.Settings {
	out := maps.Clone(s)
	out[providers.SettingAccessToken] = tok.AccessToken
	out[providers.SettingTokenType] = tok.Type()
	return out
}

// tokenError classifies a failure to get a token: reconnecting is an auth
// failure with the spec's message ("Please reconnect your Google
// account"), a connection never made is permanent, the rest transient.
func tokenError(err error) error {
	switch {
	case oauth.NeedsReconnect(err):
		return providers.AuthFailed(err)
	case errors.Is(err, oauth.ErrNotConnected):
		return providers.NewError(providers.KindPermanent, err)
	case retry.IsRetryable(err):
		return providers.Unavailable(err, retry.ClassifyError(err).Class)
	}
	return err
}
