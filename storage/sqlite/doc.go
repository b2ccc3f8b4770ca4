// Package sqlite is the embedded SQLite backend of [storage.Store], on the
// pure Go driver modernc.org/sqlite (driver name "sqlite", no cgo).
//
// # Use
//
// Let it open the file, or hand it your *sql.DB:
//
//	store, err := sqlite.Open(ctx, "intime.db", &sqlite.Config{Sealer: keyring})
//	defer store.Close()
//
//	db, err := sql.Open(sqlite.DriverName, sqlite.DSN("intime.db"))
//	store, err := sqlite.New(db, &sqlite.Config{Sealer: keyring})
//	err = store.Migrate(ctx)
//
// [Open] opens, migrates and checks the Sealer's keys against the database
// (a wrong key under a known key ID is a [storage.KeyMismatchError]);
// [Store.Close] closes what it opened. [New] neither opens nor migrates:
// [Store.Migrate] migrates and checks the keys, and Close leaves the
// caller's *sql.DB open. postgres.Open and postgres.New read the same. A
// file SQLite cannot open is reported with its path and the operating
// system's reason (a missing directory, a permission).
//
// [Store.WithTx] binds a Store to a transaction begun on [Store.DB], so that
// deliveries are written with the caller's own rows (a transactional outbox).
//
// # One writer
//
// SQLite allows one writer at a time. [Open] therefore makes two pools on the
// file: a write pool of exactly one connection, through which every write
// goes, and a read pool of several read-only connections (query_only), which
// WAL lets read beside the writer. Writes of one process queue in
// database/sql instead of contending for SQLite's lock, so concurrent
// goroutines never see SQLITE_BUSY. Every write runs in a transaction that
// begins IMMEDIATE, taking the write lock up front; other processes on the
// same file wait for it up to the busy timeout.
//
// [Open] also checkpoints the write-ahead log in the background (a PASSIVE
// checkpoint every 250 ms on a connection of its own), and its writer only
// past 10,000 pages of log, as a backstop: otherwise the commit that takes
// the log past SQLite's default 1,000 pages runs the checkpoint and its
// fsyncs while its caller waits, which set the 99th percentile of a publish
// (6 to 7 ms against 2 to 3 ms).
//
// [New] runs reads and writes on the caller's *sql.DB and sets its
// MaxOpenConns to 1, the simple form of the same rule. The caller should open
// it with [DSN] (or the same pragmas): without busy_timeout and
// _txlock=immediate, a second process writing the file can make writes fail
// with SQLITE_BUSY.
//
// Statements are prepared once per connection and cached: parsing is a large
// part of a small statement's cost.
//
// # DSN pragmas
//
// [DSN] sets, on every connection:
//
//	_pragma=journal_mode(WAL)     readers do not block the writer, nor it them
//	_pragma=busy_timeout(10000)   wait up to 10 s for another process's lock
//	_pragma=foreign_keys(1)       enforce the REFERENCES clauses
//	_pragma=synchronous(NORMAL)   durable across crashes of the process; a
//	                              power loss may lose the last commits
//	_pragma=temp_store(MEMORY)    statement journals stay in memory
//	_txlock=immediate             BEGIN IMMEDIATE for every transaction
//
// # Tables
//
// The migrations are embedded and numbered, applied by [Store.Migrate] in one
// BEGIN IMMEDIATE transaction and recorded in intime_schema_migrations, so
// several processes can open and migrate the same file at once.
// 0001_documented_schema.sql is the schema of UC-ADMIN-007 §18: integrations,
// oauth_tokens, webhooks, webhook_deliveries, webhook_dlq and the documented
// indexes, without the foreign keys to the host's organizations and
// user_profiles tables (the UUID columns stay) and with webhooks.secret as
// TEXT, as it holds ciphertext. 0002_features.sql rebuilds those five tables
// to add the status CHECK constraints, tenant columns (organization_id on
// every table), OAuth token versions, webhook secret rotation, delivery
// event IDs and idempotency keys, and adds integration_logs,
// integration_metrics, integration_alerts, oauth_states and api_tokens.
// Foreign keys cascade where PostgreSQL's do: an integration takes its OAuth
// tokens with it, a webhook its deliveries. 0003 to 0005 add the delivery
// queue's leases, the OAuth refresh lease and a per-webhook due index;
// 0007_key_checks.sql adds intime_key_checks, one check value per key ID
// (see [storage.KeyMismatchError]), checked by Migrate in its transaction.
//
// # Type translations
//
// The schema is PostgreSQL's translated column for column:
//
//	UUID          TEXT, the canonical lowercase form; gen_random_uuid() becomes
//	              an expression producing a random version 4 UUID
//	JSONB         TEXT holding JSON, byte for byte as written (payloads too;
//	              PostgreSQL keeps those in json for the same reason)
//	TEXT[]        TEXT holding a JSON array; membership is
//	              EXISTS (SELECT 1 FROM json_each(events) WHERE value = ?)
//	TIMESTAMPTZ   TEXT in UTC, microseconds, fixed width ([TimeLayout],
//	              2006-01-02T15:04:05.000000Z), so text order is time order and
//	              keyset paging compares (created_at, id) < (?, ?) as on
//	              PostgreSQL; NOW() becomes strftime
//	BOOLEAN       INTEGER 0 or 1
//	BIGINT        INTEGER
//	VARCHAR(n)    kept as declared; SQLite does not enforce n, the shared
//	              validation of package storage does, as it refuses NUL
//	              bytes and invalid UTF-8 that SQLite would store
//
// Times are converted to UTC and truncated to microseconds before they are
// written, and read back in UTC. The log search uses LIKE ... ESCAPE '\',
// which ignores case for ASCII letters only (PostgreSQL's ILIKE folds every
// letter). Unique violations (SQLITE_CONSTRAINT_UNIQUE and
// SQLITE_CONSTRAINT_PRIMARYKEY) are [storage.ErrConflict]; a missing row is
// [storage.ErrNotFound].
//
// # Secrets
//
// Secret columns are sealed with [Config.Sealer] exactly as on PostgreSQL:
// integrations.config holds the JSON envelope {"sealed": "..."}, the other
// secret columns hold the sealed text. [Store.SecretsReseal] rewrites values
// sealed with an older key, each with a compare-and-swap update, and counts
// only the rows it changed.
package sqlite
