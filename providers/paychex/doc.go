// Package paychex is the Paychex payroll provider, beside ADP: OAuth 2.0
// client credentials to the Paychex Flex API, and the companies, workers
// and pay periods it serves.
//
// # Source
//
// Modelled on Paychex's developer documentation: the token endpoint
// POST https://api.paychex.com/auth/oauth/v2/token (grant_type
// client_credentials, client_id and client_secret in the form), bearer
// tokens on the API, GET /companies, GET /companies/{companyId}/workers
// (offset and limit paging), GET /companies/{companyId}/payperiods (from,
// to, status), answers shaped {"metadata": {...}, "content": [...]}. The
// error body, {"errors": [{"code", "description", "resolution"}]}, is
// modelled on the same documentation's error model; the gateway's 401 is
// OAuth's {"error", "error_description"}. Access to the API is granted to
// approved partners, so the tests run against a local server that answers
// in those shapes.
//
// # Authentication
//
// As package adp does (without ADP's mutual TLS), one reusing token source
// is kept per set of credentials, so all calls within a token's lifetime
// share one token request; an API answer of 401 drops the cached token and
// the call is made once more with a fresh one.
//
// # Settings
//
// [FieldClientID] and [FieldClientSecret] are required; [FieldCompanyID]
// is the company operations use when they name none; [FieldBaseURL] and
// [FieldTokenURL] override the defaults (https only, except to a loopback
// address). The secret and tokens never appear in errors or log records.
//
// # Operations
//
// [Provider.Do] runs, JSON in and JSON out:
//
//   - [OpCompaniesList]: [CompaniesPage] out ([CompaniesList]);
//   - [OpWorkersList]: [WorkersListParams] in, [WorkersPage] out
//     ([WorkersList]);
//   - [OpPayPeriodsList]: [PayPeriodsParams] in, [PayPeriodsPage] out
//     ([PayPeriodsList]).
//
// Answers are classified with the providers error kinds: a refused client
// (400 invalid_client, 401) and 401 and 403 from the API are
// [providers.KindAuth], 429 (token endpoint or API) is
// [providers.KindRateLimited] with the Retry-After wait, 5xx is
// [providers.KindRetryable] ("Paychex is currently unavailable"), other 4xx
// are [providers.KindInvalidInput] with Paychex's description and code.
//
// # Connection test
//
// [Provider.Check] runs DNS, TCP and TLS against the token endpoint's host,
// then requests a token without the cache and reads the companies with it.
//
// # Plugin
//
// The command intime-provider-paychex serves the provider as a plugin.
package paychex
