package oauth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"golang.org/x/oauth2"

	"github.com/intimeos/integrations/storage"
)

// StartParams names the connection an authorization request is for.
type StartParams struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	// UserID is the host user who connects the account, if known.
	UserID *uuid.UUID
}

// Authorization is a started connect flow.
type Authorization struct {
	// URL is the provider's consent page to send the user to.
	URL string
	// ExpiresAt is when the request's state stops being accepted.
	ExpiresAt time.Time
}

// Start begins the connect flow (step 1 of spec §11) for an integration:
// it stores a single-use state bound to the organization, integration and
// user, with a PKCE verifier, and returns the provider's authorization URL
// (PKCE S256, offline access). Starting again for a connected integration
// is a reconnect: its tokens are replaced when the new flow succeeds.
// Invalid settings are a [*ValidationError]; an unknown integration is
// [storage.ErrNotFound].
func (c *Connector) Start(ctx context.Context, p *StartParams) (*Authorization, error) {
	_, ep, err := c.integration(ctx, p.OrganizationID, p.IntegrationID)
	if err != nil {
		return nil, err
	}
	state, verifier := newState(), oauth2.GenerateVerifier()
	exp := c.now().Add(c.cfg.StateTTL)
	err = c.store.OAuthStateCreate(ctx, &storage.OAuthState{
		StateHash: stateHash(state), OrganizationID: p.OrganizationID, IntegrationID: p.IntegrationID,
		UserID: p.UserID, Provider: ep.provider.Key, CodeVerifier: verifier,
		RedirectURI: ep.oauth2.RedirectURL, ExpiresAt: exp,
	})
	if err != nil {
		return nil, err
	}
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	for k, v := range ep.authParams {
		opts = append(opts, oauth2.SetAuthURLParam(k, v))
	}
	c.cfg.Logger.InfoContext(ctx, "oauth connect started", "integration_id", p.IntegrationID, "provider", ep.provider.Key)
	return &Authorization{URL: ep.oauth2.AuthCodeURL(state, opts...), ExpiresAt: exp}, nil
}

// CallbackParams are the query parameters of the provider's redirect.
type CallbackParams struct {
	// Provider is the provider key from the redirect URI's path. It may be
	// empty: the state names the provider it was issued for. When given, a
	// state issued for another provider is refused, which keeps the
	// defence against mix-up attacks that per-provider redirect URIs give;
	// [Connector.Handler] passes it.
	Provider string
	State    string
	Code     string
	// Error and ErrorDescription are set when the provider refused, for
	// example access_denied when the user declined consent.
	Error            string
	ErrorDescription string
}

// Connection describes a connected integration.
type Connection struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	TokenID        uuid.UUID
	Provider       string
	Scope          string
	ExpiresAt      *time.Time
	// RefreshToken reports whether the provider issued a refresh token.
	RefreshToken bool
	// Warning is set when the connection works now but will not last: an
	// expiring access token without a refresh token ("No refresh token:
	// ..."). It is also the integration's error message, while its status
	// is active; [Connector.Status] reports it as [StateNoRefreshToken].
	Warning string
}

// Callback completes the connect flow (steps 4 to 7 of spec §11): it
// consumes the state, exchanges the code with the PKCE verifier, stores the
// tokens (sealed by the store) and marks the integration active. The
// provider is the one the state was issued for. A token response without
// a refresh token still connects (the access token works until it
// expires), with [Connection.Warning] set and kept as the integration's
// message: a warning, not an error. A missing, reused, tampered or
// foreign state is [ErrStateInvalid], an old one [ErrStateExpired], a
// refusal at the provider a [*DeniedError] and a failed exchange a
// [*TokenError] (or a network error); in each case no token and no
// integration is changed. The state is spent either way.
func (c *Connector) Callback(ctx context.Context, p *CallbackParams) (*Connection, error) {
	st, err := c.consumeState(ctx, p)
	if err != nil {
		return nil, err
	}
	in, ep, err := c.integration(ctx, st.OrganizationID, st.IntegrationID)
	if err != nil {
		return nil, err
	}
	if p.Error != "" {
		return nil, &DeniedError{Provider: ep.name, Code: p.Error, Description: p.ErrorDescription}
	}
	if p.Code == "" {
		return nil, ErrStateInvalid
	}
	ep.oauth2.RedirectURL = st.RedirectURI
	tok, err := c.exchange(ctx, ep, p.Code, st.CodeVerifier)
	if err != nil {
		c.cfg.Logger.WarnContext(ctx, "oauth code exchange failed", "integration_id", in.ID, "provider", ep.provider.Key, "error", err)
		return nil, err
	}
	// RFC 6749 §5.1: a response without scope granted the requested ones.
	saved, err := c.replaceTokens(ctx, st, c.fields(tok, strings.Join(ep.oauth2.Scopes, " ")))
	if err != nil {
		return nil, err
	}
	warning := connectWarning(ep, saved)
	if err := c.setStatus(ctx, in.OrganizationID, in.ID, storage.IntegrationActive, warning); err != nil {
		return nil, err
	}
	if warning != "" {
		c.cfg.Logger.WarnContext(ctx, "oauth account connected without a refresh token", "integration_id", in.ID,
			"provider", ep.provider.Key, "expires_at", saved.ExpiresAt)
	} else {
		c.cfg.Logger.InfoContext(ctx, "oauth account connected", "integration_id", in.ID, "provider", ep.provider.Key)
	}
	return &Connection{OrganizationID: in.OrganizationID, IntegrationID: in.ID, TokenID: saved.ID,
		Provider: ep.provider.Key, Scope: saved.Scope, ExpiresAt: saved.ExpiresAt,
		RefreshToken: saved.RefreshToken != "", Warning: warning}, nil
}

// connectWarning is the warning of a connection that will not last: an
// access token that expires, and no refresh token to renew it.
func connectWarning(ep *endpoint, t *storage.OAuthToken) string {
	if t.RefreshToken != "" || t.ExpiresAt == nil {
		return ""
	}
	return noRefreshMessage(ep.name, ep.provider.OfflineHelp, *t.ExpiresAt)
}

func (c *Connector) consumeState(ctx context.Context, p *CallbackParams) (*storage.OAuthState, error) {
	if p.State == "" {
		return nil, ErrStateInvalid
	}
	st, err := c.store.OAuthStateConsume(ctx, stateHash(p.State))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, ErrStateInvalid
	}
	if err != nil {
		return nil, err
	}
	if p.Provider != "" && st.Provider != p.Provider {
		return nil, ErrStateInvalid
	}
	if !c.now().Before(st.ExpiresAt) {
		return nil, ErrStateExpired
	}
	return st, nil
}

// replaceTokens stores a new token set for the integration and then deletes
// the previous ones, so that a reconnect replaces the tokens and records who
// reconnected.
func (c *Connector) replaceTokens(ctx context.Context, st *storage.OAuthState, f tokenFields) (*storage.OAuthToken, error) {
	old, err := c.store.OAuthTokenGetByIntegration(ctx, st.OrganizationID, st.IntegrationID)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	saved, err := c.store.OAuthTokenCreate(ctx, &storage.OAuthTokenCreateParams{
		OrganizationID: st.OrganizationID, IntegrationID: st.IntegrationID, UserID: st.UserID,
		AccessToken: f.access, RefreshToken: f.refresh, TokenType: f.tokenType, ExpiresAt: f.expiresAt, Scope: f.scope,
	})
	if err != nil {
		return nil, err
	}
	c.forget(st.IntegrationID)
	if old != nil {
		if err := c.store.OAuthTokenDelete(ctx, st.OrganizationID, old.ID); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return nil, err
		}
	}
	return saved, nil
}

func (c *Connector) setStatus(ctx context.Context, orgID, id uuid.UUID, status storage.IntegrationStatus, msg string) error {
	_, err := c.store.IntegrationUpdate(ctx, &storage.IntegrationUpdateParams{
		OrganizationID: orgID, ID: id, Status: &status, ErrorMessage: &msg,
	})
	return err
}
