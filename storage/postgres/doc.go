// Package postgres is the PostgreSQL backend of [storage.Store], on pgx v5.
//
// # Use
//
// Let it open a pool, or hand it yours:
//
//	store, err := postgres.Open(ctx, dsn, &postgres.Config{Sealer: keyring})
//	defer store.Close()
//
//	store, err := postgres.New(pool, &postgres.Config{Sealer: keyring})
//	err = store.Migrate(ctx)
//
// [Open] connects (a server it cannot reach is a "postgres: connect: ..."
// error), migrates and checks the Sealer's keys against the database (a
// wrong key under a known key ID is a [storage.KeyMismatchError]);
// [Store.Close] closes the pool it opened. [New] neither connects nor
// migrates: [Store.Migrate] migrates and checks the keys, and Close leaves
// the caller's pool open. sqlite.Open and sqlite.New read the same.
//
// # Schema
//
// The migrations are embedded and numbered: 0001 is the schema documented in
// UC-ADMIN-007 §18 (UUID, JSONB, TEXT[], TIMESTAMPTZ, gen_random_uuid(),
// the documented indexes) without the foreign keys to the host's
// organizations and user_profiles tables; 0002 adds the status CHECK
// constraints and what the features need; 0003 to 0005 the delivery queue's
// leases and the OAuth refresh lease; 0006 makes dead letters go with their
// webhook; 0007 adds intime_key_checks (one check value per key ID, checked
// by Migrate under its lock) and changes webhook_deliveries.payload from the
// documented JSONB to json. That is a deliberate deviation from §18: jsonb
// keeps a parsed form (keys reordered, duplicates collapsed, numbers and
// escapes rewritten, numbers beyond numeric's range refused), and deliveries
// must send the bytes the host published; json keeps the exact text, is
// checked as JSON, stays queryable, and costs no more than jsonb on the
// publish and the claim path (several times less for payloads of a few
// KiB; BenchmarkPayloadColumn). The other JSONB columns stay JSONB, and the
// shared validation of package storage refuses, on every backend, what they
// cannot hold. Leases are counted per claim and
// webhook in webhook_delivery_leases, so that leasing a row changes no
// indexed column and is a HOT update (the table's fillfactor leaves room
// for it; 0010 lowers it from 70 to 50, which took the share of claims
// updated in place from about a third to nearly all). A webhook.Dispatcher
// uses [Store.DeliveryPump] instead ([storage.DeliveryPumper]): it counts
// its own leases, so a pump's claims write no counts and its results only
// their rows, and it records a batch of results and makes the next claim
// in one round trip, committed without waiting for the WAL flush (a server
// crash can lose the last moments' leases and results, whose rows are
// then delivered again). [Store.Migrate] runs the migrations in one transaction under an
// advisory lock keyed by the current schema, so any number of processes can
// migrate the same database at once.
//
// # Several hosts
//
// Every host process runs against the same tables; uniqueness, counters
// (metrics, alerts) and compare-and-swap token updates are enforced by the
// database, not by the process. The reaper's REPEATABLE READ pass can lose a
// serialization race (SQLSTATE 40001) to a finish or a claim; it is run
// again on a new snapshot, so callers do not see it.
package postgres
