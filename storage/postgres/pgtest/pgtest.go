// Package pgtest gives tests an isolated PostgreSQL schema on the database
// named by INTIME_TEST_POSTGRES_DSN.
//
// Without the variable, tests that need PostgreSQL skip, unless
// INTIME_REQUIRE_ALL=1, which turns the skip into a failure (CI sets it, so
// CI never skips). A test binary that skips says so once, in one line naming
// its package and the variable to set: on the terminal when there is one
// (go test ./... shows nothing that a passing package prints), otherwise on
// standard error (go test -v shows it).
//
// The database the variable names is created on first use if the server
// does not have it (through the server's postgres database), so a running
// server is all a newcomer needs.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// EnvDSN names the variable holding the test database's connection string.
const EnvDSN = "INTIME_TEST_POSTGRES_DSN"

// EnvRequireAll names the variable that turns skips for a missing service
// into failures.
const EnvRequireAll = "INTIME_REQUIRE_ALL"

// ExampleDSN is the connection string the skip message suggests: the local
// server, trust authentication, database intime_test.
const ExampleDSN = "postgres://postgres@127.0.0.1:5432/intime_test?sslmode=disable"

// DSN returns the test database's connection string, creating the database
// if the server lacks it, or skips the test (fails it under
// INTIME_REQUIRE_ALL=1) when the variable is not set.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn != "" {
		if err := ensureDatabase(context.Background(), dsn); err != nil {
			t.Fatalf("pgtest: %v", err)
		}
		return dsn
	}
	msg := "PostgreSQL tests need " + EnvDSN + " (e.g. " + ExampleDSN + ")"
	if os.Getenv(EnvRequireAll) == "1" {
		t.Fatal(msg + "; " + EnvRequireAll + "=1 forbids skipping")
	}
	skipNotice.Do(printSkipNotice)
	t.Skip(msg)
	return ""
}

// Schema creates a fresh schema, drops it when the test ends, and returns
// its name and a connection string whose search_path is that schema. Each
// pool opened on the returned DSN sees only the test's own tables.
func Schema(t testing.TB) (name, dsn string) {
	t.Helper()
	base := DSN(t)
	buf := make([]byte, 8)
	_, _ = rand.Read(buf)
	name = "t_" + hex.EncodeToString(buf)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("pgtest: create schema: %v", err)
	}
	t.Cleanup(func() { dropSchema(base, name) })
	return name, base + searchPathSuffix(base, name)
}

// searchPathSuffix appends search_path to a DSN in URL or key=value form.
func searchPathSuffix(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if strings.Contains(dsn, "?") {
			return "&search_path=" + schema
		}
		return "?search_path=" + schema
	}
	return " search_path=" + schema
}

func dropSchema(dsn, name string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	_, _ = conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+name+" CASCADE")
}

// Pool returns a pool on a fresh schema, closed when the test ends.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	_, dsn := Schema(t)
	return PoolOn(t, dsn)
}

// PoolOn opens a pool on dsn, closed when the test ends.
func PoolOn(t testing.TB, dsn string) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("pgtest: parse DSN: %v", err)
	}
	cfg.MaxConns = 8
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("pgtest: pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}
