package postgres_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/storagetest"
)

// envMigrateChild makes the test binary act as one migrating process;
// envMigrateChildKey is the key it seals with (all the processes of one
// database must share it).
const (
	envMigrateChild    = "INTIME_PGTEST_MIGRATE_CHILD_DSN"
	envMigrateChildKey = "INTIME_PGTEST_MIGRATE_CHILD_KEY"
)

func TestMain(m *testing.M) {
	if dsn := os.Getenv(envMigrateChild); dsn != "" {
		os.Exit(migrateChild(dsn))
	}
	os.Exit(m.Run())
}

func migrateChild(dsn string) int {
	ring, err := secret.KeyringFromEnv(envMigrateChildKey)
	if err == nil {
		var s *postgres.Store
		s, err = postgres.Open(context.Background(), dsn, &postgres.Config{Sealer: ring})
		if err == nil {
			err = s.Close()
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func newRing() (*secret.Keyring, error) {
	k, err := secret.GenerateKey("test")
	if err != nil {
		return nil, err
	}
	return secret.NewKeyring(k)
}

func newStore(t *testing.T, dsn string, sealer storage.Sealer) *postgres.Store {
	t.Helper()
	s, err := tryStore(t, dsn, sealer)
	require.NoError(t, err)
	return s
}

// tryStore is newStore that returns the error of migrating.
func tryStore(t *testing.T, dsn string, sealer storage.Sealer) (*postgres.Store, error) {
	s, err := postgres.New(pgtest.PoolOn(t, dsn), &postgres.Config{Sealer: sealer})
	if err != nil {
		return nil, err
	}
	return s, s.Migrate(context.Background())
}

// database is a fresh schema for the suites that open several stores on
// one database.
func database(t *testing.T) storagetest.Database {
	schema, dsn := pgtest.Schema(t)
	return storagetest.Database{
		Open: func(t *testing.T, sealer storage.Sealer) (storage.Store, error) { return tryStore(t, dsn, sealer) },
		Exec: func(t *testing.T, query string) {
			_, err := pgtest.PoolOn(t, dsn).Exec(context.Background(), query)
			require.NoError(t, err)
		},
		Raw: func(t *testing.T) string { return dumpSchema(t, dsn, schema) },
	}
}

func TestContract(t *testing.T) {
	t.Parallel()
	pgtest.DSN(t)
	storagetest.Exercise(t, func(t *testing.T) storage.Store {
		ring, err := newRing()
		require.NoError(t, err)
		_, dsn := pgtest.Schema(t)
		return newStore(t, dsn, ring)
	})
}

func TestSecretsAtRest(t *testing.T) {
	t.Parallel()
	storagetest.ExerciseSecretsAtRest(t, database)
}

func TestKeyCheck(t *testing.T) {
	t.Parallel()
	storagetest.ExerciseKeyCheck(t, database)
}

// dumpSchema renders every row of every table of the schema as text.
func dumpSchema(t *testing.T, dsn, schema string) string {
	ctx := context.Background()
	pool := pgtest.PoolOn(t, dsn)
	rows, err := pool.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, schema)
	require.NoError(t, err)
	var tables []string
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		tables = append(tables, name)
	}
	require.NoError(t, rows.Err())
	require.Contains(t, tables, "integrations")
	var sb strings.Builder
	for _, table := range tables {
		var dump *string
		require.NoError(t, pool.QueryRow(ctx, fmt.Sprintf(`SELECT string_agg(t::text, E'\n') FROM %s t`, table)).Scan(&dump))
		if dump != nil {
			sb.WriteString(*dump + "\n")
		}
	}
	return sb.String()
}

// TestMigrateConcurrentProcesses starts four processes that migrate one
// fresh schema at once; all must succeed and the schema must be complete.
func TestMigrateConcurrentProcesses(t *testing.T) {
	t.Parallel()
	schema, dsn := pgtest.Schema(t)
	key, err := secret.GenerateKey("test")
	require.NoError(t, err)
	var wg sync.WaitGroup
	outs := make([]string, 4)
	errs := make([]error, 4)
	for i := range 4 {
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), envMigrateChild+"="+dsn, envMigrateChildKey+"=test:"+key.Encode())
			out, err := cmd.CombinedOutput()
			outs[i], errs[i] = string(out), err
		})
	}
	wg.Wait()
	for i := range 4 {
		require.NoError(t, errs[i], "process %d: %s", i, outs[i])
	}
	pool := pgtest.PoolOn(t, dsn)
	var applied, tables int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM intime_schema_migrations`).Scan(&applied))
	require.NoError(t, pool.QueryRow(context.Background(),
		`SELECT count(*) FROM information_schema.tables WHERE table_schema = $1`, schema).Scan(&tables))
	require.Equal(t, migrationFiles(t), applied, "each migration is applied once")
	require.Equal(t, 28, tables, "11 tables, the key checks, the Manager's 2 (0008), apiaccess's 7 (0009), the log summaries (0011), inbound's 2 (0012), alerts' 2 (0013), the manual queue (0014) and the migrations table")
}

// TestDocumentedSchema checks the spec's column types survive in the
// PostgreSQL schema.
func TestDocumentedSchema(t *testing.T) {
	t.Parallel()
	ring, err := newRing()
	require.NoError(t, err)
	schema, dsn := pgtest.Schema(t)
	s := newStore(t, dsn, ring)
	want := map[string]string{
		"integrations.id": "uuid", "integrations.config": "jsonb", "integrations.last_sync": "timestamp with time zone",
		"oauth_tokens.access_token": "text", "webhooks.events": "ARRAY",
		// json, not the documented jsonb: deliveries send the bytes published
		// (migration 0007).
		"webhook_deliveries.payload":         "json",
		"webhook_deliveries.request_headers": "jsonb", "webhook_deliveries.duration_ms": "integer",
		"webhook_dlq.reason": "text",
	}
	for col, typ := range want {
		table, name, _ := strings.Cut(col, ".")
		var got string
		require.NoError(t, s.Pool().QueryRow(context.Background(), `SELECT data_type FROM information_schema.columns
			WHERE table_schema = $1 AND table_name = $2 AND column_name = $3`, schema, table, name).Scan(&got), col)
		require.Equal(t, typ, got, col)
	}
	var def string
	require.NoError(t, s.Pool().QueryRow(context.Background(), `SELECT column_default FROM information_schema.columns
		WHERE table_schema = $1 AND table_name = 'integrations' AND column_name = 'id'`, schema).Scan(&def))
	require.Equal(t, "gen_random_uuid()", def)
}

func TestNewRequiresSealer(t *testing.T) {
	t.Parallel()
	_, err := postgres.New(pgtest.Pool(t), &postgres.Config{})
	require.ErrorContains(t, err, "Sealer is required")
}

// migrationFiles counts the embedded migration files.
func migrationFiles(t *testing.T) int {
	names, err := filepath.Glob("migrations/*.sql")
	require.NoError(t, err)
	require.NotEmpty(t, names)
	return len(names)
}
