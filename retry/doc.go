// Package retry implements the retry policy of the integration admin
// (UC-ADMIN-007 §13 and §17) on top of [github.com/cenkalti/backoff/v4], and
// classifies what went wrong in an attempt so that the policy can decide
// whether to try again.
//
// Webhook delivery, provider calls and OAuth refreshes all build on it.
//
// # Policy
//
// [Policy] holds the form's settings: MaxRetries (1 to 10, default 3), the
// [Strategy] (exponential 1s → 2s → 4s → 8s, linear 1s, 2s, 3s, or a fixed
// delay of 1 to 300 seconds), jitter (±20%), MaxDelay (10 to 300 seconds,
// caps every delay), the per-attempt timeout, the classes to retry on and the
// dead letter queue switch. [DefaultPolicy] returns the spec's defaults.
// [Policy.Validate] and [PolicyForm.Validate] return a [*ValidationError]
// with the spec's messages, one per field; [PolicyForm] has optional fields,
// so that an empty field gets the spec's "is required" message.
// [Policy.Delays] and [Policy.Preview] show the schedule.
//
// A Policy's JSON form uses the spec's field names (maxRetries,
// retryStrategy, fixedDelay, enableJitter, maxDelay, attemptTimeout, retryOn,
// enableDlq), durations as integer seconds and classes by name.
//
// # Classification
//
// [ClassifyError] and [ClassifyResponse] turn an attempt's result into an
// [Outcome] by behaviour (errors.Is and errors.As, never error text): 5xx,
// timeout, connection refused, DNS failure, 429 with its Retry-After (parsed
// by [ParseRetryAfter]), other 4xx, TLS, other network errors, permanent and
// canceled. Errors can carry their own class: [Permanent], [WithClass],
// [RateLimited], or any error implementing [ClassedError] and
// [DelayedError], which is how a class crosses a process boundary.
// [IsRetryable] answers "is this transient?" without a policy.
//
// # Running and scheduling
//
// [Do] runs an operation under a policy, with a per-attempt timeout, and
// returns an [*Error] with the attempt count and last outcome when it gives
// up. Its waits go through an injectable backoff.Timer, so tests do not sleep.
// [NextAttempt] makes the same decision as a pure function for callers that
// schedule retries (the durable delivery queue) instead of waiting.
package retry
