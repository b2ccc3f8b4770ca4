package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/sso"
)

// logout builds the logout URL (OpenID Connect RP-Initiated Logout 1.0
// §2): the issuer's end_session_endpoint with id_token_hint (from the
// sealed session), client_id, post_logout_redirect_uri and state. An
// Auth0 tenant without RP-initiated logout enabled gets Auth0's own
// /v2/logout (client_id and returnTo); another issuer without an
// end_session_endpoint is [providers.KindUnsupported].
func (p *Provider) logout(ctx context.Context, st *settings, payload json.RawMessage) (any, error) {
	in, err := decodeValid[sso.LogoutRequest](sso.OpLogout, payload)
	if err != nil {
		return nil, err
	}
	meta, _, err := p.dir.get(ctx, st.issuer, false)
	if err != nil {
		return nil, err
	}
	var s session
	if in.Session != "" {
		if err := p.open(st, purposeSession, in.Session, &s); err != nil {
			return nil, invalidFlow("the session cannot be read: it was altered, or sealed under other settings")
		}
	}
	if meta.EndSessionEndpoint == "" {
		return auth0Logout(st, in)
	}
	u, err := url.Parse(meta.EndSessionEndpoint)
	if err != nil {
		return nil, providers.NewError(providers.KindPermanent, errors.New("oidc: end_session_endpoint is not a URL"))
	}
	q := u.Query()
	q.Set("client_id", st.clientID)
	setIf(q, "id_token_hint", s.IDToken)
	setIf(q, "post_logout_redirect_uri", in.PostLogoutRedirectURI)
	setIf(q, "state", in.State)
	u.RawQuery = q.Encode()
	return &sso.LogoutRedirect{URL: u.String()}, nil
}

// auth0Logout is Auth0's logout endpoint, for tenants whose discovery
// document has no end_session_endpoint.
func auth0Logout(st *settings, in *sso.LogoutRequest) (any, error) {
	if st.preset != PresetAuth0 {
		return nil, providers.NewError(providers.KindUnsupported,
			errors.New("oidc: the issuer does not support RP-initiated logout (no end_session_endpoint)"))
	}
	q := url.Values{"client_id": {st.clientID}}
	setIf(q, "returnTo", in.PostLogoutRedirectURI)
	return &sso.LogoutRedirect{URL: "https://" + st.domain + "/v2/logout?" + q.Encode()}, nil
}
