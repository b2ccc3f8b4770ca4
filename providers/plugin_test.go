package providers_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// testConfig keeps supervision quick in tests.
var testConfig = &providers.Config{PingInterval: 100 * time.Millisecond, RestartMin: 10 * time.Millisecond,
	RestartMax: 100 * time.Millisecond}

func newHost(t *testing.T) *providers.Host {
	t.Helper()
	h, err := providers.NewHost(testConfig)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, h.Close()) })
	return h
}

func loadSelf(t *testing.T, name string) (*providers.Host, *providers.Plugin) {
	t.Helper()
	h := newHost(t)
	p, err := h.LoadSelf(t.Context(), name, nil)
	require.NoError(t, err)
	return h, p
}

func TestPluginRoundTrip(t *testing.T) {
	t.Parallel()
	_, p := loadSelf(t, "echo")
	ctx := t.Context()

	t.Run("Info", func(t *testing.T) {
		info, err := p.Info(ctx)
		require.NoError(t, err)
		require.Equal(t, testInfo, info)
	})
	t.Run("Validate", func(t *testing.T) {
		err := p.Validate(ctx, providers.Settings{"smtpHost": "not a host!", "rateLimitHour": "50"})
		var ve *providers.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Equal(t, "Please enter a valid hostname or IP address", ve.Field("smtpHost"))
		require.Equal(t, "Minimum hourly limit is 100", ve.Field("rateLimitHour"))
		require.NoError(t, p.Validate(ctx, providers.Settings{"smtpHost": "smtp.sendgrid.net", "rateLimitHour": "1000"}))
	})
	t.Run("Check", func(t *testing.T) {
		res, err := p.Check(ctx, nil)
		require.NoError(t, err)
		want, _ := (&testProvider{}).Check(ctx, nil)
		require.Equal(t, want, res)
		require.False(t, res.OK())
		require.Equal(t, providers.StageTCP, res.Failed().Name)
	})
	t.Run("Do", func(t *testing.T) {
		res, err := p.Do(ctx, nil, &providers.Operation{Name: "echo", Payload: []byte(`{"a":1}`)})
		require.NoError(t, err)
		require.JSONEq(t, `{"a":1}`, string(res.Payload))
	})
	t.Run("HandleWebhook", func(t *testing.T) {
		req := &providers.WebhookRequest{Header: http.Header{"X-Signature": {"s3cret"}}, Body: []byte(`{"x":1}`)}
		evs, err := p.HandleWebhook(ctx, providers.Settings{"secret": "s3cret"}, req)
		require.NoError(t, err)
		require.Equal(t, []providers.Event{{ID: "ev1", Type: "email.bounced", Time: time.Unix(1700000000, 0).UTC(),
			Data: []byte(`{"x":1}`)}}, evs)
		_, err = p.HandleWebhook(ctx, providers.Settings{"secret": "other"}, req)
		require.Equal(t, providers.KindAuth, providers.KindOf(err))
	})
	t.Run("DeadlineCrosses", func(t *testing.T) {
		dctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		want, _ := dctx.Deadline()
		res, err := p.Do(dctx, nil, &providers.Operation{Name: "deadline"})
		require.NoError(t, err)
		var got struct {
			OK       bool  `json:"ok"`
			Deadline int64 `json:"deadline"`
		}
		require.NoError(t, json.Unmarshal(res.Payload, &got))
		require.True(t, got.OK, "the plugin sees the caller's deadline")
		// gRPC sends the time left, so the plugin's clock places it.
		require.InDelta(t, want.UnixNano(), got.Deadline, float64(10*time.Second))
	})
	t.Run("Unsupported", func(t *testing.T) {
		_, err := p.Do(ctx, nil, &providers.Operation{Name: "nope"})
		require.ErrorIs(t, err, providers.ErrUnsupported)
	})
}

func TestPluginErrorsKeepTheirClass(t *testing.T) {
	t.Parallel()
	_, p := loadSelf(t, "echo")
	tests := []struct {
		kind      string
		wantKind  providers.Kind
		wantClass retry.Class
		retryable bool
		message   string
	}{
		{"auth", providers.KindAuth, retry.ClassClientError, false, "Authentication failed. Please check credentials."},
		{"invalid_input", providers.KindInvalidInput, retry.ClassClientError, false, "provider said no"},
		{"rate_limited", providers.KindRateLimited, retry.ClassRateLimited, true, "Rate limit exceeded. Retry in 42 seconds."},
		{"timeout", providers.KindRetryable, retry.ClassTimeout, true, "Connection to Echo timed out"},
		{"server_error", providers.KindRetryable, retry.ClassServerError, true, "Echo is currently unavailable"},
		{"permanent", providers.KindPermanent, retry.ClassPermanent, false, "provider said no"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			payload, _ := json.Marshal(failure{Kind: tt.kind, RetryAfter: 42 * time.Second})
			_, err := p.Do(t.Context(), nil, &providers.Operation{Name: "fail", Payload: payload})
			var e *providers.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, tt.wantKind, e.Kind)
			require.Equal(t, tt.wantClass, retry.ClassifyError(err).Class)
			require.Equal(t, tt.retryable, retry.IsRetryable(err))
			require.Equal(t, tt.message, providers.UserMessage(err, "Echo"))
			if tt.kind == "rate_limited" {
				require.Equal(t, 42*time.Second, retry.ClassifyError(err).RetryAfter)
			}
		})
	}
}

func TestPluginOldPluginUnimplemented(t *testing.T) {
	t.Parallel()
	_, p := loadSelf(t, "minimal")
	info, err := p.Info(t.Context())
	require.NoError(t, err)
	require.Equal(t, "minimal", info.Name)
	_, err = p.Check(t.Context(), nil)
	require.ErrorIs(t, err, providers.ErrUnsupported)
	require.Equal(t, providers.KindUnsupported, providers.KindOf(err))
	require.False(t, retry.IsRetryable(err))
}

// TestPluginKilledMidCall: SIGKILL the plugin during a call. The call
// returns a classified error, the supervisor restarts the plugin and the
// next call succeeds.
func TestPluginKilledMidCall(t *testing.T) {
	t.Parallel()
	_, p := loadSelf(t, "echo")
	pid := p.PID()
	require.NotZero(t, pid)

	marker := filepath.Join(t.TempDir(), "in-call")
	payload, _ := json.Marshal(marker)
	errc := make(chan error, 1)
	go func() {
		_, err := p.Do(t.Context(), nil, &providers.Operation{Name: "block", Payload: payload})
		errc <- err
	}()
	waitFor(t, func() bool { _, err := os.Stat(marker); return err == nil })
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))

	err := <-errc
	require.Error(t, err)
	require.Equal(t, providers.KindRetryable, providers.KindOf(err))
	require.True(t, retry.IsRetryable(err))
	require.ErrorIs(t, err, providers.ErrPluginUnavailable)

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	waitFor(t, func() bool { return p.Restarts() >= 1 })
	require.NoError(t, p.WaitReady(ctx))
	res, err := p.Do(ctx, nil, &providers.Operation{Name: "pid"})
	require.NoError(t, err)
	newPID, _ := strconv.Atoi(string(res.Payload))
	require.NotEqual(t, pid, newPID)
	require.Equal(t, p.PID(), newPID)
	require.False(t, alive(pid))
}

// TestHostKilledLeavesNoPlugin: a host process killed with SIGKILL leaves
// no plugin process behind.
func TestHostKilledLeavesNoPlugin(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PROVIDERS_TEST_HELPER_HOST=1")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	require.NoError(t, err, line)
	require.True(t, alive(pid))

	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	waitFor(t, func() bool { return !alive(pid) })
}

func TestChecksum(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, providers.BinaryPrefix+"echo")
	copyFile(t, os.Args[0], bin)
	sum := sha256File(t, bin)

	t.Run("Mismatch", func(t *testing.T) {
		writeSums(t, dir, fmt.Sprintf("%x  %s\n", sha256.Sum256([]byte("something else")), filepath.Base(bin)))
		h := newHost(t)
		loaded, err := h.LoadDir(t.Context(), dir, nil)
		require.ErrorIs(t, err, providers.ErrChecksum)
		require.Contains(t, err.Error(), `plugin "echo": providers: plugin checksum mismatch: intime-provider-echo has SHA-256 `)
		require.Empty(t, loaded)
		require.Empty(t, h.Names())
	})
	t.Run("Missing", func(t *testing.T) {
		h := newHost(t)
		_, err := h.Launch(t.Context(), "echo", exec.Command(bin), &providers.LaunchOpts{Checksum: make([]byte, 32)})
		require.ErrorIs(t, err, providers.ErrChecksum)
	})
	t.Run("Match", func(t *testing.T) {
		dir := t.TempDir()
		bin2 := filepath.Join(dir, providers.BinaryPrefix+"echo")
		copyFile(t, bin, bin2)
		writeSums(t, dir, fmt.Sprintf("%x  %s\n", sum, filepath.Base(bin2)))
		h := newHost(t)
		loaded, err := h.LoadDir(t.Context(), dir, nil)
		require.NoError(t, err)
		require.Len(t, loaded, 1)
		p, err := h.Provider("echo")
		require.NoError(t, err)
		info, err := p.Info(t.Context())
		require.NoError(t, err)
		require.Equal(t, "echo", info.Name)
	})
}

func TestHandshakeRefused(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"wrong-version", "wrong-cookie", "not-a-plugin"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			h := newHost(t)
			_, err := h.Launch(t.Context(), "bad", exec.Command(os.Args[0], "--providers-test-mode="+mode), nil)
			require.ErrorIs(t, err, providers.ErrHandshake)
			require.Contains(t, err.Error(), `providers: plugin "bad": providers: plugin handshake failed (is it a provider plugin for protocol version 1?)`)
			require.Empty(t, h.Names())
		})
	}
}

func TestHostRegister(t *testing.T) {
	t.Parallel()
	h := newHost(t)
	require.NoError(t, h.Register("echo", &testProvider{}))
	require.ErrorIs(t, h.Register("echo", &testProvider{}), providers.ErrDuplicate)
	_, err := h.Provider("nope")
	require.ErrorIs(t, err, providers.ErrNotFound)
	require.Equal(t, []string{"echo"}, h.Names())
}

// waitFor polls cond for up to a minute: a liveness check, not a timing
// assertion.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met within a minute")
}

// alive reports whether pid is a running (not zombie) process.
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return !errors.Is(err, os.ErrNotExist)
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z" && fields[0] != "X"
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	require.NoError(t, err)
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(dst, src)
	require.NoError(t, err)
	require.NoError(t, dst.Close())
}

func sha256File(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	s := sha256.Sum256(b)
	return s[:]
}

func writeSums(t *testing.T, dir, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, providers.SumsFile), []byte(content), 0o600))
}

// TestBinaryNamedLikeAPluginRunsItsTests: the test binary of a plugin's
// module is named after the plugin convention (intime-provider-echo.test);
// run directly, not by a host, it runs its tests instead of trying to
// serve a provider named "echo.test".
func TestBinaryNamedLikeAPluginRunsItsTests(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), providers.BinaryPrefix+"echo.test")
	copyFile(t, os.Args[0], bin)
	out, err := exec.Command(bin, "-test.run=^TestHostRegister$").CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "PASS")
}
