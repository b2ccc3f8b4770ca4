// Command bench compares, in one process against one loopback HTTPS
// receiver and one PostgreSQL database, four ways to deliver N webhooks:
// a raw POST loop (the ceiling), the SDK's webhook.Dispatcher, the same
// delivery job on River (a signed POST and an attempt row) and River's
// no-op job (the bare queue). For each it prints throughput and the CPU
// time each delivery cost this process and the PostgreSQL server. See
// README.md; compare.sh runs it against an older SDK too.
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"time"
)

// defaultDSN is the database used without -dsn or BENCH_POSTGRES_DSN.
const defaultDSN = "postgres://postgres@127.0.0.1:5432/intime_bench?sslmode=disable"

// workers is the concurrency of every scenario.
const workers = 16

func main() {
	scenario := flag.String("scenario", "sdk", "raw, sdk, river, noop or floor")
	label := flag.String("label", "", "name printed for the scenario (default: the scenario)")
	n := flag.Int("n", 20000, "deliveries (jobs) to run")
	dsn := flag.String("dsn", cmp.Or(os.Getenv("BENCH_POSTGRES_DSN"), defaultDSN), "PostgreSQL DSN; its database is created if missing")
	setup := flag.String("setup", "", "SQL run after the scenario's migrations (for experiments)")
	cpuprofile := flag.String("cpuprofile", "", "write this process's CPU profile of the scenario to this file")
	stats := flag.Bool("stats", false, "print the row writes of the scenario's tables to stderr")
	flag.Parse()
	if *label == "" {
		*label = *scenario
	}
	ctx := context.Background()
	rcv := newReceiver()
	defer rcv.Close()
	e := &env{rcv: rcv, n: *n, setup: *setup}
	if *scenario != "raw" {
		db, err := openDB(ctx, *dsn)
		if err != nil {
			log.Fatal(err)
		}
		defer db.close(ctx)
		e.db = db
	}
	var run func(context.Context, *env) (*result, error)
	switch *scenario {
	case "raw":
		run = runRaw
	case "sdk":
		run = runSDK
	case "river":
		run = runRiverJob
	case "noop":
		run = runRiverNoop
	case "floor":
		run = runFloor
	default:
		log.Fatalf("unknown scenario %q", *scenario)
	}
	if *cpuprofile != "" {
		stop, err := startProfile(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		defer stop()
	}
	res, err := run(ctx, e)
	if err != nil {
		log.Fatal(err)
	}
	if *stats && e.db != nil {
		e.db.printTableStats(ctx)
	}
	fmt.Printf("%-10s %8d ops %9.0f ops/s %8.1f proc_us/op %8.1f pg_us/op\n", *label, e.n,
		float64(e.n)/res.elapsed.Seconds(), perOp(res.proc, e.n), perOp(res.pg, e.n))
}

// env is what a scenario runs against.
type env struct {
	rcv *receiver
	db  *database
	n   int
	// setup is SQL to run after the migrations.
	setup string
}

// result is what a scenario measured, from the moment its workers started
// to the last delivery.
type result struct {
	elapsed  time.Duration
	proc, pg time.Duration
}

func perOp(d time.Duration, n int) float64 { return float64(d.Nanoseconds()) / 1000 / float64(n) }

// measure runs start, waits with wait, and returns the elapsed time and
// the CPU time this process and the database's backends used meanwhile.
func measure(ctx context.Context, e *env, start func() error, wait func() error) (*result, error) {
	var pg *pgMeter
	if e.db != nil {
		pg = e.db.meter(ctx)
	}
	t0, p0 := time.Now(), processCPU()
	if err := start(); err != nil {
		return nil, err
	}
	if err := wait(); err != nil {
		return nil, err
	}
	res := &result{elapsed: time.Since(t0), proc: processCPU() - p0}
	if pg != nil {
		res.pg = pg.stop(ctx)
	}
	return res, nil
}
