// Package httpapi is what the HTTP API providers (twilio, bamboohr,
// paychex, everify, slack, jobboards) share: a client that sends one
// request and classifies the answer with the providers error kinds, the
// staged connection test, the URL rule for credentials, a cache of OAuth 2.0
// client credentials token sources, and the JSON plumbing of typed
// operations.
//
// # Classification
//
// [StatusError] maps an HTTP error answer: 401 and 403 are
// [providers.KindAuth], 429 is [providers.KindRateLimited] with the
// Retry-After wait, 408 and 5xx are [providers.KindRetryable] (keeping a
// Retry-After if the service sent one), and other 4xx are
// [providers.KindInvalidInput]. Transport failures keep their behaviour
// based class (timeout, refused, DNS, TLS) and never carry the request URL,
// which may hold a secret (a Slack incoming webhook is one).
//
// # Connection test
//
// [Check] runs the DNS, TCP and TLS stages of [providers.CheckEndpoint]
// against a base URL, then the provider's authentication stage. It is the
// one place these providers call providers.CheckEndpoint.
package httpapi
