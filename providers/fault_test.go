package providers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// faultConfig notices a frozen plugin within seconds, yet gives a healthy
// plugin on a loaded machine ample time to answer its pings.
var faultConfig = providers.Config{PingInterval: 100 * time.Millisecond, PingTimeout: 3 * time.Second,
	KillGrace: time.Second, StopTimeout: 5 * time.Second,
	RestartMin: 10 * time.Millisecond, RestartMax: 100 * time.Millisecond}

// syncBuffer is a bytes.Buffer safe for the plugin's stderr copier and the
// test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func hostWith(t *testing.T, cfg providers.Config) *providers.Host {
	t.Helper()
	h, err := providers.NewHost(&cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, h.Close()) })
	return h
}

// holdOp is the "hold" operation: with Settings{"holdDir": dir} it waits
// for dir/release, after creating dir/<key>.in.
func holdOp(key string) *providers.Operation {
	return &providers.Operation{Name: "hold", IdempotencyKey: key}
}

func pidOf(t *testing.T, r *providers.Result) int {
	t.Helper()
	pid, err := strconv.Atoi(string(r.Payload))
	require.NoError(t, err, "%s", r.Payload)
	return pid
}

func exists(path string) bool { _, err := os.Stat(path); return err == nil }

// TestPluginPanicBesideConcurrentCall: one organization's call panics in
// the provider while another's is in flight on the same plugin process. The
// panicking call fails with a clear permanent error, the other completes,
// the process lives on, the breaker does not count the panic, and the
// stack is in the plugin's log.
func TestPluginPanicBesideConcurrentCall(t *testing.T) {
	t.Parallel()
	stderr, logged := &syncBuffer{}, &syncBuffer{}
	cfg := *testConfig
	cfg.Stderr = stderr
	cfg.Logger = slogTo(logged)  // info and above: the plugin's error lines, not go-plugin's chatter
	cfg.PingInterval = time.Hour // nothing but the panic could end the process
	h := hostWith(t, cfg)
	p, err := h.LoadSelf(t.Context(), "echo", nil)
	require.NoError(t, err)
	pid := p.PID()

	dir := t.TempDir()
	held := make(chan error, 1)
	go func() {
		r, err := p.Do(t.Context(), providers.Settings{"holdDir": dir}, holdOp("org-a"))
		if err == nil && string(r.Payload) != strconv.Itoa(pid) {
			err = fmt.Errorf("served by pid %s, want %d", r.Payload, pid)
		}
		held <- err
	}()
	waitFor(t, func() bool { return exists(filepath.Join(dir, "org-a.in")) })

	inst := providers.NewInstance("Echo", p, nil, &providers.BreakerConfig{FailureThreshold: 2})
	for range 3 {
		_, err = inst.Call(t.Context(), &providers.Operation{Name: "panic", Payload: []byte("org-b")})
		requirePanicError(t, err, "boom: org-b")
	}
	require.Equal(t, providers.BreakerClosed, inst.Breaker().State(), "a panic is not unavailability")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "release"), nil, 0o600))
	require.NoError(t, receive(t, held), "the concurrent call completes on the same process")
	require.Equal(t, pid, p.PID())
	require.Zero(t, p.Restarts())
	waitFor(t, func() bool {
		log := stderr.String()
		return strings.Contains(log, "provider panicked") && strings.Contains(log, "panicOp")
	})
	waitFor(t, func() bool {
		return regexp.MustCompile(`level=ERROR msg=.*provider panicked.*panicOp`).MatchString(logged.String())
	})
}

func requirePanicError(t *testing.T, err error, value string) {
	t.Helper()
	var pe *providers.PanicError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "Do", pe.Method)
	require.Equal(t, value, pe.Value)
	require.Equal(t, providers.KindPermanent, providers.KindOf(err))
	require.False(t, retry.IsRetryable(err))
	require.NotErrorIs(t, err, providers.ErrPluginUnavailable)
	require.Contains(t, err.Error(), "provider panicked in Do: "+value)
}

// TestInProcessPanic: in process, neither Instance.Call nor a provider
// registered on a Host lets a panic reach the caller.
func TestInProcessPanic(t *testing.T) {
	t.Parallel()
	var logged syncBuffer
	inst := providers.NewInstanceWith("Echo", &testProvider{}, nil, &providers.InstanceConfig{
		Breaker: &providers.BreakerConfig{FailureThreshold: 1}, Logger: slogTo(&logged)})
	_, err := inst.Call(t.Context(), &providers.Operation{Name: "panic", Payload: []byte("x")})
	requirePanicError(t, err, "boom: x")
	var pe *providers.PanicError
	require.ErrorAs(t, err, &pe)
	require.Contains(t, string(pe.Stack), "panicOp")
	require.Contains(t, logged.String(), "panicOp", "the stack is logged")
	require.Equal(t, providers.BreakerClosed, inst.Breaker().State())

	h := newHost(t)
	require.NoError(t, h.Register("echo", &testProvider{}))
	p, err := h.Provider("echo")
	require.NoError(t, err)
	_, err = p.Do(t.Context(), nil, &providers.Operation{Name: "panic", Payload: []byte("y")})
	requirePanicError(t, err, "boom: y")
	r, err := p.Do(t.Context(), nil, &providers.Operation{Name: "echo", Payload: []byte(`1`)})
	require.NoError(t, err)
	require.Equal(t, "1", string(r.Payload))
}

// TestPluginFrozen: a plugin frozen by SIGSTOP during a call is killed and
// replaced; the call in flight fails as "plugin unavailable", retryable.
func TestPluginFrozen(t *testing.T) {
	t.Parallel()
	h := hostWith(t, faultConfig)
	p, err := h.LoadSelf(t.Context(), "echo", nil)
	require.NoError(t, err)
	testFrozen(t, p, func(pid int) { require.NoError(t, syscall.Kill(pid, syscall.SIGSTOP)) })
}

// TestPluginWedged: a plugin whose handler never returns and whose server
// no longer answers anything (pings, go-plugin's shutdown request) is
// killed and replaced like a stopped one.
func TestPluginWedged(t *testing.T) {
	t.Parallel()
	h := hostWith(t, faultConfig)
	p, err := h.Launch(t.Context(), "echo", exec.Command(os.Args[0], "--providers-test-mode=wedge"), nil)
	require.NoError(t, err)
	testFrozen(t, p, func(int) {
		go func() { _, _ = p.Do(context.Background(), nil, &providers.Operation{Name: "wedge"}) }()
	})
}

func testFrozen(t *testing.T, p *providers.Plugin, freeze func(pid int)) {
	t.Helper()
	pid := p.PID()
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGCONT) })
	dir := t.TempDir()
	inFlight := make(chan error, 1)
	go func() {
		_, err := p.Do(context.Background(), providers.Settings{"holdDir": dir}, holdOp("call"))
		inFlight <- err
	}()
	waitFor(t, func() bool { return exists(filepath.Join(dir, "call.in")) })
	freeze(pid)

	err := receive(t, inFlight)
	require.ErrorIs(t, err, providers.ErrPluginUnavailable, "%v", err)
	require.True(t, retry.IsRetryable(err))
	waitFor(t, func() bool { return !alive(pid) })
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	require.NoError(t, p.WaitReady(ctx))
	r, err := p.Do(ctx, nil, holdOp("after"))
	require.NoError(t, err)
	require.NotEqual(t, pid, pidOf(t, r))
	require.GreaterOrEqual(t, p.Restarts(), 1)
}

// TestHostCloseFrozenPlugin: Close returns within Config.StopTimeout
// whatever the plugin does, and the frozen process is gone.
func TestHostCloseFrozenPlugin(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"SIGSTOP", "wedged"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			cfg := faultConfig
			cfg.PingInterval = time.Hour // Close, not the supervisor, meets the frozen plugin
			h, err := providers.NewHost(&cfg)
			require.NoError(t, err)
			p, err := h.Launch(t.Context(), "echo", exec.Command(os.Args[0], "--providers-test-mode=wedge"), nil)
			require.NoError(t, err)
			pid := p.PID()
			t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGCONT) })
			if mode == "SIGSTOP" {
				require.NoError(t, syscall.Kill(pid, syscall.SIGSTOP))
			} else {
				go func() { _, _ = p.Do(context.Background(), nil, &providers.Operation{Name: "wedge"}) }()
				waitFor(t, func() bool { return wedgedNow(t, p) })
			}

			start := time.Now()
			closed := make(chan struct{})
			go func() { _ = h.Close(); close(closed) }()
			select {
			case <-closed:
			case <-time.After(cfg.StopTimeout + time.Minute):
				_ = syscall.Kill(pid, syscall.SIGCONT) // let the old code's Close finish
				<-closed
				t.Fatalf("Close blocked on a frozen plugin")
			}
			elapsed := time.Since(start)
			t.Logf("Close took %v (KillGrace %v, StopTimeout %v)", elapsed, cfg.KillGrace, cfg.StopTimeout)
			require.Less(t, elapsed, cfg.StopTimeout, "Close returns within its documented bound")
			waitFor(t, func() bool { return !alive(pid) })
		})
	}
}

// TestWaitReadyAfterKill: right after kill -9, WaitReady returns only once
// a new process serves.
func TestWaitReadyAfterKill(t *testing.T) {
	t.Parallel()
	_, p := loadSelf(t, "echo")
	pid := p.PID()
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	require.NoError(t, p.WaitReady(ctx))
	now := p.PID()
	require.NotEqual(t, pid, now, "WaitReady returned with the dead process current")
	require.True(t, alive(now))
	r, err := p.Do(ctx, nil, &providers.Operation{Name: "pid"})
	require.NoError(t, err)
	require.Equal(t, now, pidOf(t, r))
}

// TestErrorAfterKill: a call to a killed plugin says it is unavailable, not
// that authentication failed.
func TestErrorAfterKill(t *testing.T) {
	t.Parallel()
	cfg := *testConfig
	cfg.PingInterval = time.Hour // the call, not the supervisor, meets the dead process
	h := hostWith(t, cfg)
	p, err := h.LoadSelf(t.Context(), "echo", nil)
	require.NoError(t, err)
	pid := p.PID()
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	waitFor(t, func() bool { return !alive(pid) })

	inst := providers.NewInstance("Echo", p, nil, nil)
	_, err = inst.Call(t.Context(), &providers.Operation{Name: "pid"})
	require.ErrorIs(t, err, providers.ErrPluginUnavailable)
	require.Regexp(t, `^providers: Echo: retryable: plugin unavailable \((connection lost|restarting)\)$`, err.Error())
	require.Equal(t, "Echo is currently unavailable", providers.UserMessage(err, "Echo"))
}

// TestPluginKilledDuringCallsFailsOver: kill -9 of the primary's process
// while calls are in flight on it; every call is served by the backup.
func TestPluginKilledDuringCallsFailsOver(t *testing.T) {
	t.Parallel()
	h := newHost(t)
	primary, err := h.LoadSelf(t.Context(), "echo", nil)
	require.NoError(t, err)
	backup := &testProvider{}
	dir := t.TempDir()
	g, err := providers.NewGroup(&providers.GroupConfig{Name: "Echo", AttemptTimeout: time.Minute, Members: []*providers.Instance{
		providers.NewInstance("Primary", primary, providers.Settings{"holdDir": dir}, nil),
		providers.NewInstance("Backup", backup, nil, nil)}})
	require.NoError(t, err)

	const calls = 4
	pid := primary.PID()
	results := make(chan error, calls)
	for i := range calls {
		go func() {
			r, err := g.Call(t.Context(), holdOp(strconv.Itoa(i)))
			if err == nil && string(r.Payload) != strconv.Itoa(os.Getpid()) {
				err = fmt.Errorf("served by pid %s, not the backup", r.Payload)
			}
			results <- err
		}()
	}
	for i := range calls {
		waitFor(t, func() bool { return exists(filepath.Join(dir, strconv.Itoa(i)+".in")) })
	}
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	for range calls {
		require.NoError(t, receive(t, results))
	}
	require.Equal(t, "Backup", g.Active())
}

// TestInstanceDefaultDeadline: a call without a deadline gets the attempt
// timeout, in process and across the plugin boundary, where it ends a
// handler that ignores its context.
func TestInstanceDefaultDeadline(t *testing.T) {
	t.Parallel()
	inst := providers.NewInstance("Echo", &testProvider{}, nil, nil)
	r, err := inst.Call(context.Background(), &providers.Operation{Name: "deadline"})
	require.NoError(t, err)
	var got struct {
		OK       bool  `json:"ok"`
		Deadline int64 `json:"deadline"`
	}
	require.NoError(t, json.Unmarshal(r.Payload, &got))
	require.True(t, got.OK, "the provider sees a deadline")
	require.InDelta(t, time.Now().Add(providers.AttemptTimeoutDefault).UnixNano(), got.Deadline, float64(10*time.Second))

	_, p := loadSelf(t, "echo")
	hung := providers.NewInstanceWith("Echo", p, nil, &providers.InstanceConfig{AttemptTimeout: 200 * time.Millisecond})
	_, err = hung.Call(context.Background(), &providers.Operation{Name: "hang"})
	require.Equal(t, retry.ClassTimeout, retry.ClassifyError(err).Class, "%v", err)
	require.True(t, retry.IsRetryable(err))
}

// TestLoadDirNameMismatch: a binary whose provider calls itself by another
// name than its file is refused; the others load.
func TestLoadDirNameMismatch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	copyFile(t, os.Args[0], filepath.Join(dir, providers.BinaryPrefix+"impostor"))
	copyFile(t, os.Args[0], filepath.Join(dir, providers.BinaryPrefix+"echo"))
	writeSums(t, dir, sumsOf(t, dir))
	h := newHost(t)
	loaded, err := h.LoadDir(t.Context(), dir, nil)
	require.ErrorIs(t, err, providers.ErrNameMismatch)
	require.Contains(t, err.Error(), `providers: plugin "impostor": providers: plugin name mismatch: `+
		`intime-provider-impostor serves provider "echo" (Info.Name)`)
	require.Len(t, loaded, 1)
	require.Equal(t, []string{"echo"}, h.Names())
	require.Len(t, h.Plugins(), 1)
}

// wedgedNow reports whether a quick call to p times out.
func wedgedNow(t *testing.T, p *providers.Plugin) bool {
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	_, err := p.Do(ctx, nil, &providers.Operation{Name: "pid"})
	return errors.Is(err, context.DeadlineExceeded)
}

// receive waits for a value on ch, failing the test after a generous
// deadline instead of hanging.
func receive[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(2 * time.Minute):
		t.Fatal("no result within 2 minutes")
		panic("unreachable")
	}
}

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
