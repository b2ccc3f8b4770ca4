// Package inbound receives the events providers post about an
// organization's integrations: SendGrid's Event Webhook, SES's bounces and
// complaints through Amazon SNS, Checkr's report events, Twilio's SMS
// status callbacks, and any provider that implements
// providers.Provider.HandleWebhook (UC-ADMIN-007 §4, "WEBHOOK
// (Bounce/Complaint Handling)").
//
// # Wiring
//
//	rcv, err := inbound.New(&inbound.Config{Manager: mgr, Providers: host,
//		BaseURL: "https://intime.com/api/webhooks", OnEvents: hostCallback, Webhooks: dispatcher})
//	mux.Handle("POST /api/webhooks/{provider}/{token}", rcv)
//	ep, err := rcv.Endpoint(ctx, orgID, integrationID) // ep.URL is what the admin gives SendGrid
//
// # Architecture
//
// A request goes through these steps; each may end it, and nothing in it is
// trusted before step 4.
//
//  1. Route. The path ends with {provider}/{token}. The token is 32 random
//     bytes (43 URL-safe characters) made for one integration of one
//     organization ([Receiver.Endpoint]); the store keeps its SHA-256 (for
//     the lookup) and the token itself sealed (to show the URL again).
//     A token of the wrong form is refused before any lookup; an unknown
//     one, or one whose provider is not the path's and the integration's,
//     is 404. The URL names no organization or integration ID: one
//     organization's request cannot reach another's integration, because
//     the only way to name an integration is its own unguessable token.
//  2. Body. At most Config.MaxBody (1 MiB) is read; more is 413 ("Request
//     payload too large (max 1 MB)").
//  3. Verify. The integration's provider gets the headers, the raw body
//     and the integration's stored settings (keys, tokens), in process or
//     through its plugin, and returns the events normalised or refuses
//     the request. For providers that sign the URL they call (Twilio), the
//     setting named by Config.URLSettings is first set to the public URL
//     of the request, made from Config.BaseURL, never from the Host header.
//  4. Authentic from here. A disabled integration's events are
//     acknowledged and dropped. An event the provider dates older than
//     Config.MaxEventAge (7 days) makes the request a replay: 401, nothing
//     recorded. (Providers with signed timestamps refuse stale signatures
//     themselves: SendGrid with sendgrid.Config.WebhookMaxAge, SNS after
//     an hour.)
//  5. Keep. Events of an unchecked category ([Category]: Bounces, Spam
//     Reports, Unsubscribes, Delivered, Opens, Clicks, stored per
//     integration, [Receiver.CategoriesSet]) are dropped. The others are
//     stored once per integration and provider event ID, in one
//     transaction with their metric counts ("inbound.email.bounced",
//     "inbound.sms.delivered", ... per hour): the store's unique index is
//     the de-duplication, shared by every host on the database, and an
//     event counts once however often it arrives. A provider event without
//     an ID gets a hash of its content as one.
//  6. Record. Each new bounce, spam report, unsubscribe, undelivered text
//     message, background check result or SNS subscription change is a
//     line of the integration's log (through the Manager's recorder); the
//     other new events are summed up in one line per request, so opens
//     and clicks do not flood it.
//  7. Hand over. The new events, and those stored by an earlier delivery
//     that failed before this step, go to Config.OnEvents (the host's
//     callback) and, for the types the Dispatcher's catalog has
//     ([WebhookEvents]), to outbound webhooks (Config.Webhooks, one
//     idempotency key per event); then they are marked published. If a
//     step fails the answer is 503, the provider retries, and the retry
//     finds them stored but unpublished: delivery to the host is at least
//     once, and [Event.ID] is the same every time.
//  8. Alert. After new events, the integration's rate rules ([RateRule],
//     [DefaultRules]) compare the bounce and spam report rates of the last
//     hour with the 7 days before; one far above raises an alert through
//     Config.Alerts (the store's alerts by default), de-duplicated per
//     integration and rule, at most once a minute per integration.
//
// # Answers
//
// Providers retry what they are not answered 2xx, SNS does not retry a 4xx,
// and none should be made to retry what cannot succeed. So:
//
//   - 200 for an accepted request, duplicates, ignored categories and a
//     disabled integration included: JSON with the counts, or for Twilio an
//     empty TwiML document;
//   - 401 for a signature missing, wrong or stale, or an event too old;
//   - 400 for a request the provider cannot use (no verification key
//     configured, a body it cannot read): final, logged with the reason;
//   - 404 for an unknown endpoint, 405 for a method other than POST, 413
//     for a body over the limit;
//   - 503 with Retry-After for what may pass: the store, a plugin
//     restarting, a certificate download, the host's callback.
//
// The answer never says why in more detail than that; Config.Logger gets
// the reason (never a body or a secret), and [Receiver.Stats] counts the
// outcomes. A refused request writes nothing to the store.
//
// # SES through SNS, Twilio, Checkr, SendGrid
//
// Each provider's verification is its own (see packages sendgrid, ses,
// checkr and twilio): SendGrid's ECDSA Event Webhook signature, SNS's
// RSA signatures (versions 1 and 2) with certificates fetched only from
// sns.<region>.amazonaws.com, Checkr's HMAC of the body, Twilio's HMAC of
// the URL and parameters. SES events are normalised to SendGrid's types and
// payload fields, so "email.bounced" is one event type whichever provider
// sent the message.
package inbound
