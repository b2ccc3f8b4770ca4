// Package adp is the ADP payroll provider: OAuth 2.0 client credentials
// over mutual TLS, the workers list and a payroll export of pay
// statements.
//
// # Authentication
//
// ADP issues each API client a client ID, a client secret and a client
// certificate. Every connection to ADP, the token endpoint
// ([DefaultTokenURL]) and the API ([DefaultBaseURL]) alike, is mutual TLS
// with that certificate. Access tokens come from the client credentials
// grant (golang.org/x/oauth2/clientcredentials, the client ID and secret
// in HTTP Basic auth), and one reusing token source is kept per set of
// credentials, so that all calls within a token's lifetime share one token
// request. An API answer of 401 drops the cached token and the call is
// tried once more with a fresh one.
//
// A certificate the server refuses (not issued by ADP, expired, revoked)
// fails the TLS handshake, not the OAuth exchange: such errors are
// classified as TLS failures, whose message is the spec's "SSL certificate
// verification failed" and whose recovery is "Update certificates"
// (UC-ADMIN-007 §16), rather than "Authentication failed. Please check
// credentials.", which is kept for refused client IDs, secrets and tokens.
//
// # Settings
//
// [FieldClientID], [FieldClientSecret], [FieldClientCertificate] and
// [FieldClientKey] (PEM) are required; [FieldCACertificate] (PEM) adds
// roots to trust for ADP's servers; [FieldBaseURL] and [FieldTokenURL]
// override the defaults (https only). The
// secret and the private key never appear in errors or log records.
//
// # Operations
//
// [Provider.Do] runs, JSON in and JSON out:
//
//   - [OpWorkersList]: [WorkersListParams] in, [WorkersPage] out (GET
//     /hr/v2/workers with $top and $skip);
//   - [OpPayrollExport]: [PayrollExportParams] in, [PayrollExportResult] out:
//     the last pay statements of the given workers, or of every worker
//     (GET /payroll/v1/workers/{aoid}/pay-statements), as normalised rows
//     and optionally as CSV, the spec's manual fallback for payroll
//     (UC-ADMIN-007 §9).
//
// Hosts call them through any [providers.Caller] with [WorkersList] and
// [PayrollExport]. 401 and 403 are [providers.KindAuth], 429 is
// [providers.KindRateLimited] with the Retry-After wait, 5xx is
// [providers.KindRetryable] ("ADP is currently unavailable"), other 4xx
// are [providers.KindInvalidInput].
//
// # Connection test
//
// [Provider.Check] runs DNS, TCP and TLS (with the client certificate)
// against the token endpoint's host, then requests a token. With TLS 1.3 a
// server reports a refused client certificate only after the handshake; the
// check then reports the TLS stage as failed.
//
// # Plugin
//
// The command intime-provider-adp serves the provider as a plugin.
package adp
