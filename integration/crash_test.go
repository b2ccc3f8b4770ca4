package integration_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/sqlite"
)

// The child host of TestRecordingLossBound: envCrashChild names its store
// ("sqlite:<path>" or "postgres:<dsn>"), envCrashMode what it does after
// its calls ("kill": wait to be killed; "stop": Stop first).
const (
	envCrashChild = "INTIME_MANAGER_CRASH_STORE"
	envCrashMode  = "INTIME_MANAGER_CRASH_MODE"
)

// The child's recorder bounds and its number of calls: a kill may lose at
// most crashQueue + crashBatch records.
const (
	crashBatch = 50
	crashQueue = 100
	crashCalls = 230
)

// crashChild runs in the re-executed test binary: a host that makes
// crashCalls calls, prints its organization and integration, and then
// waits to be killed (after Stop, in "stop" mode).
func crashChild(spec, mode string) int {
	if err := runCrashChild(spec, mode); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	select {} // the parent kills us
}

func runCrashChild(spec, mode string) error {
	ctx := context.Background()
	k, err := secret.GenerateKey("child")
	if err != nil {
		return err
	}
	ring, err := secret.NewKeyring(k)
	if err != nil {
		return err
	}
	var store storage.Store
	if path, ok := strings.CutPrefix(spec, "sqlite:"); ok {
		store, err = sqlite.Open(ctx, path, &sqlite.Config{Sealer: ring})
	} else {
		store, err = postgres.Open(ctx, strings.TrimPrefix(spec, "postgres:"), &postgres.Config{Sealer: ring})
	}
	if err != nil {
		return err
	}
	host, err := providers.NewHost(nil)
	if err != nil {
		return err
	}
	if err := host.Register("probe", newProbe("probe")); err != nil {
		return err
	}
	m, err := integration.New(&integration.Config{Store: store, Providers: host, RecordBatch: crashBatch,
		RecordQueue: crashQueue, RecordInterval: time.Hour, HealthCheckPoll: time.Hour})
	if err != nil {
		return err
	}
	if err := m.Start(ctx); err != nil {
		return err
	}
	org := uuid.New()
	in, err := m.IntegrationCreate(ctx, &integration.CreateParams{OrganizationID: org, Type: "probe", Provider: "probe",
		Name: "Crash probe", Settings: probeSettings(uuid.NewString())})
	if err != nil {
		return err
	}
	for i := range crashCalls {
		if _, err := m.Dispatch(ctx, org, "probe", echoOp(fmt.Sprint(i))); err != nil {
			return err
		}
	}
	if mode == "stop" {
		if err := m.Stop(ctx); err != nil {
			return err
		}
	}
	fmt.Printf("done %s %s\n", org, in.ID)
	return nil
}

// TestRecordingLossBound: a host killed with SIGKILL loses at most the
// records of its unflushed batch and queue (RecordQueue + RecordBatch),
// and a host that Stops first loses none. Each record is written with its
// metrics in one transaction: what survived is consistent.
func TestRecordingLossBound(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"kill", "stop"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			t.Run("SQLite", func(t *testing.T) {
				t.Parallel()
				path := filepath.Join(t.TempDir(), "intime.db")
				lossBound(t, "sqlite:"+path, mode, func(t testing.TB) storage.Store {
					s, err := sqlite.Open(context.Background(), path, &sqlite.Config{Sealer: newRing(t)})
					require.NoError(t, err)
					t.Cleanup(func() { require.NoError(t, s.Close()) })
					return s
				})
			})
			t.Run("PostgreSQL", func(t *testing.T) {
				t.Parallel()
				_, dsn := pgtest.Schema(t)
				lossBound(t, "postgres:"+dsn, mode, func(t testing.TB) storage.Store {
					return postgresOn(t, dsn, nil, newRing(t))
				})
			})
		})
	}
}

func lossBound(t *testing.T, spec, mode string, open func(t testing.TB) storage.Store) {
	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), envCrashChild+"="+spec, envCrashMode+"="+mode)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err, "the child reports its calls")
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	var orgText, idText string
	_, err = fmt.Sscanf(line, "done %s %s", &orgText, &idText)
	require.NoError(t, err, line)
	org, id := uuid.MustParse(orgText), uuid.MustParse(idText)

	s := open(t)
	page, err := s.LogList(t.Context(), &storage.LogListParams{OrganizationID: org, IntegrationID: id,
		Search: "probe.echo succeeded", Limit: storage.LimitMax})
	require.NoError(t, err)
	logged := len(page.Items)
	bs, err := s.MetricList(t.Context(), &storage.MetricListParams{OrganizationID: org, IntegrationID: id,
		Metric: integration.MetricCallPrefix + "probe.echo"})
	require.NoError(t, err)
	var counted int64
	for _, b := range bs {
		counted += b.Count
	}
	require.EqualValues(t, logged, counted, "a call's log entry and metrics are written together")
	lost := crashCalls - logged
	t.Logf("%s: %d of %d calls recorded, %d lost (bound %d)", mode, logged, crashCalls, lost, crashQueue+crashBatch)
	if mode == "stop" {
		require.Zero(t, lost, "a clean Stop loses nothing")
		return
	}
	require.LessOrEqual(t, lost, crashQueue+crashBatch, "a kill loses at most the queue and the batch")
	require.GreaterOrEqual(t, logged, crashCalls-crashQueue-crashBatch)
}
