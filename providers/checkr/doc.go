// Package checkr is the Checkr background check provider: candidates,
// invitations and report status over Checkr's REST API, and Checkr's
// webhooks verified and normalised into background check events.
//
// # Settings
//
// [FieldAPIKey] is the account's secret API key, sent as the user name of
// HTTP Basic authentication with an empty password; it also keys the HMAC
// of inbound webhooks. [FieldBaseURL] overrides [DefaultBaseURL] (staging,
// tests); it must be https, except to a loopback address.
//
// # Operations
//
// [Provider.Do] runs three operations, JSON in and JSON out:
//
//   - [OpCandidateCreate]: [CandidateCreateParams] in, [Candidate] out
//     (POST /v1/candidates);
//   - [OpInvitationCreate]: [InvitationCreateParams] in, [Invitation] out
//     (POST /v1/invitations), whose invitation URL the candidate follows to
//     give consent and the rest of their details;
//   - [OpReportGet]: [ReportGetParams] in, [Report] out (GET
//     /v1/reports/{id}).
//
// Hosts call them through any [providers.Caller] with the typed helpers
// [CandidateCreate], [InvitationCreate] and [ReportGet].
//
// Checkr's answers are classified with the providers error kinds: 401 and
// 403 are [providers.KindAuth] ("Authentication failed. Please check
// credentials."), 429 is [providers.KindRateLimited] with the Retry-After
// wait, 5xx is [providers.KindRetryable] ("Checkr is currently
// unavailable"), and other 4xx (400, 404, 409, 422) are
// [providers.KindInvalidInput] with Checkr's {"error": "..."} message.
//
// # Connection test
//
// [Provider.Check] runs the DNS, TCP and TLS stages against the API host
// and authenticates with a read-only GET /v1/account.
//
// # Webhooks
//
// Checkr signs each webhook with [SignatureHeader]: the hex HMAC-SHA256 of
// the raw body keyed with the API key. [Provider.HandleWebhook] refuses a
// request whose signature is missing or wrong ([providers.KindAuth]) and
// turns report, invitation and candidate events into [providers.Event]s of
// the types listed with [EventCompleted] whose Data is an [EventData];
// other Checkr event types are acknowledged and yield no event. [Verify]
// and [Sign] are the signature on its own.
//
// # Plugin
//
// The command intime-provider-checkr serves the provider as a plugin.
package checkr
