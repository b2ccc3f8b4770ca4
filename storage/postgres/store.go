package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/intimeos/integrations/storage"
)

// Config configures a Store.
type Config struct {
	// Sealer encrypts secret columns at rest. Required: a Store refuses to
	// start without one rather than write secrets in the clear.
	Sealer storage.Sealer
	// Clock returns the current time. Nil means time.Now.
	Clock func() time.Time
	// Logger receives migration progress. Nil discards.
	Logger *slog.Logger
}

// Store is the PostgreSQL implementation of [storage.Store].
type Store struct {
	pool *pgxpool.Pool
	// db runs every statement: the pool, or the caller's transaction for a
	// Store made by [Store.WithTx].
	db     dbtx
	sealer storage.Sealer
	clock  func() time.Time
	logger *slog.Logger
	// owned reports that the Store opened its pool ([Open]) and closes it.
	owned bool
}

var _ storage.Store = (*Store)(nil)

// New returns a Store on the caller's pool. The pool stays the caller's to
// close. It does not migrate: call [Store.Migrate] before first use, which
// also checks the Sealer's keys.
func New(pool *pgxpool.Pool, cfg *Config) (*Store, error) {
	if pool == nil {
		return nil, errors.New("postgres: pool is nil")
	}
	if cfg == nil || cfg.Sealer == nil {
		return nil, errors.New("postgres: Config.Sealer is required: secrets are never stored in the clear")
	}
	s := &Store{pool: pool, db: pool, sealer: cfg.Sealer, clock: cfg.Clock, logger: cfg.Logger}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// Open connects to dsn with a pool of its own, migrates the database,
// checks the Sealer's keys (see [Store.Migrate]) and returns the Store;
// [Store.Close] closes the pool.
func Open(ctx context.Context, dsn string, cfg *Config) (*Store, error) {
	if cfg == nil || cfg.Sealer == nil {
		return nil, errors.New("postgres: Config.Sealer is required: secrets are never stored in the clear")
	}
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	s, err := New(pool, cfg)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.owned = true
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if err := s.Migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the pool of a Store made by [Open]. A Store made by [New]
// leaves the caller's pool open, and one made by [Store.WithTx] closes
// nothing. It always returns nil; the error is there so that both backends'
// Close read the same.
func (s *Store) Close() error {
	if s.owned && s.db == dbtx(s.pool) {
		s.pool.Close()
	}
	return nil
}

// Pool returns the pool the Store runs on.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// dbtx is what both *pgxpool.Pool and pgx.Tx offer.
type dbtx interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Begin(ctx context.Context) (pgx.Tx, error)
}

// WithTx returns a Store whose every statement runs in the caller's
// transaction: rows it writes commit or roll back with the caller's own
// writes (a transactional outbox). Methods that need a transaction of their
// own use a savepoint inside tx. The returned Store must not be used after
// tx ends.
func (s *Store) WithTx(tx pgx.Tx) *Store {
	c := *s
	c.db, c.owned = tx, false
	return &c
}

// Now returns the Store's clock in UTC, truncated to microseconds (the
// precision of TIMESTAMPTZ).
func (s *Store) Now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

func newID() uuid.UUID { return uuid.Must(uuid.NewV7()) }

// The hot statements pass IDs as [16]byte, which pgx encodes in binary.
// A uuid.UUID is a driver.Valuer: pgx turns it into a string, fails to
// encode that in binary (building an error with fmt.Errorf), and sends it
// again as text, for every ID of every call.

// id16 is an ID as a query parameter.
func id16(id uuid.UUID) [16]byte { return id }

// ids16 is a slice of IDs as an array parameter.
func ids16(ids []uuid.UUID) [][16]byte {
	out := make([][16]byte, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// mapErr turns driver errors into the storage sentinels.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return storage.ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return fmt.Errorf("%w: %s", storage.ErrConflict, pgErr.ConstraintName)
	}
	return fmt.Errorf("postgres: %w", err)
}

// inTx runs fn in a transaction, committing when it returns nil. Errors
// of the database (a connection that fails, a commit refused) come back
// through mapErr; fn's are returned as they are.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return s.inTxOpts(ctx, pgx.TxOptions{}, fn)
}

// inTxOpts is inTx with options; inside the caller's transaction
// ([Store.WithTx]) the options do not apply (a savepoint has none).
func (s *Store) inTxOpts(ctx context.Context, opts pgx.TxOptions, fn func(pgx.Tx) error) error {
	var (
		tx  pgx.Tx
		err error
	)
	if s.db == dbtx(s.pool) {
		tx, err = s.pool.BeginTx(ctx, opts)
	} else {
		tx, err = s.db.Begin(ctx)
	}
	if err != nil {
		return mapErr(err)
	}
	// After a commit, the rollback is a no-op; after a failure or a panic
	// in fn, it ends the transaction.
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := fn(tx); err != nil {
		return err
	}
	return mapErr(tx.Commit(ctx))
}

// utc normalises optional times read from the database.
func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// micro truncates an optional time to the database's precision.
func micro(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}
