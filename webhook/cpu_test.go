//go:build linux

package webhook_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// The benchmarks report CPU time per delivery beside throughput: on a
// machine whose cores the dispatcher, the receiver and the database share,
// throughput is CPU time in disguise, and the CPU figures say where it goes.

// processCPU returns the CPU time (user and system) this process has used,
// or 0 where it cannot be read.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// clockTick is the unit of /proc/*/stat CPU times (USER_HZ, 100 on every
// Linux platform Go supports).
const clockTick = 10 * time.Millisecond

// serverCPU returns the CPU time used so far by the local processes named
// comm (for example every PostgreSQL backend), or 0 when there are none:
// a database on another machine is not measured.
func serverCPU(comm string) time.Duration {
	paths, _ := filepath.Glob("/proc/[0-9]*/stat")
	var ticks int64
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(b, []byte("("+comm+")")) {
			continue
		}
		// Fields after the ")" that ends comm: state is the 3rd field of
		// the line, utime the 14th and stime the 15th.
		f := bytes.Fields(b[bytes.LastIndexByte(b, ')')+1:])
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(string(f[11]), 10, 64)
		s, _ := strconv.ParseInt(string(f[12]), 10, 64)
		ticks += u + s
	}
	return time.Duration(ticks) * clockTick
}
