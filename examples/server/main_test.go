package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
)

func TestMain(m *testing.M) {
	// The demo's plugins are this test binary, re-executed.
	providers.ServeSelf(pluginProviders())
	goleak.VerifyTestMain(m, goleak.IgnoreCurrent())
}

// syncBuffer collects the program's output.
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

var loginLink = regexp.MustCompile(`(http://127\.0\.0\.1:\d+)/login\?secret=([A-Za-z0-9_-]+)`)

// runDemo starts the program as `go run ./examples/server` does, with
// extra arguments, and returns its base URL, its output and the function
// that stops it (and checks it stopped cleanly).
func runDemo(t *testing.T, args ...string) (base, secret string, out *syncBuffer, stop func()) {
	t.Helper()
	t.Setenv("INTIME_SECRET_KEY", "")
	ctx, cancel := context.WithCancel(context.Background())
	out = &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"-listen", "127.0.0.1:0"}, args...), out) }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if m := loginLink.FindStringSubmatch(out.String()); m != nil {
			base, secret = m[1], m[2]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the demo stopped at start: %v\n%s", err, out.String())
		default:
		}
		require.True(t, time.Now().Before(deadline), "no login link printed:\n%s", out.String())
		time.Sleep(50 * time.Millisecond)
	}
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		require.NoError(t, <-done)
		require.Contains(t, out.String(), "Stopped.")
	}
	t.Cleanup(stop)
	return base, secret, out, stop
}

// client is a browser's: a cookie jar.
func client(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

func get(t *testing.T, c *http.Client, url string) (int, []byte) {
	t.Helper()
	resp, err := c.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b
}

// waitJSON polls an admin API call until cond holds of its answer.
func waitJSON(t *testing.T, c *http.Client, url, what string, cond func(map[string]any) bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	var last []byte
	for time.Now().Before(deadline) {
		status, b := get(t, c, url)
		last = b
		var v map[string]any
		if status == http.StatusOK && json.Unmarshal(b, &v) == nil && cond(v) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("within a minute, no %s: %s", what, last)
}

func items(v map[string]any) []any { l, _ := v["items"].([]any); return l }

// checkDemo logs in with the printed link and waits for what a newcomer
// should see within a minute: the dashboard, a delivered webhook, a failed
// one in the dead letter queue, an alert and log entries.
func checkDemo(t *testing.T, base, secret string) {
	t.Helper()
	anon := client(t)
	status, _ := get(t, anon, base+"/admin/")
	require.Equal(t, http.StatusUnauthorized, status, "no open default")
	status, _ = get(t, anon, base+"/login?secret=not-the-secret")
	require.Equal(t, http.StatusUnauthorized, status)

	c := client(t)
	status, page := get(t, c, base+"/login?secret="+secret)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, string(page), "Integrations dashboard")
	api := base + "/admin/api"
	waitJSON(t, c, api+"/deliveries?status=success", "delivered webhook", func(v map[string]any) bool { return len(items(v)) > 0 })
	waitJSON(t, c, api+"/dlq", "dead letter", func(v map[string]any) bool { return len(items(v)) > 0 })
	waitJSON(t, c, api+"/integrations/overview", "alert and active integrations", func(v map[string]any) bool {
		alerts, _ := v["alerts"].([]any)
		return len(alerts) > 0 && v["active"].(float64) >= 3 && v["errors"].(float64) >= 1
	})
	waitJSON(t, c, api+"/logs?q=Email+sent", "email log entry", func(v map[string]any) bool { return len(items(v)) > 0 })
	waitJSON(t, c, api+"/logs?level=error", "error log entry", func(v map[string]any) bool { return len(items(v)) > 0 })
	waitJSON(t, c, api+"/api-access/usage", "API usage", func(v map[string]any) bool { return v["total"].(float64) > 0 })
	for _, p := range []string{"/admin/", "/admin/integrations", "/admin/logs", "/admin/api-access", "/admin/dlq", "/admin/webhooks"} {
		status, _ := get(t, c, base+p)
		require.Equal(t, http.StatusOK, status, p)
	}
}

// TestRunSQLite: the README's first command, on SQLite in a local
// directory: a development key is made (with a warning) on the first run and
// reused on the second, which finds the first run's data.
func TestRunSQLite(t *testing.T) {
	dir := t.TempDir()
	base, secret, out, stop := runDemo(t, "-data", dir)
	require.Contains(t, out.String(), "WARNING: generated a development key")
	checkDemo(t, base, secret)
	stop()
	fi, err := os.Stat(filepath.Join(dir, devKeyFile))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	log, err := os.ReadFile(filepath.Join(dir, "server.log"))
	require.NoError(t, err)
	require.NotEmpty(t, log)
	for _, s := range []string{secret, directoryKey, sendGridKey, sinkPassword} {
		require.NotContains(t, string(log), s, "no secret in the log")
	}

	base2, secret2, out2, _ := runDemo(t, "-data", dir)
	require.NotContains(t, out2.String(), "WARNING: generated", "the key is reused")
	require.NotEqual(t, secret, secret2, "a new session secret per run")
	checkDemo(t, base2, secret2)
}

// TestRunPostgres: the -postgres flag runs the same demo on PostgreSQL.
func TestRunPostgres(t *testing.T) {
	_, dsn := pgtest.Schema(t)
	base, secret, _, _ := runDemo(t, "-data", t.TempDir(), "-postgres", dsn)
	checkDemo(t, base, secret)
}
