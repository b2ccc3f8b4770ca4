// Package bamboohr is the BambooHR HRIS provider: the employee directory,
// an employee sync (employees changed since a time, with their fields),
// and employee updates, over BambooHR's REST API.
//
// # Source
//
// Modelled on BambooHR's public API documentation: requests to
// https://api.bamboohr.com/api/gateway.php/{companyDomain}/v1/..., HTTP
// Basic authentication with the API key as the user name and any password
// ("x"), JSON with "Accept: application/json"; GET /employees/directory
// ({"fields": [...], "employees": [...]}), GET /employees/changed?since=
// (ISO 8601; {"latest": ..., "employees": {"<id>": {"id", "action",
// "lastChanged"}}}), GET /employees/{id}?fields=a,b, POST /employees/{id}
// with a JSON object of fields, GET /meta/fields; error details in the
// X-BambooHR-Error-Message header; and the announced move of rate limiting
// from 503 to 429 with Retry-After. The tests run against a local server
// that answers as that documentation describes.
//
// # Settings
//
// [FieldCompanyDomain] (the subdomain) and [FieldAPIKey] are required;
// [FieldBaseURL] overrides [DefaultBaseURL] (https only, except to a
// loopback address). The API key never appears in errors or log records.
//
// # Operations
//
// [Provider.Do] runs, JSON in and JSON out, under the HRIS type's names so
// that another HRIS provider can serve the same payloads:
//
//   - [OpDirectory]: [Directory] out (hosts call [EmployeesDirectory]);
//   - [OpSync]: [SyncParams] in, [SyncResult] out ([EmployeesSync]): the
//     employees changed since a time, oldest change first, each inserted or
//     updated one with the fields asked for; a sync cut short by its limit
//     says More, and its Latest is where the next one starts;
//   - [OpUpdate]: [UpdateParams] in, [UpdateResult] out
//     ([EmployeeUpdate]).
//
// BambooHR's answers are classified with the providers error kinds: 401 and
// 403 are [providers.KindAuth], 429 is [providers.KindRateLimited] with the
// Retry-After wait, 5xx is [providers.KindRetryable] ("BambooHR is
// currently unavailable"; a 503 keeps its Retry-After, as BambooHR used it
// for throttling), other 4xx (400 unknown field, 404 unknown employee or
// company) are [providers.KindInvalidInput] with BambooHR's message.
//
// # Connection test
//
// [Provider.Check] runs the DNS, TCP and TLS stages against the API host and
// authenticates by reading the company's field list.
//
// # Plugin
//
// The command intime-provider-bamboohr serves the provider as a plugin.
package bamboohr
