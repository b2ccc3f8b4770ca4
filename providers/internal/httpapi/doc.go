// Package httpapi is what the HTTP API providers (twilio, bamboohr,
// paychex, everify, slack, jobboards, google, microsoft, zoom, ringcentral,
// linkedin, workday, oidc) share: the [Config] their own Config types
// convert to, a client that sends one request and classifies the answer
// with the providers error kinds, the staged connection test, the URL rule
// for credentials, a cache of OAuth 2.0 client credentials token sources
// that also sends requests with them ([Tokens.Do]), the host's per-call
// OAuth access token as a bearer token ([AccessToken], [Client.BearerJSON],
// [SessionWith]), and the JSON plumbing of typed operations: the typed
// packages' (calendar, meeting, sms) table of operations ([Ops], [Typed])
// and their hosts' calls ([CallValid]).
//
// # Classification
//
// [StatusError] maps an HTTP error answer: 401 and 403 are
// [providers.KindAuth], 429 is [providers.KindRateLimited] with the
// Retry-After wait, 408 and 5xx are [providers.KindRetryable] (keeping a
// Retry-After if the service sent one), and other 4xx are
// [providers.KindInvalidInput]. Transport failures keep their behaviour
// based class (timeout, refused, DNS, TLS) and never carry the request URL,
// which may hold a secret (a Slack incoming webhook is one). A service whose
// codes mean more than one thing revises the kind with [Client.Classify]
// (Google answers 403 for rate limits too).
//
// # Connection test
//
// [Check] runs the DNS, TCP and TLS stages of [providers.CheckEndpoint]
// against a base URL, then the provider's authentication stage. It is the
// one place these providers call providers.CheckEndpoint.
package httpapi
