package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage/postgres/pgtest"
)

// BenchmarkPayloadColumn compares, in one run, the ways to keep a payload
// that migration 0007 chose between: the documented jsonb (which rewrites
// the text), json (the exact text, checked as JSON; the choice), and jsonb
// beside a text column of the exact bytes. It reports the microseconds per
// row of writing 100 rows (the publish path) and of reading their payloads
// back by ID (what a claim returns), for a small and a 4 KiB payload.
func BenchmarkPayloadColumn(b *testing.B) {
	_, dsn := pgtest.Schema(b)
	pool := pgtest.PoolOn(b, dsn)
	ctx := context.Background()
	kinds := map[string]string{
		"jsonb":      `payload jsonb NOT NULL`,
		"json":       `payload json NOT NULL`,
		"jsonb+text": `payload jsonb NOT NULL, payload_raw text NOT NULL`,
	}
	payloads := map[string]string{
		"small": `{"event":"job.created","timestamp":"2024-12-04T10:30:00Z","data":{"id":"job_123","title":"Forklift operator"}}`,
		"4KiB":  `{"event":"job.created","data":{"notes":[` + strings.Repeat(`{"k":"v","n":12.5,"ok":true},`, 140) + `{}]}}`,
	}
	for _, size := range []string{"small", "4KiB"} {
		for _, name := range []string{"jsonb", "json", "jsonb+text"} {
			b.Run(size+"/"+name, func(b *testing.B) {
				_, err := pool.Exec(ctx, fmt.Sprintf(`DROP TABLE IF EXISTS %[1]q; CREATE TABLE %[1]q (id uuid PRIMARY KEY, %[2]s)`,
					name, kinds[name]))
				require.NoError(b, err)
				benchPayloadColumn(b, pool, name, payloads[size])
			})
		}
	}
}

func benchPayloadColumn(b *testing.B, pool *pgxpool.Pool, table, payload string) {
	ctx := context.Background()
	const rows = 100
	ids := make([][16]byte, rows)
	texts := make([]string, rows)
	for i := range texts {
		texts[i] = payload
	}
	insert := fmt.Sprintf(`INSERT INTO %q SELECT id, p::%s FROM unnest($1::uuid[], $2::text[]) AS u(id, p)`, table, "jsonb")
	switch table {
	case "json":
		insert = fmt.Sprintf(`INSERT INTO %q SELECT id, p::json FROM unnest($1::uuid[], $2::text[]) AS u(id, p)`, table)
	case "jsonb+text":
		insert = fmt.Sprintf(`INSERT INTO %q SELECT id, p::jsonb, p FROM unnest($1::uuid[], $2::text[]) AS u(id, p)`, table)
	}
	read := fmt.Sprintf(`SELECT payload FROM %q WHERE id = ANY($1)`, table)
	if table == "jsonb+text" {
		read = fmt.Sprintf(`SELECT payload_raw FROM %q WHERE id = ANY($1)`, table)
	}
	var writeDur, readDur time.Duration
	var buf []byte
	for b.Loop() {
		for i := range ids {
			ids[i] = uuid.New()
		}
		t0 := time.Now()
		_, err := pool.Exec(ctx, insert, ids, texts)
		writeDur += time.Since(t0)
		require.NoError(b, err)
		t0 = time.Now()
		rs, err := pool.Query(ctx, read, ids)
		require.NoError(b, err)
		n := 0
		for rs.Next() {
			require.NoError(b, rs.Scan(&buf))
			n++
		}
		readDur += time.Since(t0)
		require.NoError(b, rs.Err())
		require.Equal(b, rows, n)
	}
	perRow := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 / float64(rows*b.N) }
	b.ReportMetric(perRow(writeDur), "write-us/row")
	b.ReportMetric(perRow(readDur), "read-us/row")
	b.ReportMetric(0, "ns/op")
}
