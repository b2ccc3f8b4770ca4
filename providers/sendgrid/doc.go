// Package sendgrid is the SendGrid email provider: mail through the Web
// API v3 and the signed Event Webhook. It implements [providers.Provider]
// and is also a plugin binary, cmd/intime-provider-sendgrid.
//
// # Sending
//
// [Provider.Do] implements [email.OpSend] as POST /v3/mail/send with the
// API key as a Bearer token; SendGrid answers 202 Accepted with the
// message's ID in X-Message-Id, which becomes the [email.Receipt]. Answers
// are classified: 401 and 403 are [providers.KindAuth], 400 and 413
// [providers.KindInvalidInput] carrying SendGrid's errors[] messages, 429
// [providers.KindRateLimited] with the wait from Retry-After or
// X-RateLimit-Reset, 5xx and network failures retryable, so a failover
// group moves on to its next provider. The message's ID travels as the
// custom argument [CustomArgMessageID] and comes back in its events.
//
// # Connection test
//
// [Provider.Check] runs DNS, TCP and TLS against the API host, then GET
// /v3/scopes, an authenticated read-only call: the key must hold
// [ScopeMailSend].
//
// # Event Webhook
//
// [Provider.HandleWebhook] verifies the signature SendGrid sends in
// [HeaderSignature] (ECDSA P-256, ASN.1, base64) over [Digest] of
// [HeaderTimestamp] and the raw body, with the verification key of the
// webhookPublicKey setting (base64 DER, as SendGrid shows it). A forged or
// unsigned request is [providers.KindAuth]. Bounces, spam reports,
// unsubscribes, deliveries, opens and clicks (and processed, dropped,
// deferred) become events such as "email.bounced" ([EventTypes]) with an
// [EventData] payload.
//
// # Settings
//
// apiKey, fromEmail, fromName (the SMTP form's rules), webhookPublicKey and
// baseUrl (default [BaseURLDefault]; tests point it at a local server).
// Settings come with each call, never from the environment.
package sendgrid
