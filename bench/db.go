package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// database is a fresh schema in the benchmark's database, dropped on close.
type database struct {
	pool   *pgxpool.Pool
	schema string
	admin  *pgx.Conn
}

// openDB creates the DSN's database if it is missing and a fresh schema in
// it, and returns a pool whose connections use that schema.
func openDB(ctx context.Context, dsn string) (*database, error) {
	if dsn == "" {
		return nil, errors.New("bench: set -dsn or BENCH_POSTGRES_DSN")
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	admin, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "3D000" {
		if err = createDatabase(ctx, cfg.ConnConfig); err == nil {
			admin, err = pgx.ConnectConfig(ctx, cfg.ConnConfig)
		}
	}
	if err != nil {
		return nil, err
	}
	schema := fmt.Sprintf("bench_%08x", rand.Uint32())
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		return nil, err
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.ConnConfig.RuntimeParams["application_name"] = schema
	cfg.MaxConns = 2 * workers
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &database{pool: pool, schema: schema, admin: admin}, nil
}

func createDatabase(ctx context.Context, cfg *pgx.ConnConfig) error {
	c := cfg.Copy()
	c.Database = "postgres"
	conn, err := pgx.ConnectConfig(ctx, c)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{cfg.Database}.Sanitize())
	return err
}

func (db *database) close(ctx context.Context) {
	db.pool.Close()
	_, _ = db.admin.Exec(ctx, "DROP SCHEMA "+db.schema+" CASCADE")
	_ = db.admin.Close(ctx)
}
