// Package oauth connects OAuth 2.0 accounts to integrations and keeps their
// tokens alive (UC-ADMIN-007 §11, §16, §17; ADMIN-INT-007 and 008). It is
// built on [golang.org/x/oauth2], but token persistence is its own.
//
// # Providers
//
// [Providers] is a table, not code: Google, Microsoft (tenant
// configurable), Zoom, Salesforce, LinkedIn and Custom OAuth 2.0 (endpoint
// URLs given, or read from an OpenID Connect issuer's discovery document).
// Each entry names its token endpoint auth style explicitly, because
// oauth2's auto-detection sends every failing request twice, and the error
// codes besides invalid_grant that mean "reconnect".
//
// Offline access (a refresh token) is requested as each provider documents
// it: Google by access_type=offline with prompt=consent, Microsoft by the
// offline_access scope, Salesforce by the refresh_token scope; Zoom and
// LinkedIn need nothing requested. A Custom provider asks for
// offline_access when its issuer's discovery document lists it, and for
// [Settings.OfflineScope] when set (needed for a provider given by URLs,
// where no document says which scope, if any, brings a refresh token);
// [Settings.AuthParams] adds parameters such as token_access_type=offline.
//
// # Settings
//
// [Settings] is the OAuth configuration form of §17, stored as the
// integration's (sealed) config. [Settings.Validate] returns a
// [*ValidationError] with the spec's messages. The redirect URI is
// read-only: [RedirectURI] of the host's base URL and the provider.
//
// # Connecting
//
// [Connector.Start] stores a single-use, expiring state bound to the
// organization, integration and user, with a PKCE S256 verifier, and returns
// the consent URL (with offline access). [Connector.Callback] consumes the
// state, exchanges the code, stores the tokens (the store seals them) and
// marks the integration active; the provider is the one the state was
// issued for (a provider the caller passes must match it). A bad, reused
// or expired state, a refusal and a failed exchange each return an error
// and change nothing. Starting again on a connected integration replaces
// its tokens on success. [Connector.Handler] serves both steps over HTTP.
//
// A provider that issues no refresh token still connects, since its access
// token works, but that is a warning, not a silent success:
// [Connection.Warning] says "No refresh token: your <provider> connection
// will need a reconnect at <expiry>; <what to do>", the integration stays
// active with that message, the Handler's page shows it, and
// [Connector.Status] reports [StateNoRefreshToken]. The access token is
// then used until it expires, after which the connection needs a
// reconnect.
//
// # Tokens
//
// [Connector.TokenSource] hands out access tokens and refreshes them
// before they expire. Its Token method takes a context per call (none is
// stored), and it avoids oauth2's traps:
//
//   - every refreshed token, rotated refresh token included, is persisted
//     at once with compare-and-swap, never only kept in memory;
//   - one refresh per connection: callers in the process share one flight,
//     and the store's row lock ([storage.OAuthRefreshStore]) extends that
//     to every process on PostgreSQL; the token is re-read after the lock is
//     taken, so a rotated refresh token is never spent twice;
//   - a refresh that reached the provider is stored even if its caller's
//     context ends;
//   - the refresh skew ([Config.RefreshSkew]) is capped at a quarter of
//     the token's lifetime, so short-lived tokens are not refreshed, and
//     their refresh tokens rotated, on every use.
//
// invalid_grant (and a provider's extra codes) returns a [*ReconnectError],
// "Please reconnect your Google account", which is also set on the
// integration (status error). 5xx, 429 and network failures are transient:
// retried with backoff ([Config.RetryPolicy]) and never mark the
// connection broken.
//
// [Connector.Client] returns an http.Client for provider APIs that adds
// the token and, on a 401, refreshes once and retries once.
//
// # Proactive refresh
//
// [Connector.RefreshExpiring] claims tokens nearing expiry as leased rows
// and refreshes them, so idle connections stay alive; [Connector.Run] does
// it periodically. Run it on every host: there is no leader.
//
// # Status
//
// [Connector.Status] reads a connection's state from the store, without a
// provider call: not connected, connected, connected without a refresh
// token (a warning), or reconnect needed (an error), with the expiry, the
// granted scopes, who connected and when, and the last refresh.
//
// # Secrets
//
// Tokens, PKCE verifiers and client secrets are sealed at rest by the store
// and never appear in log records or error messages; a [*TokenError] keeps
// only the status, error code and description of a failed token request.
package oauth
