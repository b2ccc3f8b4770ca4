// Package workday is the Workday HRIS provider (UC-ADMIN-007 §2.2, HRIS:
// BambooHR / Workday) where Workday's documented REST API allows: the
// worker directory, workers listed page by page and read one by one, and
// a worker's business title changed, with the organization's OAuth
// connection.
//
// # Source
//
// Modelled on Workday's REST API reference for the common service,
// version 1 (community.workday.com, REST API directory, "common/v1"):
//
//   - requests to https://{host}/ccx/api/v1/{tenant}/..., the REST API
//     endpoint Workday's View API Clients task shows, with an OAuth 2.0
//     bearer token of the tenant's API client;
//   - GET /workers?limit=&offset=&search=&includeTerminatedWorkers=, paged
//     (limit 1 to 100, default 20) and answering {"total": n, "data":
//     [...]}; GET /workers/{ID}, {ID} a Workday ID (WID); each worker's id,
//     descriptor, href, businessTitle, primaryWorkEmail, primaryWorkPhone,
//     isManager, primarySupervisoryOrganization and location (references
//     {id, descriptor, href}) and primaryWorkAddressText;
//   - POST /workers/{ID}/businessTitleChanges with {"proposedBusinessTitle"}
//     (201), which starts the business title change business process;
//   - the error envelope {"error": "...", "errors": [{"error", "field"}]};
//     401 for a token that is missing, invalid or expired; 403 for an API
//     client without the domain's permissions; 404 for an unknown worker
//     or tenant; 429 when Workday throttles; 5xx.
//
// Workday documents throttling with 429 but no Retry-After contract; the
// provider honours a Retry-After when one is sent. The tests run against a
// local server that answers as that reference describes.
//
// # OAuth
//
// The provider declares [providers.CapabilityOAuth] and holds no
// credentials: the host keeps the tenant's API client (Register API
// Client: client ID and secret, and the refresh token Workday issues per
// API client) in its Custom OAuth 2.0 connection, with the tenant's
// endpoints https://{host}/ccx/oauth2/{tenant}/authorize and
// https://{host}/ccx/oauth2/{tenant}/token, and passes the access token
// with each call under [providers.SettingAccessToken]. A 401 is a
// [providers.KindAuth] error: the host then refreshes the token once and
// calls once more. 403 is [providers.KindAuth] too.
//
// # Settings
//
// [FieldHost] and [FieldTenant] are required; [FieldBaseURL] overrides
// https://{host} (https only, except to a loopback address).
//
// # Operations
//
// The HRIS operations of package bamboohr, whose names and payloads are
// the integration type's, so that hosts call bamboohr.EmployeesDirectory
// and bamboohr.EmployeeUpdate whichever HRIS provider serves the
// integration:
//
//   - bamboohr.OpDirectory: the active workers, read in pages of 100 up to
//     [DirectoryMax], as a bamboohr.Directory: the WID as ID, descriptor as
//     displayName, businessTitle as jobTitle, primaryWorkEmail and
//     primaryWorkPhone as workEmail and workPhone, the primary supervisory
//     organization as department, the location. Workday's workers resource
//     has no first and last names: those stay empty.
//   - bamboohr.OpUpdate: changes the business title, given as jobTitle (the
//     HRIS name) or businessTitle (Workday's). Workday's REST API changes
//     no other worker field this way, so any other field is refused with
//     [providers.KindUnsupported] before a request is sent; nothing is
//     half applied. The change runs Workday's business process: a tenant
//     whose process needs approval applies it once approved.
//   - bamboohr.OpSync is answered with [providers.KindUnsupported]: the
//     REST API has no query of the workers changed since a time (Workday
//     offers that through its SOAP Get_Workers transaction log, which this
//     provider does not speak). It is not among the capabilities.
//
// and Workday's own, with typed helpers:
//
//   - [OpWorkersList]: [WorkersParams] in, [WorkersPage] out
//     ([WorkersList]);
//   - [OpWorkerGet]: [WorkerParams] in, [Worker] out ([WorkerGet]).
//
// Errors: auth as above ("Authentication failed. Please check
// credentials."); 429 is [providers.KindRateLimited] with the Retry-After
// wait; 5xx is [providers.KindRetryable] ("Workday is currently
// unavailable"); other 4xx are [providers.KindInvalidInput] with Workday's
// message and field errors. The token never appears in errors, and no
// worker data in log records.
//
// # Connection test
//
// [Provider.Check] runs the DNS, TCP and TLS stages against the API host
// and authenticates by reading one worker of the tenant.
//
// # Plugin
//
// The command intime-provider-workday serves the provider as a plugin.
package workday
