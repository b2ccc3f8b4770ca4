// Package google is the Google Calendar provider of the calendar
// integration (UC-ADMIN-007 §2.1, §11): it creates, updates and cancels
// interview events with attendees, and reads free/busy time, through the
// Google Calendar API v3 with the organization's OAuth connection.
//
// # Source
//
// Modelled on Google's public reference of the Calendar API v3
// (https://www.googleapis.com/calendar/v3): the Event resource;
// events.insert (POST /calendars/{calendarId}/events, with sendUpdates and
// conferenceDataVersion=1 for a Google Meet link through
// conferenceData.createRequest, and a client-chosen event ID of base32hex
// characters), events.get, events.patch, events.delete (204; 410 "deleted"
// once an event is cancelled); freebusy.query (POST /freeBusy);
// calendars.get; OAuth 2.0 bearer tokens; and the error body {"error":
// {"code", "message", "status", "errors": [{"domain", "reason",
// "message"}]}} with the reasons of the API's error guide. The tests run
// against a local server that answers as that reference documents.
//
// # OAuth
//
// The provider declares [providers.CapabilityOAuth]. It holds no
// credentials: the host (the integration Manager) reads the connection's
// access token from its oauth TokenSource before each call and passes it
// in the call's settings under [providers.SettingAccessToken]; the
// provider sends it as a bearer token and forgets it. The refresh token and
// the OAuth client (client ID, secret, scopes) stay with the host's oauth
// connection, which asks for https://www.googleapis.com/auth/calendar or
// calendar.events. A 401 is a [providers.KindAuth] error: the host then
// refreshes the token once and calls once more.
//
// # Settings
//
// [FieldCalendarID] ("primary", or a calendar's email-like ID),
// [FieldTimeZone] (IANA, default UTC), [FieldSendUpdates] (all,
// externalOnly or none; default all) and [FieldBaseURL] (https only,
// except to a loopback address).
//
// # Operations
//
// [Provider.Do] runs the operations of package calendar; hosts call
// calendar.EventCreate, EventUpdate, EventCancel and FreeBusyQuery. An
// event created with an ID (the operation's idempotency key) gets the
// Google event ID [EventID] of that key, so that a retried create finds
// Google's 409 duplicate and returns the event made the first time. A
// cancellation is a delete that notifies the attendees; cancelling again
// succeeds with CancelReceipt.AlreadyCancelled.
//
// Errors: 401 is [providers.KindAuth] ("Authentication failed. Please check
// credentials."); 403 is KindAuth for missing permissions or scopes,
// [providers.KindRateLimited] for the usage limit reasons
// (rateLimitExceeded, userRateLimitExceeded, quotaExceeded,
// dailyLimitExceeded) and [providers.KindInvalidInput] for
// forbiddenForNonOrganizer; 429 is KindRateLimited with the Retry-After
// wait; 5xx is [providers.KindRetryable] ("Google Calendar is currently
// unavailable"); other 4xx are KindInvalidInput with Google's message and
// reason. The token never appears in errors or log records.
//
// # Connection test
//
// [Provider.Check] runs the DNS, TCP and TLS stages against the API host
// and authenticates by reading the configured calendar.
//
// # Plugin
//
// The command intime-provider-google serves the provider as a plugin.
package google
