package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/storagetest"
)

// BenchmarkPump records and claims deliveries through DeliveryPump, the
// dispatcher's path without the dispatcher and without HTTP: b.N
// deliveries to 4 webhooks are published into a fresh table (no ANALYZE,
// as after a burst), then two goroutines each record their last 32 rows
// and claim the next 32 in one call. It reports deliveries per second and,
// when PostgreSQL runs on this machine, its backends' CPU per delivery
// (pg_us/delivery). Run it with -benchtime 20000x.
func BenchmarkPump(b *testing.B) {
	for _, bc := range []struct {
		name string
		cap  int
	}{{"capped", 1000}, {"uncapped", 0}} {
		b.Run(bc.name, func(b *testing.B) { benchPump(b, bc.cap) })
	}
}

func benchPump(b *testing.B, perWebhook int) {
	ctx := context.Background()
	s, pool, org := pumpBenchStore(b)
	pumpBenchPublish(b, s, org, b.N)
	pids := backendPIDs(b, pool)
	cpu0, ok0 := backendsCPU(pids)
	claimer := uuid.New()
	var wg sync.WaitGroup
	b.ResetTimer()
	for range 2 {
		wg.Go(func() {
			var held []*storage.Delivery
			var claimID uuid.UUID
			for {
				claimID0 := claimID
				claimID = storage.NewClaimID(claimer)
				_, rows, err := s.DeliveryPump(ctx, &storage.DeliveryPumpParams{Finish: pumpBenchResults(org, claimID0, held),
					Claim: &storage.DeliveryClaimParams{Now: time.Now(), Limit: 32, LeaseFor: 6 * time.Minute, ClaimID: claimID,
						PerWebhookLimit: perWebhook, Claimer: claimer}})
				if err != nil || len(rows) == 0 {
					require.NoError(b, err)
					return
				}
				held = rows
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	if cpu, ok := backendsCPU(pids); ok && ok0 {
		b.ReportMetric(float64((cpu-cpu0).Microseconds())/float64(b.N), "pg_us/delivery")
	}
}

// pumpBenchStore is a migrated store on a fresh schema whose connections
// carry the schema's name as application_name, so that their backends
// can be found.
func pumpBenchStore(b *testing.B) (*postgres.Store, *pgxpool.Pool, uuid.UUID) {
	ctx := context.Background()
	schema, dsn := pgtest.Schema(b)
	cfg, err := pgxpool.ParseConfig(dsn)
	require.NoError(b, err)
	cfg.ConnConfig.RuntimeParams["application_name"] = schema
	cfg.MaxConns = 3 // two pumping, one spare: all open before measuring
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(b, err)
	b.Cleanup(pool.Close)
	var conns []*pgxpool.Conn
	for range cfg.MaxConns {
		c, err := pool.Acquire(ctx)
		require.NoError(b, err)
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Release()
	}
	ring, err := newRing()
	require.NoError(b, err)
	s, err := postgres.New(pool, &postgres.Config{Sealer: ring})
	require.NoError(b, err)
	require.NoError(b, s.Migrate(ctx))
	return s, pool, uuid.New()
}

// pumpBenchPublish creates 4 webhooks of org and publishes n deliveries
// to them.
func pumpBenchPublish(b *testing.B, s *postgres.Store, org uuid.UUID, n int) {
	ctx := context.Background()
	for i := range 4 {
		_, err := s.WebhookCreate(ctx, &storage.WebhookCreateParams{OrganizationID: org, Name: fmt.Sprint("bench", i),
			URL: "https://example.com/h", Secret: storagetest.NewSecret(), Events: []string{"job.created"}})
		require.NoError(b, err)
	}
	for i := 0; i < (n+3)/4; i += 250 {
		p := &storage.DeliveryPublishParams{OrganizationID: org}
		for j := i; j < min(i+250, (n+3)/4); j++ {
			p.Events = append(p.Events, &storage.DeliveryPublishEvent{Type: "job.created",
				Payload: json.RawMessage(fmt.Sprintf(`{"type":"job.created","timestamp":"2026-12-06T10:00:00Z","data":{"n":%d}}`, j))})
		}
		_, err := s.DeliveryPublish(ctx, p)
		require.NoError(b, err)
	}
}

// pumpBenchResults are 200s for rows, with the headers the dispatcher
// records.
func pumpBenchResults(org, claimID uuid.UUID, rows []*storage.Delivery) []*storage.DeliveryFinishParams {
	req := http.Header{"Content-Type": {"application/json"}, "User-Agent": {"InTime-Webhooks/1.0"},
		"Webhook-Id": {"msg_2c1a2b3c4d5e6f708192a3b4c5d6e7f8"}, "Webhook-Timestamp": {"1764950400"},
		"Webhook-Signature":  {"v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="},
		"X-Intime-Signature": {"t=1764950400,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"}}
	resp := http.Header{"Content-Type": {"text/plain"}}
	out := make([]*storage.DeliveryFinishParams, len(rows))
	for i, d := range rows {
		status := http.StatusOK
		out[i] = &storage.DeliveryFinishParams{OrganizationID: org, ID: d.ID, ClaimID: claimID, Status: storage.DeliverySuccess,
			RequestHeaders: req, ResponseHeaders: resp, ResponseStatus: &status, DurationMS: 1, DeliveredAt: time.Now()}
	}
	return out
}

// backendPIDs are the server processes of pool's connections, which are
// all open (see pumpBenchStore).
func backendPIDs(b *testing.B, pool *pgxpool.Pool) []int {
	rows, err := pool.Query(context.Background(), `SELECT pid FROM pg_stat_activity
		WHERE application_name = current_setting('application_name')`)
	require.NoError(b, err)
	defer rows.Close()
	var pids []int
	for rows.Next() {
		var pid int
		require.NoError(b, rows.Scan(&pid))
		pids = append(pids, pid)
	}
	return pids
}

// backendsCPU adds up the CPU time of pids from /proc (a local server).
func backendsCPU(pids []int) (time.Duration, bool) {
	var total time.Duration
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return 0, false
		}
		f := strings.Fields(string(b)[strings.LastIndexByte(string(b), ')')+2:])
		u, _ := strconv.Atoi(f[11])
		s, _ := strconv.Atoi(f[12])
		total += time.Duration(u+s) * 10 * time.Millisecond // clock ticks of 1/100 s
	}
	return total, true
}
