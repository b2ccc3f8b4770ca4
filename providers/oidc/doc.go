// Package oidc is the single sign-on provider of the SSO integration
// (UC-ADMIN-007 §2.4, "SSO — Single Sign-On — Okta / Auth0"): OpenID
// Connect sign-in with the authorization code flow and PKCE, ID token
// verification, and RP-initiated logout, against Okta, Auth0 or any
// OpenID Connect issuer. It implements the operations of package sso.
//
// # Specifications followed
//
//   - OpenID Connect Core 1.0: the authorization code flow (§3.1), the
//     authentication request with nonce (§3.1.2.1), the token request and
//     response (§3.1.3.1, §3.1.3.3), ID token validation (§3.1.3.7,
//     below), at_hash (§3.1.3.8), userinfo (§5.3, its sub checked against
//     the ID token's, §5.3.2), key rotation (§10.1.1).
//   - OpenID Connect Discovery 1.0: the document at the issuer's
//     /.well-known/openid-configuration (a trailing slash of the issuer
//     removed first, §4), whose issuer must be identical to the configured
//     one (§4.3).
//   - RFC 7636 (PKCE): a 43-character verifier of 32 random bytes, the S256
//     challenge; an issuer that lists code_challenge_methods_supported
//     without S256 is refused.
//   - RFC 6749: client authentication at the token endpoint (§2.3.1, Basic
//     or form body), error responses (§4.1.2.1, §5.2); RFC 9207: a
//     callback's iss parameter, when present, must be the issuer, and must
//     be present if the issuer announces it.
//   - OpenID Connect RP-Initiated Logout 1.0: the end_session_endpoint
//     with id_token_hint, client_id, post_logout_redirect_uri and state.
//
// # Settings
//
// [FieldPreset] chooses how the issuer is derived, and the issuer is then
// compared byte for byte with the discovery document's and every ID
// token's iss:
//
//   - [PresetOkta]: https://{domain}/oauth2/{server} with [FieldAuthServer]
//     "default" (the default custom authorization server) or another
//     server's ID, or https://{domain} for the org authorization server
//     ([OktaOrgServer]).
//   - [PresetAuth0]: https://{domain}/, with the trailing slash that Auth0
//     puts in its iss.
//   - [PresetCustom]: [FieldIssuerURL] exactly as given.
//
// [FieldClientID] and [FieldClientSecret] follow §17's OAuth form rules
// and messages ("Client ID is required", "Client ID format is invalid",
// "Client secret is required"). [FieldAllowedDomains] and
// [FieldAllowedGroups] restrict who may sign in (a verified email address
// in one of the domains; membership of one of the groups, read from
// [FieldGroupsClaim]); a verified user they refuse is a
// [providers.KindPermanent] *[AccessError].
//
// # Sign-in: the provider keeps no state
//
// [sso.OpAuthorize] generates the state, the nonce and the PKCE verifier
// and returns them sealed in [sso.Authorization.Flow] (AES-256-GCM under a
// key derived with HKDF-SHA256 from the client secret and bound to the
// issuer and client ID), with the authorization URL. The host keeps the
// flow with the user's browser session and hands it back with the
// callback's query to [sso.OpComplete]; nothing is stored by the provider,
// so any host process, and any restart of the plugin, completes the
// sign-in. A flow expires after [Config.FlowTTL]; one altered, or sealed
// under another secret, issuer or client ID, is refused; the code is
// single-use at the issuer, so a replayed callback is refused too.
// Rotating the client secret ends the sign-ins in progress.
//
// [sso.OpComplete] checks the state, redeems the code with the verifier,
// verifies the ID token with the flow's nonce, reads the claims the ID
// token lacks (email, name, groups) from userinfo, applies the allowed
// domains and groups, and returns the [sso.Identity]. Its Session is the
// ID token sealed the same way, kept by the host for [sso.OpLogout]'s
// id_token_hint: no token is ever returned in clear.
//
// # ID token validation
//
// Verification is written on go-jose/v4 (its JWS parsing with an
// algorithm allow-list, and jwt.Claims.ValidateWithLeeway on the injected
// clock), step by step as §3.1.3.7 lists them:
//
//  1. the token is a compact JWS (an encrypted ID token is refused) signed
//     with an algorithm the issuer lists among
//     id_token_signing_alg_values_supported (RS256 if none), asymmetric
//     only: none and HMAC are refused;
//  2. the signature verifies with a key of the issuer's JWKS whose kid
//     (and alg, if the key names one) matches;
//  3. iss is the issuer exactly; aud lists the client ID; with several
//     audiences azp must be present, and any azp must be the client ID;
//  4. exp is present and not past, nbf not ahead, iat present, not in the
//     future and not older than [Config.MaxTokenAge], all within
//     [Config.ClockSkew];
//  5. nonce is the sign-in's; sub is present;
//  6. auth_time is within max_age when the sign-in asked for one; at_hash,
//     when present, matches the access token of the same response.
//
// A refused token is a [providers.KindInvalidInput] *[TokenError] whose
// [Reason] names the rule; its message never contains the token.
//
// # Keys and caching
//
// Discovery documents and key sets are cached per issuer for
// [Config.MetadataTTL] (at most [Config.MaxIssuers] issuers). A token
// signed with a key not in the cache makes the provider fetch the JWKS
// again, so a rotation at the issuer is picked up at once, but at most
// once per [Config.KeyRefetchMin], so that tokens with made-up key IDs
// cannot turn into a flood of requests to the issuer.
//
// # Errors
//
// The issuer's answers become the SDK's kinds: invalid_client (or a bare
// 401) at the token endpoint is [providers.KindAuth] ("Authentication
// failed. Please check credentials."); invalid_grant (a bad, expired or
// used code) and every refused token or callback are
// [providers.KindInvalidInput]; 429 is [providers.KindRateLimited] with
// the Retry-After wait; 5xx, temporarily_unavailable, server_error and
// network failures are [providers.KindRetryable] ("SSO (OpenID Connect)
// is currently unavailable"). The client secret, codes, verifiers and
// tokens never appear in errors or log records.
//
// # Connection test
//
// [Provider.Check] runs DNS, TCP and TLS against the issuer's host, then
// the authentication stage: the discovery document fetched and valid, the
// JWKS fetched with a public key for the issuer's algorithms, and the
// client's credentials tried at the token endpoint with a refresh token no
// one issued (invalid_client fails the stage; invalid_grant means the
// credentials passed).
//
// # Plugin
//
// The command intime-provider-oidc serves the provider as a plugin.
package oidc
