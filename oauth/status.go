package oauth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// ConnectionState is the state of an integration's OAuth connection, as
// [Connector.Status] reports it.
type ConnectionState string

// Connection states.
const (
	// StateNotConnected: no tokens are stored; the connect flow has not
	// completed yet.
	StateNotConnected ConnectionState = "not_connected"
	// StateConnected: the tokens are stored and renew themselves (there is
	// a refresh token, or the access token does not expire).
	StateConnected ConnectionState = "connected"
	// StateNoRefreshToken is a warning: the connection works, but the
	// provider issued no refresh token, so the user must reconnect when the
	// access token expires (ConnectionStatus.ExpiresAt).
	StateNoRefreshToken ConnectionState = "no_refresh_token"
	// StateReconnectNeeded is an error: the refresh token was refused, or
	// the access token expired without one; the user must connect again.
	StateReconnectNeeded ConnectionState = "reconnect_needed"
)

// ConnectionStatus describes an integration's OAuth connection. It holds no
// secret.
type ConnectionStatus struct {
	IntegrationID uuid.UUID
	// Provider is the provider key ("google"), ProviderName its name in
	// messages ("Google", or a custom provider's display name).
	Provider     string
	ProviderName string
	State        ConnectionState
	// Message explains a state other than connected: the warning of
	// [StateNoRefreshToken] ("No refresh token: your Google connection
	// will need a reconnect at ...; ...") or the spec's "Please reconnect
	// your Google account". Empty otherwise.
	Message string
	// RefreshToken reports whether a refresh token is stored.
	RefreshToken bool
	// ExpiresAt is when the current access token expires; nil if the
	// provider gave no lifetime.
	ExpiresAt *time.Time
	// Scopes are the granted scopes.
	Scopes []string
	// ConnectedAt is when the account was (last) connected, and
	// ConnectedBy the host user who connected it, if known.
	ConnectedAt *time.Time
	ConnectedBy *uuid.UUID
	// LastRefresh is when the access token was last refreshed; nil if it
	// never was, or once a refused refresh token has been cleared.
	LastRefresh *time.Time
}

// Connected reports whether the connection works now: connected, or
// connected without a refresh token.
func (s *ConnectionStatus) Connected() bool {
	return s.State == StateConnected || s.State == StateNoRefreshToken
}

// Status reports the state of an integration's OAuth connection from the
// store, without calling the provider. An unknown integration is
// [storage.ErrNotFound]; an integration without tokens is
// [StateNotConnected].
func (c *Connector) Status(ctx context.Context, orgID, integrationID uuid.UUID) (*ConnectionStatus, error) {
	in, err := c.store.IntegrationGet(ctx, orgID, integrationID)
	if err != nil {
		return nil, err
	}
	p, name := c.providerOf(ctx, in)
	st := &ConnectionStatus{IntegrationID: in.ID, Provider: p.Key, ProviderName: name, State: StateNotConnected}
	tok, err := c.store.OAuthTokenGetByIntegration(ctx, orgID, integrationID)
	if errors.Is(err, storage.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	st.fill(tok)
	st.State, st.Message = c.state(in, tok, p, name)
	return st, nil
}

// providerOf names an integration's provider from its settings, else from
// its provider column; invalid settings do not hide the status.
func (c *Connector) providerOf(ctx context.Context, in *storage.Integration) (Provider, string) {
	if s, err := c.cfg.Settings(ctx, in); err == nil {
		if p, ok := ProviderByKey(s.Provider); ok {
			return p, displayName(p, s)
		}
	}
	p, ok := ProviderByKey(in.Provider)
	if !ok {
		p = Provider{Key: in.Provider, Name: in.Provider}
	}
	return p, p.Name
}

func (s *ConnectionStatus) fill(t *storage.OAuthToken) {
	s.RefreshToken = t.RefreshToken != ""
	s.ExpiresAt = t.ExpiresAt
	s.Scopes = strings.Fields(t.Scope)
	connected := t.CreatedAt
	s.ConnectedAt, s.ConnectedBy = &connected, t.UserID
	if t.Version > 1 && t.RefreshToken != "" {
		refreshed := t.UpdatedAt
		s.LastRefresh = &refreshed
	}
}

// state classifies a stored connection. A token set is created with
// version 1 and a refresh never empties its refresh token (the provider's
// answer keeps the old one when it names none), so an updated set without
// one had its refresh token cleared after the provider refused it.
func (c *Connector) state(in *storage.Integration, t *storage.OAuthToken, p Provider, name string) (ConnectionState, string) {
	reconnect := (&ReconnectError{Provider: name}).Error()
	noRefresh := t.RefreshToken == ""
	switch {
	case in.Status == storage.IntegrationError && in.ErrorMessage == reconnect,
		noRefresh && t.Version > 1,
		noRefresh && t.ExpiresAt != nil && !c.now().Before(*t.ExpiresAt):
		return StateReconnectNeeded, reconnect
	case noRefresh && t.ExpiresAt != nil:
		return StateNoRefreshToken, noRefreshMessage(name, p.OfflineHelp, *t.ExpiresAt)
	}
	return StateConnected, ""
}

// noRefreshMessage is the warning of a connection without a refresh token.
func noRefreshMessage(name, help string, expires time.Time) string {
	msg := "No refresh token: your " + name + " connection will need a reconnect at " +
		expires.UTC().Format("2006-01-02 15:04:05 UTC")
	if help != "" {
		msg += "; " + help
	}
	return msg
}
