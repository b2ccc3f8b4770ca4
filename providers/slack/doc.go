// Package slack is the Slack provider: messages posted through an incoming
// webhook or through the Web API's chat.postMessage with a bot token.
//
// # Source
//
// Modelled on Slack's public documentation: incoming webhooks (POST JSON
// to the hook's URL; 200 "ok", or a plain text code with 400
// invalid_payload/no_text, 403 action_prohibited, 404 no_service or
// channel_not_found, 410 channel_is_archived, 500 rollup_error), and the
// Web API (POST https://slack.com/api/{method} with "Authorization: Bearer
// xoxb-...", answers {"ok": true, ...} or HTTP 200 with {"ok": false,
// "error": "..."}, and 429 with Retry-After when rate limited). The tests
// run against a local server that answers as Slack does. The example
// program examples/custom-provider stays as a third-party plugin example;
// this package is the provider the SDK ships.
//
// # Settings
//
// [FieldWebhookURL] and [FieldBotToken] are both optional and both secret,
// but one is needed. [FieldChannel] is the Web API's default channel.
// [FieldAPIURL] overrides [DefaultAPIURL]. URLs must be https, except to a
// loopback address.
//
// # Operations
//
// [Provider.Do] runs [OpMessagePost] ([Message] in, [Posted] out; hosts
// call [MessagePost]): through the Web API when a bot token is configured
// (or [Message.Via] is [ViaAPI]), else through the webhook.
//
// Slack's answers are classified with the providers error kinds: invalid,
// revoked or expired tokens and missing scopes (and a webhook answering 403
// or 404 no_service) are [providers.KindAuth]; 429 and "ratelimited" are
// [providers.KindRateLimited] with the Retry-After wait; 5xx, fatal_error,
// internal_error, service_unavailable and request_timeout are
// [providers.KindRetryable] ("Slack is currently unavailable"); the rest
// (channel_not_found, not_in_channel, is_archived, msg_too_long, ...) are
// [providers.KindInvalidInput]. Tokens and webhook URLs never appear in
// errors or log records.
//
// # Connection test
//
// [Provider.Check] runs the DNS, TCP and TLS stages, then auth.test with the
// bot token and an empty post to the webhook (which Slack refuses without
// posting anything).
//
// # Plugin
//
// The command intime-provider-slack serves the provider as a plugin.
package slack
