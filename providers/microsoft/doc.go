// Package microsoft is the Microsoft 365 provider of the calendar and video
// integrations (UC-ADMIN-007 §2.1 Outlook, §2.3 Teams, §11): Outlook
// calendar events with attendees and free/busy, and Microsoft Teams online
// meetings with their join URL, through Microsoft Graph v1.0 with the
// organization's OAuth connection.
//
// # Source
//
// Modelled on Microsoft's public Graph v1.0 reference
// (https://graph.microsoft.com/v1.0): the event resource and its
// dateTimeTimeZone values (wall-clock time plus zone, IANA names accepted;
// answers in the zone of the Prefer: outlook.timezone header); create event
// (POST /me/events or /users/{id|userPrincipalName}/events, with
// transactionId against duplicates on retries, isOnlineMeeting and
// onlineMeetingProvider teamsForBusiness), update event (PATCH), the event
// cancel action (POST .../events/{id}/cancel, 202, with a comment);
// calendar getSchedule; the onlineMeeting resource (POST .../onlineMeetings,
// createOrGet by externalId, PATCH, DELETE 204; joinWebUrl and
// joinMeetingIdSettings); OAuth 2.0 bearer tokens; and the error body
// {"error": {"code", "message", "innerError"}}. The tests run against a
// local server that answers as that reference documents.
//
// # OAuth
//
// The provider declares [providers.CapabilityOAuth] and holds no
// credentials: the host passes the connection's access token with each
// call under [providers.SettingAccessToken], and keeps the refresh token
// and the OAuth client (tenant, client ID, secret; scopes such as
// Calendars.ReadWrite and OnlineMeetings.ReadWrite) in its oauth
// connection. A 401 is a [providers.KindAuth] error: the host then
// refreshes the token once and calls once more.
//
// # Settings
//
// [FieldMailbox] ("me", a user principal name or an object ID),
// [FieldTimeZone] (IANA, default UTC) and [FieldBaseURL] (https only,
// except to a loopback address; a national cloud's Graph).
//
// # Operations
//
// [Provider.Do] runs the operations of package calendar (Outlook: hosts
// call calendar.EventCreate, EventUpdate, EventCancel and FreeBusyQuery)
// and of package meeting (Teams: meeting.Create, Update, Delete). Graph
// invites, updates and cancels attendees itself, so Notify is not sent;
// Teams meetings have no agenda. Idempotency keys become a transactionId
// (events) or an externalId with createOrGet (meetings), [TransactionID] of
// the key, so a retried create returns what the first made.
//
// Errors: 401 and 403 (ErrorAccessDenied, missing permissions) are
// [providers.KindAuth] ("Authentication failed. Please check
// credentials."); 429 is [providers.KindRateLimited] with the Retry-After
// wait; 5xx is [providers.KindRetryable] ("Microsoft 365 is currently
// unavailable"), keeping a Retry-After; other 4xx (ErrorItemNotFound,
// ErrorInvalidUser, a cancel by someone not the organizer) are
// [providers.KindInvalidInput] with Graph's message and code. The token
// never appears in errors or log records.
//
// # Connection test
//
// [Provider.Check] runs the DNS, TCP and TLS stages against Graph and
// authenticates by reading the signed-in user (GET /me).
//
// # Plugin
//
// The command intime-provider-microsoft serves the provider as a plugin.
package microsoft
