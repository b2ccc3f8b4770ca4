package pgtest

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ensured remembers, per DSN, the outcome of ensureDatabase.
var ensured struct {
	mu  sync.Mutex
	err map[string]error
}

// ensureDatabase creates the database dsn names if the server does not have
// it, once per DSN and test binary. Several test binaries may create it at
// once: the losers find it created.
func ensureDatabase(ctx context.Context, dsn string) error {
	ensured.mu.Lock()
	defer ensured.mu.Unlock()
	if err, ok := ensured.err[dsn]; ok {
		return err
	}
	err := createDatabase(ctx, dsn)
	if ensured.err == nil {
		ensured.err = map[string]error{}
	}
	ensured.err[dsn] = err
	return err
}

// createDatabase connects to dsn and, if the database does not exist
// (SQLSTATE 3D000), creates it through the server's postgres database.
func createDatabase(ctx context.Context, dsn string) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("parse %s: %w", EnvDSN, err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err == nil {
		return conn.Close(ctx)
	}
	if !hasCode(err, "3D000") {
		return fmt.Errorf("connect: %w", err)
	}
	admin := cfg.Copy()
	admin.Database = "postgres"
	conn, err = pgx.ConnectConfig(ctx, admin)
	if err != nil {
		return fmt.Errorf("database %q does not exist, and creating it needs the postgres database: %w", cfg.Database, err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{cfg.Database}.Sanitize())
	if err != nil && !hasCode(err, "42P04") && !hasCode(err, "23505") { // created meanwhile by another binary
		return fmt.Errorf("create database %q: %w", cfg.Database, err)
	}
	return nil
}

// hasCode reports a PostgreSQL error with the SQLSTATE code.
func hasCode(err error, code string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == code
}
