// Package sso is the typed form of the single sign-on operations, so that
// hosts and SSO providers (package oidc for Okta, Auth0 and any OpenID
// Connect issuer) exchange an [AuthorizeRequest], an [Authorization], a
// [CompleteRequest] and an [Identity] instead of hand-written JSON.
//
// # The sign-in
//
//  1. [Authorize] returns the URL to send the user's browser to, the state
//     that the callback must carry, and a sealed flow: an opaque string
//     that holds the flow's secrets (nonce, PKCE verifier) encrypted and
//     authenticated by the provider. The host keeps the flow with the
//     user's session (an HttpOnly, Secure, SameSite=Lax cookie does) and
//     keeps nothing else: a provider is stateless, so any host process or
//     plugin restart can complete the sign-in.
//  2. The identity provider redirects the browser to the host's redirect
//     URI. [Complete] takes the flow and the callback's raw query; the
//     provider checks the state, exchanges the code, verifies the ID token
//     and returns the verified [Identity]. The host then deletes the flow.
//  3. [Logout] returns the identity provider's logout URL for the session
//     [Identity.Session] carries.
//
// No token ever reaches the host in clear: [Identity.Session] is sealed
// too, and only the provider that issued it can open it.
//
// # Verifying a token obtained elsewhere
//
// [Verify] checks an ID token that a client (a mobile app, say) obtained
// itself against the integration's issuer and client ID, with the nonce
// the host issued for it.
package sso
