// Package webhook delivers the host application's events to the
// subscribers' HTTPS endpoints: subscriptions with the form rules of
// UC-ADMIN-007 §17, an event catalog with sample payloads, signed requests,
// a durable queue with retries, a dead letter queue, replay, history, test
// sends, and [Verify] for receivers.
//
// # Setting up
//
// [New] takes a [storage.Store] (SQLite or PostgreSQL) and a [Config] whose
// zero value is usable. [Dispatcher.Start] runs the workers and
// [Dispatcher.Stop] stops them gracefully. Every call is scoped by
// organization ID. [New] refuses Config sizes beyond their bounds
// ([WorkersMax], [BatchSizeMax], ...), and a nil context, parameters or
// event is an error matching [ErrNilArgument], never a panic.
//
// # Subscriptions
//
// [Dispatcher.SubscriptionCreate] checks the form and answers with a
// [*ValidationError] holding the spec's message per field ("Webhook name is
// required", "Please enter a valid HTTPS URL", "Webhook URLs must use HTTPS
// for security", "Please select at least one event to subscribe to", "A
// webhook with this name already exists", ...). A URL with white space or
// a fragment is not a valid HTTPS URL, and one whose host is an IP address
// the SSRF guard refuses (or localhost) is refused with [MsgURLNotPublic]
// unless [Config].AllowAddrs admits it. It generates the signing
// secret, 24 random bytes as a 32-character base64 string, which appears in
// full only in its result and in that of
// [Dispatcher.SubscriptionSecretRegenerate]; everywhere else it is masked.
// After a regeneration the old secret keeps signing beside the new one for
// [Config].SecretOverlap (24 h by default). Each subscription may carry its
// own [retry.Policy]; otherwise [Config].OrgPolicy, then
// [Config].DefaultPolicy applies (ADMIN-INT-012).
//
// # Publishing
//
// [Dispatcher.Publish] writes one pending row per matching active
// subscription and returns; [Dispatcher.PublishTx] does so through a store
// bound to the host's PostgreSQL transaction, so events commit or roll back
// with the host's own data. An idempotency key makes a repeated publish a
// no-op. Payloads over 10 MB are refused with [ErrPayloadTooLarge], whose
// text is the spec's "Request payload too large (max 10 MB)".
//
// # Delivery
//
// The queue is the webhook_deliveries table. Workers lease due rows in
// batches with a fencing token (FOR UPDATE SKIP LOCKED on PostgreSQL, the
// single writer on SQLite), at most [Config].PerSubscriptionLimit per
// subscription and Dispatcher, so a slow endpoint cannot starve the rest.
// Each Dispatcher (each host, on PostgreSQL) has a cap of its own, so that
// hosts share a busy subscription's rows rather than the quickest taking
// them all. Each attempt is a POST with these headers:
//
//	Content-Type: application/json
//	X-InTime-Event: job.created
//	X-InTime-Delivery: <event ID, the same on every retry>
//	X-InTime-Attempt: 1
//	X-InTime-Signature: sha256=<hex HMAC-SHA256 of the body, keyed by the secret>
//	webhook-id: msg_<event ID>
//	webhook-timestamp: <unix seconds>
//	webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">
//
// The Standard Webhooks signature is keyed by the base64-decoded secret, as
// the Standard Webhooks libraries expect: configure them with
// "whsec_" + secret. While a secret is being rotated, both signature headers
// carry one signature per live secret, newest first, each on one line:
// space-separated in webhook-signature (as Standard Webhooks specifies) and
// ", "-separated in X-InTime-Signature.
//
// A 2xx answer is a success. Redirects are never followed: a 3xx is a
// failure. A 410 disables the subscription. Other failures are retried as
// the policy says (429 honours Retry-After, beyond the policy's MaxDelay if
// need be, up to [RetryAfterMax]), each attempt bounded by the
// policy's timeout; each attempt is its own row with its request, response
// (body cut at 64 KiB) and duration. When the retries are spent the delivery
// goes to the dead letter queue (when the policy enables it) and
// [Config].OnDeadLetter is called. [Config].Logger gets one record per
// failed attempt (Warn, Error for a dead letter), without payload or secret. Workers hand their results to one
// recorder, which writes them in batches, one transaction for many
// attempts; each row stays leased until its result commits. On
// PostgreSQL the recorder also makes the claims: the next claim goes to the
// database with the batch of results, one round trip and one commit for
// both, and the Dispatcher counts the rows it holds per subscription itself
// for [Config].PerSubscriptionLimit, so that recording an attempt writes its
// row and nothing else (see [storage.DeliveryPumper]). A Publish or
// PublishBatch in a process whose workers are running and idle hands its
// rows to them: the store writes them already leased to this Dispatcher
// ([storage.DeliveryPublishLeaser]), within the free places and
// PerSubscriptionLimit, so the first attempt starts without a claim (on
// PostgreSQL, publish to first attempt 0.8 ms at the median instead of
// 1.4 ms); rows that do not fit are written due, for the claim loop. A
// claimed row
// whose subscription cannot be read (the database is down) is tried again
// after a short pause (250 ms, doubling up to 2 s) while its lease lasts,
// without holding a worker, and results that cannot be recorded are retried
// too, so deliveries resume within seconds once the database is back.
// Delivery is at least once: a crashed process's leases expire and another
// worker takes the rows over.
//
// # Server-side request forgery
//
// The default transport checks every address after DNS resolution, right
// before connecting, and refuses loopback, private, link-local, CGNAT,
// multicast, cloud metadata and other non-global addresses
// ([AddrAllowed]), unless [Config].AllowAddrs lists them. Subscription
// URLs naming such an address are refused when they are entered; names are
// checked at every attempt, after DNS resolution.
//
// # Operating
//
// [Dispatcher.DeliveryList] and [Dispatcher.DeliveryGet] show history
// (ADMIN-INT-005), [Dispatcher.SubscriptionStats] the 30-day success rate,
// [Dispatcher.DeliveryReplay] and [Dispatcher.DeliveryReplayBulk] send
// deliveries again (ADMIN-INT-006), the DLQ calls review the dead letter
// queue (ADMIN-INT-013), [Dispatcher.TestSend] is the §12 debugger and
// [Dispatcher.DeliveryPrune] (or [Config].Retention) bounds history.
//
// The screens' other buttons: [Dispatcher.SubscriptionCreateTested] creates
// a subscription and sends it the signed test payload at once, and its
// [CreateResult] says whether it arrived ("Webhook created, test payload
// sent", ADMIN-INT-004); [Dispatcher.DeliveryExport] streams the history
// that the history's filters select as CSV or NDJSON ("Export Logs"),
// a page at a time, in constant memory; [Dispatcher.DeliveryReplayFailed]
// is "Replay Failed" over the same filters; [Dispatcher.DLQCount] is
// "Current DLQ items: 3" (§13), and dead letters raise the DLQ alert
// through [Config].Alerts ([Dispatcher.DLQAlertCheck]), resolved once the
// queue is empty.
//
// # Receiving
//
// [Verify] checks either signature scheme, with a five-minute timestamp
// tolerance for Standard Webhooks, and tells a missing signature header
// ([ErrNoSignature]) from a malformed one ([ErrMalformedSignature]) and a
// wrong one ([ErrInvalidSignature]). Package webhooktest has a recording
// receiver for tests.
package webhook
