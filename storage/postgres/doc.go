// Package postgres is the PostgreSQL backend of [storage.Store], on pgx v5.
//
// # Use
//
// Hand it your pool, or let it open one:
//
//	store, err := postgres.New(pool, &postgres.Config{Sealer: keyring})
//	err = store.Migrate(ctx)
//
//	store, closePool, err := postgres.Open(ctx, dsn, &postgres.Config{Sealer: keyring})
//
// # Schema
//
// The migrations are embedded and numbered: 0001 is the schema documented in
// UC-ADMIN-007 §18 (UUID, JSONB, TEXT[], TIMESTAMPTZ, gen_random_uuid(),
// the documented indexes) without the foreign keys to the host's
// organizations and user_profiles tables; 0002 adds the status CHECK
// constraints and what the features need; 0003 to 0005 the delivery queue's
// leases and the OAuth refresh lease. Leases are counted per claim and
// webhook in webhook_delivery_leases, so that leasing a row changes no
// indexed column and is a HOT update (the table's fillfactor leaves room
// for it). [Store.Migrate] runs the migrations in one transaction under an
// advisory lock keyed by the current schema, so any number of processes can
// migrate the same database at once.
//
// # Several hosts
//
// Every host process runs against the same tables; uniqueness, counters
// (metrics, alerts) and compare-and-swap token updates are enforced by the
// database, not by the process.
package postgres
