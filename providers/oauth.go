package providers

// CapabilityOAuth is listed in [Info.Capabilities] by providers whose calls
// need the OAuth access token of the integration's connection. The host
// (the integration Manager) fetches a valid token for every call and
// passes it in that call's [Settings] under [SettingAccessToken]; the
// provider uses it for that call only and never stores it. Refresh tokens
// never cross to the provider. A provider that gets a 401 returns a
// KindAuth error: the host then refreshes the token once and calls once
// more.
const CapabilityOAuth = "oauth"

// Settings keys the host adds to a call and never stores. Keys starting
// with "_" are reserved for the host: stored settings never hold them.
const (
	// SettingAccessToken is the OAuth access token for this call.
	SettingAccessToken = "_oauthAccessToken"
	// SettingTokenType is the token's type, "Bearer" when the server says
	// nothing else.
	SettingTokenType = "_oauthTokenType"
)
