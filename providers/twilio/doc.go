// Package twilio is the Twilio SMS provider: text messages through
// Twilio's Programmable Messaging REST API, and delivery status callbacks
// verified with X-Twilio-Signature and normalised into SMS events.
//
// # Source
//
// Modelled on Twilio's public API reference: the Message resource (POST
// /2010-04-01/Accounts/{AccountSid}/Messages.json, form encoded, with To,
// From or MessagingServiceSid, Body, MediaUrl and StatusCallback; GET
// .../Messages/{Sid}.json), HTTP Basic authentication with the account SID
// and auth token, the error body {"code", "message", "more_info",
// "status"}, and the webhook security guide for the signature. The tests
// run against a local server that answers as that reference documents.
//
// # Settings
//
// [FieldAccountSID], [FieldAuthToken] and [FieldFromNumber] (E.164) are
// required. [FieldMessagingServiceSID] sends through a Messaging Service.
// [FieldStatusCallbackURL] is the host's public URL for status callbacks:
// it is sent with every message and is the URL the callbacks' signature is
// checked against, so the host must mount the webhook there exactly.
// [FieldBaseURL] overrides [DefaultBaseURL] (https only, except to a
// loopback address).
//
// # Operations
//
// [Provider.Do] runs [sms.OpSend] ([sms.Message] in, [sms.Receipt] out;
// hosts call [sms.Send]) and [OpMessageGet] ([MessageGetParams] in,
// [Message] out; hosts call [MessageGet]). Twilio's answers are classified
// with the providers error kinds: 401 and 403 are [providers.KindAuth]
// ("Authentication failed. Please check credentials."), 429 is
// [providers.KindRateLimited] with the Retry-After wait, 5xx is
// [providers.KindRetryable] ("Twilio is currently unavailable"), other 4xx
// (21211 invalid To, 21610 unsubscribed recipient, 404) are
// [providers.KindInvalidInput] with Twilio's message and error code. The
// auth token never appears in errors or log records.
//
// # Connection test
//
// [Provider.Check] runs the DNS, TCP and TLS stages against the API host and
// authenticates by reading the account.
//
// # Status callbacks
//
// Twilio signs each callback with [SignatureHeader]: the base64 HMAC-SHA1,
// keyed with the auth token, of the full callback URL followed by the POST
// parameters' names and values sorted by name ([Signature], [Verify]).
// [Provider.HandleWebhook] refuses a request whose signature is missing or
// wrong ([providers.KindAuth]) and turns the MessageStatus into one event:
// queued, accepted and scheduled are [sms.EventQueued]; sending, sent,
// delivered, undelivered, failed, read and canceled have their own types.
//
// # Plugin
//
// The command intime-provider-twilio serves the provider as a plugin.
package twilio
