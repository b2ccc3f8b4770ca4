package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// processCPU returns the CPU time (user and system) this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// clockTick is the unit of /proc/*/stat CPU times (USER_HZ).
const clockTick = 10 * time.Millisecond

// pidCPU returns the CPU time a local process has used, or false.
func pidCPU(pid int) (time.Duration, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	f := bytes.Fields(b[bytes.LastIndexByte(b, ')')+1:])
	if len(f) < 13 {
		return 0, false
	}
	u, _ := strconv.ParseInt(string(f[11]), 10, 64)
	s, _ := strconv.ParseInt(string(f[12]), 10, 64)
	return time.Duration(u+s) * clockTick, true
}

// pgMeter adds up the CPU time of the PostgreSQL processes working for the
// benchmark's database: its backends and its autovacuum workers, found in
// pg_stat_activity every 50 ms (a process that comes and goes between two
// looks is missed). Other databases' backends on the same server, and the
// server's shared background processes (WAL writer, checkpointer), are not
// counted. A server on another machine measures as zero.
type pgMeter struct {
	db    *database
	mu    sync.Mutex
	first map[int]time.Duration
	last  map[int]time.Duration
	quit  chan struct{}
	done  chan struct{}
}

func (db *database) meter(ctx context.Context) *pgMeter {
	m := &pgMeter{db: db, first: map[int]time.Duration{}, last: map[int]time.Duration{},
		quit: make(chan struct{}), done: make(chan struct{})}
	m.look(ctx, true)
	go func() {
		defer close(m.done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-m.quit:
				return
			case <-t.C:
				m.look(ctx, false)
			}
		}
	}()
	return m
}

// look reads (on the admin connection, which is not counted) the CPU time of the database's processes; at the start, what
// they used before counts as their baseline.
func (m *pgMeter) look(ctx context.Context, start bool) {
	rows, err := m.db.admin.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()
		AND (application_name = $1 OR backend_type <> 'client backend')`, m.db.schema)
	if err != nil {
		return
	}
	var pids []int
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) == nil {
			pids = append(pids, pid)
		}
	}
	rows.Close()
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, pid := range pids {
		cpu, ok := pidCPU(pid)
		if !ok {
			continue
		}
		if _, seen := m.first[pid]; !seen {
			if start {
				m.first[pid] = cpu
			} else {
				m.first[pid] = 0
			}
		}
		m.last[pid] = cpu
	}
}

// stop ends the measurement and returns the CPU time used since it began.
func (m *pgMeter) stop(ctx context.Context) time.Duration {
	close(m.quit)
	<-m.done
	m.look(ctx, false)
	m.mu.Lock()
	defer m.mu.Unlock()
	var total time.Duration
	for pid, last := range m.last {
		total += last - m.first[pid]
	}
	return total
}

// startProfile starts a CPU profile written to path; call the returned
// function to stop it.
func startProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
