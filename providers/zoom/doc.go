// Package zoom is the Zoom provider of the video integration
// (UC-ADMIN-007 §2.3 "Video: interviews", §11): it schedules, updates and
// deletes interview meetings and returns their join URL, through the Zoom
// API v2 with the organization's OAuth connection.
//
// # Source
//
// Modelled on Zoom's public API v2 reference (https://api.zoom.us/v2):
// create a meeting (POST /users/{userId}/meetings, "me" for the connected
// user; type 2, start_time in UTC, duration in minutes, timezone, agenda,
// settings.waiting_room and meeting_invitees; 201 with join_url and
// password), get a meeting, update a meeting (PATCH /meetings/{meetingId},
// 204), delete a meeting (DELETE, 204), get a user (GET /users/me); OAuth
// 2.0 bearer tokens; and the error body {"code", "message"}: 124 invalid
// access token (401), 4711 a token without the needed scope (400), 1001
// user and 3001 meeting not found (404), 429 with Retry-After for the daily
// limits. The tests run against a local server that answers as that
// reference documents.
//
// # OAuth
//
// The provider declares [providers.CapabilityOAuth] and holds no
// credentials: the host passes the connection's access token with each
// call under [providers.SettingAccessToken], and keeps the refresh token
// and the OAuth app (client ID, secret; scopes meeting:write and
// user:read) in its oauth connection. A 401 (or Zoom's 124 and 4711
// whatever the status) is a [providers.KindAuth] error: the host then
// refreshes the token once and calls once more.
//
// # Settings
//
// [FieldUserID] ("me", or a user's email or ID to schedule for),
// [FieldTimeZone] (IANA, default UTC), [FieldWaitingRoom] (on or off,
// default on) and [FieldBaseURL] (https only, except to a loopback
// address).
//
// # Operations
//
// [Provider.Do] runs the operations of package meeting; hosts call
// meeting.Create, Update and Delete. The meeting's duration is End - Start
// rounded up to whole minutes; an update reads the meeting back for its
// receipt. Zoom has no idempotency key, so a retried create may schedule a
// second meeting. The host's start_url is a credential and is never
// returned. Meeting IDs are 9 to 12 digits.
//
// Errors: auth as above ("Authentication failed. Please check
// credentials."); 429 is [providers.KindRateLimited] with the Retry-After
// wait; 5xx is [providers.KindRetryable] ("Zoom is currently unavailable");
// other 4xx are [providers.KindInvalidInput] with Zoom's message and code.
// The token never appears in errors or log records.
//
// # Connection test
//
// [Provider.Check] runs the DNS, TCP and TLS stages against the API host
// and authenticates by reading the connected user.
//
// # Plugin
//
// The command intime-provider-zoom serves the provider as a plugin.
package zoom
