package providers

// SettingAccessToken is the reserved settings key under which the host
// passes an OAuth-backed provider the organization's current access token,
// fresh for each call (UC-ADMIN-007 §11; design decision 12: tokens stay on
// the host).
//
// The host reads the token from its oauth TokenSource just before the call
// and adds it to a copy of the integration's settings; the refresh token
// never leaves the host. A provider reads the value from the settings of
// the call in hand and must not keep it after the call returns. When the
// service answers 401 the provider returns a [KindAuth] error: the host then
// refreshes the token once and retries the call once.
//
// The key is not a configuration field: a provider does not declare it in
// [Info.Fields], administrators never see it, and [ValidateSettings] ignores
// it.
const SettingAccessToken = "oauth.accessToken"

// CapabilityOAuth marks a provider whose calls need the organization's OAuth
// connection: the host passes the access token under [SettingAccessToken].
const CapabilityOAuth = "oauth"
