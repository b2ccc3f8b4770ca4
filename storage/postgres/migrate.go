package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage/internal/keycheck"
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
			return nil, fmt.Errorf("postgres: migration %s: name must start with a number", base)
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
// transaction under an advisory lock keyed by the current schema, so several
// processes may migrate the same database at once: one applies, the others
// wait and find nothing left to do.
//
// In the same transaction it checks the Sealer's keys against the check
// values of intime_key_checks, recording the current key's when its ID has
// none: a key whose ID is recorded but which cannot open the check value is
// a [*storage.KeyMismatchError], and nothing is written.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('intime_migrations:' || current_schema()))`); err != nil {
			return fmt.Errorf("postgres: migration lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS intime_schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT NOW())`); err != nil {
			return fmt.Errorf("postgres: migration table: %w", err)
		}
		for _, m := range ms {
			if err := s.apply(ctx, tx, m); err != nil {
				return err
			}
		}
		return keycheck.Verify(ctx, keyTable{tx}, s.sealer)
	})
}

func (s *Store) apply(ctx context.Context, tx pgx.Tx, m migration) error {
	var done bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM intime_schema_migrations WHERE version = $1)`, m.version).Scan(&done)
	if err != nil || done {
		return err
	}
	if _, err := tx.Exec(ctx, m.sql); err != nil {
		return fmt.Errorf("postgres: migration %s: %w", m.name, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO intime_schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
		return fmt.Errorf("postgres: record migration %s: %w", m.name, err)
	}
	s.logger.InfoContext(ctx, "applied migration", "name", m.name)
	return nil
}
