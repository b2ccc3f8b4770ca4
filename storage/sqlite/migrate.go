package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one numbered file of migrations/.
type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]migration, 0, len(names))
	for _, n := range names {
		base := strings.TrimPrefix(n, "migrations/")
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("sqlite: migration %s: name must start with a number", base)
		}
		body, err := migrationFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(body)})
	}
	return out, nil
}

// Migrate applies the embedded migrations that the database lacks, in one
// BEGIN IMMEDIATE transaction, so several processes may migrate the same
// file at once: one takes the write lock and applies, the others wait for it
// (up to the busy timeout) and find nothing left to do.
//
// In the same transaction it checks the Sealer's keys against the check
// values of intime_key_checks, recording the current key's when its ID has
// none: a key whose ID is recorded but which cannot open the check value is
// a [*storage.KeyMismatchError], and nothing is written.
//
// Foreign key enforcement is off while the transaction runs, because
// rebuilding a table (SQLite's way to add a constraint) must not cascade;
// a foreign_key_check before the commit makes sure nothing dangles.
//
// Opening a brand-new file from several connections at once can meet
// SQLITE_BUSY where SQLite does not call the busy handler (WAL recovery);
// as nothing was applied then, Migrate tries again a few times.
func (s *Store) Migrate(ctx context.Context) error {
	wait := 20 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := s.migrateOnce(ctx)
		if err == nil || !isBusy(err) || attempt == migrateAttempts {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// migrateAttempts bounds the retries of [Store.Migrate] on SQLITE_BUSY.
const migrateAttempts = 5

// isBusy reports SQLite's "database is locked" in any of its variants.
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

func (s *Store) migrateOnce(ctx context.Context) (err error) {
	if s.tx != nil {
		return errors.New("sqlite: Migrate cannot run in the caller's transaction (Store.WithTx)")
	}
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	defer conn.Close()
	var fk int
	if err := conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	defer func() {
		_, ferr := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = `+strconv.Itoa(fk))
		err = errors.Join(err, ferr)
	}()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		return fmt.Errorf("sqlite: migration lock: %w", err)
	}
	if err := s.migrateLocked(ctx, conn, ms); err != nil {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		return err
	}
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		return fmt.Errorf("sqlite: migrate: commit: %w", err)
	}
	return nil
}

func (s *Store) migrateLocked(ctx context.Context, conn *sql.Conn, ms []migration) error {
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS intime_schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL,
		applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')))`); err != nil {
		return fmt.Errorf("sqlite: migration table: %w", err)
	}
	for _, m := range ms {
		if err := s.apply(ctx, conn, m); err != nil {
			return err
		}
	}
	if err := foreignKeyCheck(ctx, conn); err != nil {
		return err
	}
	return s.verifyKeys(ctx, conn)
}

// foreignKeyCheck fails when a row breaks a foreign key.
func foreignKeyCheck(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("sqlite: foreign key check: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		return errors.New("sqlite: migration left rows that break a foreign key")
	}
	return rows.Err()
}

func (s *Store) apply(ctx context.Context, conn *sql.Conn, m migration) error {
	var done bool
	err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM intime_schema_migrations WHERE version = ?1)`, m.version).Scan(&done)
	if err != nil || done {
		return err
	}
	if _, err := conn.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", m.name, err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO intime_schema_migrations (version, name) VALUES (?1, ?2)`, m.version, m.name); err != nil {
		return fmt.Errorf("sqlite: record migration %s: %w", m.name, err)
	}
	s.logger.InfoContext(ctx, "applied migration", "name", m.name)
	return nil
}
