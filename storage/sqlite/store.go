package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/google/uuid"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

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

// Store is the SQLite implementation of [storage.Store].
type Store struct {
	// w is the write pool: one connection, so writes of this process queue
	// in Go instead of contending for SQLite's write lock.
	w *sql.DB
	// r is the read pool; it is w itself for a Store made by [New].
	r      *sql.DB
	sealer storage.Sealer
	clock  func() time.Time
	logger *slog.Logger
	stmts  *stmtCache
	// tx, when set, runs every statement: a Store made by [Store.WithTx].
	tx *sql.Tx
	// owned reports that the Store opened w and r ([Open]) and closes them.
	owned bool
	// ckpt runs the background checkpoints of a Store made by [Open].
	ckpt *checkpointer
}

var _ storage.Store = (*Store)(nil)

// DriverName is the database/sql driver name of modernc.org/sqlite.
const DriverName = "sqlite"

// DSN returns the data source name [Open] uses for the database file at
// path: WAL journal, a 10 s busy timeout, foreign keys on, synchronous
// NORMAL, temporary files (such as statement journals) in memory and
// transactions that begin IMMEDIATE (they take the write lock up
// front, so a transaction never fails to upgrade from reader to writer).
func DSN(path string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	// busy_timeout comes first: the pragmas run in order, and switching a
	// new file to WAL must already wait for a concurrent opener's lock.
	return "file:" + esc + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)&_txlock=immediate"
}

// New returns a Store on the caller's database, which stays the caller's to
// close. It does not migrate: call [Store.Migrate] before first use, which
// also checks the Sealer's keys.
//
// New sets db.SetMaxOpenConns(1): SQLite has one writer, and a single
// connection serialises this process's reads and writes so that none of them
// meets SQLITE_BUSY. The caller should open db with the pragmas of [DSN]
// (at least foreign_keys(1) and busy_timeout, and _txlock=immediate when
// other processes write the same file). [Open] is the faster alternative: a
// one-connection write pool beside a read pool.
func New(db *sql.DB, cfg *Config) (*Store, error) {
	if db == nil {
		return nil, errors.New("sqlite: db is nil")
	}
	s, err := newStore(db, db, cfg)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return s, nil
}

func newStore(w, r *sql.DB, cfg *Config) (*Store, error) {
	if cfg == nil || cfg.Sealer == nil {
		return nil, errors.New("sqlite: Config.Sealer is required: secrets are never stored in the clear")
	}
	s := &Store{w: w, r: r, sealer: cfg.Sealer, clock: cfg.Clock, logger: cfg.Logger, stmts: &stmtCache{}}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// Open opens the database file at path (creating it if needed) with the
// pragmas of [DSN], migrates it, checks the Sealer's keys (see
// [Store.Migrate]) and returns the Store; [Store.Close] closes it. Writes go
// through a pool of one connection; reads through a separate pool of
// read-only connections, which WAL lets run beside the writer; and the
// write-ahead log is checkpointed in the background, so that no commit
// waits for a checkpoint's fsyncs (see checkpoint.go).
//
// A file SQLite cannot open is reported with its path and the operating
// system's reason (a missing directory, a permission).
func Open(ctx context.Context, path string, cfg *Config) (*Store, error) {
	if cfg == nil || cfg.Sealer == nil {
		_, err := newStore(nil, nil, cfg)
		return nil, err
	}
	w, err := sql.Open(DriverName, DSN(path)+fmt.Sprintf("&_pragma=wal_autocheckpoint(%d)", writerCheckpointPages))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open(DriverName, DSN(path)+"&_query_only=1")
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	s, err := newStore(w, r, cfg)
	if err != nil {
		return nil, errors.Join(err, r.Close(), w.Close())
	}
	s.owned = true
	if err := w.PingContext(ctx); err != nil {
		_ = s.Close()
		return nil, openError(path, err)
	}
	if err := s.Migrate(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	if err := s.startCheckpointer(path); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return s, nil
}

// Close releases what the Store opened: its prepared statements and, for a
// Store made by [Open], its pools and background checkpoints. A Store made by [New] leaves the
// caller's *sql.DB open, and one made by [Store.WithTx] closes nothing (it
// shares its parent's).
func (s *Store) Close() error {
	if s.tx != nil {
		return nil
	}
	s.closeStmts()
	if !s.owned {
		return nil
	}
	var errCkpt error
	if s.ckpt != nil {
		errCkpt = s.ckpt.close()
	}
	return errors.Join(errCkpt, s.r.Close(), s.w.Close())
}

// openError names the path of a file SQLite could not open and, when the
// operating system says why, the reason, which SQLite's "unable to open
// database file (14)" does not.
func openError(path string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CANTOPEN {
		if cause := fileProblem(path); cause != nil {
			return fmt.Errorf("sqlite: open %s: %w", path, cause)
		}
	}
	return fmt.Errorf("sqlite: open %s: %w", path, err)
}

// fileProblem returns why the operating system would not let SQLite open or
// create the file at path for writing, or nil when it finds nothing wrong.
func fileProblem(path string) error {
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe):
		return fmt.Errorf("directory %s: %w", dir, pe.Err)
	case err != nil:
		return err
	case !info.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return err // permission denied, a directory, ...
	}
	probe, err := os.CreateTemp(dir, ".intime-probe-*")
	if err != nil {
		return fmt.Errorf("cannot create files in %s: %w", dir, errors.Unwrap(err))
	}
	return errors.Join(probe.Close(), os.Remove(probe.Name()))
}

// DB returns the pool the Store writes through. A transaction for
// [Store.WithTx] must begin on it.
func (s *Store) DB() *sql.DB { return s.w }

// WithTx returns a Store whose every statement runs in the caller's
// transaction, begun on [Store.DB]: rows it writes commit or roll back with
// the caller's own writes (a transactional outbox). Methods that need a
// transaction of their own use a savepoint inside tx. The returned Store
// must not be used after tx ends, its Migrate refuses to run and its Close
// does nothing.
func (s *Store) WithTx(tx *sql.Tx) *Store {
	c := *s
	c.tx, c.owned = tx, false
	return &c
}

// Now returns the Store's clock in UTC, truncated to microseconds (the
// precision of the stored timestamps).
func (s *Store) Now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

func newID() uuid.UUID { return uuid.Must(uuid.NewV7()) }

// mapErr turns driver errors into the storage sentinels.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return storage.ErrNotFound
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %s", storage.ErrConflict, se.Error())
		}
	}
	return fmt.Errorf("sqlite: %w", err)
}

// row is what scan functions read: a *sql.Row or *sql.Rows.
type row interface{ Scan(dest ...any) error }

// inTx runs fn in a write transaction (BEGIN IMMEDIATE under the DSN of
// [Open]), committing when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	if s.tx != nil {
		return s.inSavepoint(ctx, fn)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return mapErr(tx.Commit())
}

// inSavepoint runs fn inside the caller's transaction of a [Store.WithTx]
// store, undoing only fn's writes when it fails.
func (s *Store) inSavepoint(ctx context.Context, fn func(*sql.Tx) error) error {
	if _, err := s.tx.ExecContext(ctx, `SAVEPOINT intime_store`); err != nil {
		return mapErr(err)
	}
	if err := fn(s.tx); err != nil {
		_, _ = s.tx.ExecContext(context.WithoutCancel(ctx), `ROLLBACK TO intime_store`)
		_, _ = s.tx.ExecContext(context.WithoutCancel(ctx), `RELEASE intime_store`)
		return err
	}
	_, err := s.tx.ExecContext(ctx, `RELEASE intime_store`)
	return mapErr(err)
}

// writeRow runs a statement returning one row in a write transaction and
// scans it.
func writeRow[T any](ctx context.Context, s *Store, scan func(row) (T, error), query string, args ...any) (T, error) {
	var out T
	st, err := s.prepare(ctx, s.w, query)
	if err != nil {
		return out, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		v, err := scan(txQueryRow(ctx, tx, st, query, args...))
		out = v
		return err
	})
	return out, err
}

// writeExec runs a statement in a write transaction and returns how many
// rows it changed.
func (s *Store) writeExec(ctx context.Context, query string, args ...any) (int, error) {
	st, err := s.prepare(ctx, s.w, query)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := txExec(ctx, tx, st, query, args...)
		if err != nil {
			return mapErr(err)
		}
		n, err = res.RowsAffected()
		return mapErr(err)
	})
	return int(n), err
}

// readRow runs a query on the read pool and scans its one row.
func readRow[T any](ctx context.Context, s *Store, scan func(row) (T, error), query string, args ...any) (T, error) {
	st, err := s.prepare(ctx, s.r, query)
	if err != nil {
		var zero T
		return zero, err
	}
	switch {
	case s.tx != nil:
		return scan(s.tx.QueryRowContext(ctx, query, args...))
	case st == nil:
		return scan(s.r.QueryRowContext(ctx, query, args...))
	}
	return scan(st.QueryRowContext(ctx, args...))
}
