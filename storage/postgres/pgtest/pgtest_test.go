package pgtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// TestSkipNoticeOncePerBinary: without a DSN, every PostgreSQL test skips,
// and the binary says so in one line, whatever the number of tests.
func TestSkipNoticeOncePerBinary(t *testing.T) {
	t.Setenv(EnvDSN, "")
	t.Setenv(EnvRequireAll, "")
	var out bytes.Buffer
	noticeWriter, skipNotice = &out, sync.Once{}
	t.Cleanup(func() { noticeWriter, skipNotice = nil, sync.Once{} })
	for _, name := range []string{"First", "Second", "Third"} {
		t.Run(name, func(t *testing.T) {
			DSN(t)
			t.Error("DSN returned instead of skipping")
		})
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 1, out.String())
	require.Contains(t, lines[0], "./storage/postgres/pgtest: PostgreSQL tests skipped")
	require.Contains(t, lines[0], EnvDSN+"='"+ExampleDSN+"' go test ./...")
}

// TestCreatesMissingDatabase: a DSN naming a database the server lacks
// gets it created, also by several binaries at once.
func TestCreatesMissingDatabase(t *testing.T) {
	t.Parallel()
	base := DSN(t)
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(base)
	require.NoError(t, err)
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	name := "intime_pgtest_" + hex.EncodeToString(buf)
	dsn := strings.Replace(base, "/"+cfg.Database+"?", "/"+name+"?", 1)
	require.NotEqual(t, base, dsn, "the DSN names a database in URL form")
	admin := cfg.Copy()
	admin.Database = "postgres"
	t.Cleanup(func() {
		conn, err := pgx.ConnectConfig(ctx, admin)
		if err == nil {
			_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			_ = conn.Close(ctx)
		}
	})

	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() { errs[i] = createDatabase(ctx, dsn) }) // as three test binaries would
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	var got string
	require.NoError(t, conn.QueryRow(ctx, `SELECT current_database()`).Scan(&got))
	require.Equal(t, name, got)
	require.NoError(t, conn.Close(ctx))
}
