package webhook_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage/postgres/pgtest"
)

// pgCluster is a PostgreSQL server of the test's own, in a temporary
// directory and on a free port, for tests that stop and start it (the
// shared server is never touched). As root, the server runs as the postgres
// OS user, which initdb requires.
type pgCluster struct {
	t    testing.TB
	bin  string
	dir  string
	port int
	// runAs is the OS user the binaries run as, "" for the current one.
	runAs string
}

// startCluster creates and starts a cluster, stopped and removed when the
// test ends. Without PostgreSQL's binaries the test skips, or fails under
// INTIME_REQUIRE_ALL=1.
func startCluster(t testing.TB) *pgCluster {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		msg := "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"
		if os.Getenv(pgtest.EnvRequireAll) == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	slices.Sort(bins)
	c := &pgCluster{t: t, bin: filepath.Dir(bins[len(bins)-1])}
	dir, err := os.MkdirTemp("", "intime-pg-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	c.dir = filepath.Join(dir, "data")
	if os.Geteuid() == 0 {
		c.runAs = "postgres"
		u, err := user.Lookup(c.runAs)
		require.NoError(t, err, "the postgres OS user")
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		require.NoError(t, os.Chown(dir, uid, gid))
	}
	c.run("initdb", "-D", c.dir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
	c.port = freePort(t)
	c.Start()
	t.Cleanup(func() { c.stop("immediate", false) })
	return c
}

// DSN is the cluster's connection string (database postgres).
func (c *pgCluster) DSN() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// Start starts the server and waits until it accepts connections. fsync is
// off (the machine does not crash, the server does); commits stay
// synchronous, as an immediate stop would lose asynchronous ones.
func (c *pgCluster) Start() {
	c.t.Helper()
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off "+
		"-c full_page_writes=off -c shared_buffers=16MB -c max_connections=60", c.port)
	c.run("pg_ctl", "-D", c.dir, "-l", filepath.Join(filepath.Dir(c.dir), "server.log"), "-w", "-t", "60",
		"-o", opts, "start")
}

// StopImmediate stops the server at once, as a crash would: no checkpoint,
// connections cut.
func (c *pgCluster) StopImmediate() {
	c.t.Helper()
	c.stop("immediate", true)
}

func (c *pgCluster) stop(mode string, must bool) {
	cmd := c.command("pg_ctl", "-D", c.dir, "-m", mode, "-w", "stop")
	if out, err := cmd.CombinedOutput(); err != nil && must {
		c.t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

func (c *pgCluster) run(name string, args ...string) {
	c.t.Helper()
	out, err := c.command(name, args...).CombinedOutput()
	require.NoError(c.t, err, "%s %v\n%s", name, args, out)
}

// command runs one of the server's binaries, as c.runAs when set.
func (c *pgCluster) command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, name)
	if c.runAs == "" {
		return exec.Command(path, args...)
	}
	return exec.Command("runuser", append([]string{"-u", c.runAs, "--", path}, args...)...)
}

// freePort returns a TCP port nobody listens on now.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
