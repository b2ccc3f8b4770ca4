// Package storage is the seam between the integration SDK and its database.
//
// [Store] is the interface every backend implements: [github.com/intimeos/integrations/storage/sqlite]
// (the embedded default, pure Go) and [github.com/intimeos/integrations/storage/postgres]
// (production and several hosts). Both pass one contract suite,
// [github.com/intimeos/integrations/storage/storagetest.Exercise].
//
// # Tables
//
// The documented tables of UC-ADMIN-007 §18:
//
//   - integrations: one configured provider connection ([Integration]).
//   - oauth_tokens: an OAuth connection's token set ([OAuthToken]).
//   - webhooks: outbound subscriptions ([Webhook]).
//   - webhook_deliveries: one row per delivery attempt ([Delivery]); a
//     pending row with next_retry_at is a job of the delivery queue.
//   - webhook_dlq: deliveries that failed every retry ([DLQEntry]).
//
// and what the features need besides:
//
//   - integration_logs: the per-integration log the admin filters ([LogEntry]).
//   - integration_metrics: counters per integration, metric and time bucket ([MetricBucket]).
//   - integration_log_summaries: the claim of each integration's daily log
//     summary, one row per UTC day, so one host writes it
//     ([LogStore].LogSummaryInsert).
//   - integration_alerts: de-duplicated alert conditions ([Alert]).
//   - oauth_states: pending, single-use authorization requests ([OAuthState]).
//   - api_tokens: hashed credentials for the host's API ([APIToken]).
//   - organization_settings: an organization's default retry policy
//     ([OrganizationSettings]).
//   - integration_routes: the primary and backup integration of each type
//     of an organization ([IntegrationRoute]).
//   - inbound_endpoints: the URL token (sealed) and the kept event categories
//     of an integration's inbound provider events ([InboundEndpoint]).
//   - inbound_events: the normalised provider events received, once per
//     integration and provider event ID ([InboundEvent]).
//   - integration_manual_queue: the operations queued while an integration
//     is in manual mode, replayed in order ([ManualStore]).
//
// and two of the store's own: intime_schema_migrations (the migrations
// applied) and intime_key_checks (one check value per key ID, see Secrets at
// rest).
//
// Documented columns keep their names and types, with two exceptions:
// webhooks.secret is TEXT rather than VARCHAR(64), because it holds
// ciphertext, and on PostgreSQL webhook_deliveries.payload is json rather
// than JSONB, because jsonb rewrites the text (key order, duplicate keys,
// numbers, escapes) and deliveries must send the bytes published (SQLite
// keeps JSON as TEXT, which never rewrote it). Additions (organization_id
// on child tables so every query is tenant-scoped without a join, a version
// for compare-and-swap token refreshes, an event ID shared by every attempt
// of one delivery, secret-rotation columns, ...) are listed in each
// backend's second migration. The spec's foreign keys to organizations and
// user_profiles are dropped: those tables belong to the host; the UUID
// columns stay.
//
// # Tenancy
//
// Every method takes an organization ID, and a row of another organization
// is [ErrNotFound], exactly as if it did not exist. The exceptions are the
// few lookups that happen before the organization is known (an OAuth
// callback's state, an API token's hash) and the maintenance calls of
// [Maintenance].
//
// # Secrets at rest
//
// A backend is built with a [Sealer] and seals integration configs, OAuth
// tokens, PKCE verifiers and webhook secrets on every write, and opens them
// on every read. Callers see plaintext; the database holds only
// ciphertext. After adding a key, [Maintenance.SecretsReseal] moves every
// value to it, and the old key can be retired.
//
// Every key ID is bound to its key on a database: [Maintenance.Migrate]
// (which the backends' Open calls) records in intime_key_checks a check value
// sealed with the Sealer's current key the first time that key seals there,
// and opens every recorded check value whose key the Sealer holds. A wrong
// key under a known ID is refused with [KeyMismatchError] ("key k1 does not
// match the key that sealed this database") before it seals anything.
// Rotation records the new ID beside the old ones; check values of keys the
// Sealer does not hold (retired, or not yet rolled out to this host) are
// passed over. The check runs in the migration's transaction and lock, so
// hosts opening a new database at once take turns and the first one's key
// is the database's. A database written before check values existed is
// compared with the values already sealed under the ID (up to 500 per secret
// column) before the ID's check value is recorded.
//
// # Input
//
// Every backend refuses the same input with the same [*InvalidError]
// (matching [ErrInvalid]) before any statement runs, through the Validate
// methods of the parameter structs: text must be valid UTF-8 without NUL
// bytes (PostgreSQL's TEXT refuses them), names and types at most the
// characters of their VARCHAR ([NameMaxLen], [TypeMaxLen], ...), keys held
// by a unique index and searched by a lookup at most [KeyMaxLen] characters,
// statuses, levels and severities one of their values, configs and payloads
// JSON, JSON stored as jsonb (log details, retry policies) what jsonb holds
// (no \u0000, no half surrogate pairs, numbers within numeric's range),
// webhook secrets 24 to 64 bytes of standard base64 ([SecretMinBytes]), and
// list filters and lookups text a row could hold. Nil parameters are errors.
//
// # The delivery queue
//
// webhook_deliveries is also the webhook dispatcher's durable queue
// ([DeliveryQueue]): a pending row whose next_retry_at has passed is a job.
// Workers lease rows with [DeliveryQueue.DeliveryClaim] (a fencing token in
// claim_id, an expiry in locked_until), record each attempt with
// [DeliveryQueue.DeliveryFinish] or [DeliveryQueue.DeliveryFinishBatch] only
// while the lease is still theirs, and a reaper returns expired leases.
// OAuth tokens nearing expiry are claimed the same way for proactive refresh
// ([OAuthRefreshStore]), so no leader election is needed across hosts.
//
// # Migrations
//
// Each backend embeds numbered migrations: 0001 the documented schema, 0002
// the feature tables and columns, 0003 the queue's lease columns, 0004 the
// OAuth refresh lease; 0005 is a per-webhook due index on SQLite, and on
// PostgreSQL the lease counts per claim and webhook that let a claim be a
// HOT update (no index holds locked_until); 0006 (PostgreSQL) makes dead
// letters go with their webhook; 0007 adds intime_key_checks, and on
// PostgreSQL turns webhook_deliveries.payload into json; 0008 adds what the
// integration Manager keeps: each integration's health-check interval, when
// its status changed and its last call's error ([IntegrationHealth]), the
// due index of health checks, organization_settings and
// integration_routes; 0009 adds the API-access tables (token settings and
// their change feed, leased rate windows, usage, throttles, anomalies and
// Zapier's marks); 0012 adds inbound_endpoints and inbound_events; 0014
// adds integrations.credentials_rotated_at, integrations.manual_mode and
// integration_manual_queue.
//
// # Health checks and activity
//
// Health checks are claimable rows like deliveries
// ([IntegrationHealthStore]): an integration is due when next_check_at has
// passed, and a claim leases it by moving next_check_at ahead; that value
// is the fencing token the result presents. The Manager's recorder writes
// the log entries, metric buckets and last syncs of many calls in one
// transaction ([ActivityStore]).
//
// # Lists
//
// Lists are newest first and paged by keyset ([Cursor], [Page]), so a page
// deep into a long delivery history costs the same as the first.
package storage
