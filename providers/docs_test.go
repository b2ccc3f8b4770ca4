package providers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	pb "github.com/intimeos/integrations/providers/proto"
)

// guide is the plugin authors' guide, relative to this package.
const guide = "../docs/plugins.md"

// guideBlock matches a fenced block and its info string ("go file=main.go",
// "sh run").
var guideBlock = regexp.MustCompile("(?ms)^```([a-z]+)([^\n]*)\n(.*?)^```")

// guideParts returns the guide's Go files by name and its commands to run,
// in order.
func guideParts(t *testing.T) (doc string, files map[string]string, commands []string) {
	t.Helper()
	b, err := os.ReadFile(guide)
	require.NoError(t, err)
	files = map[string]string{}
	for _, m := range guideBlock.FindAllStringSubmatch(string(b), -1) {
		lang, info, body := m[1], strings.TrimSpace(m[2]), m[3]
		switch {
		case lang == "go" && strings.HasPrefix(info, "file="):
			files[strings.TrimPrefix(info, "file=")] = body
		case lang == "sh" && info == "run":
			commands = append(commands, body)
		}
	}
	return string(b), files, commands
}

// TestPluginGuide does what docs/plugins.md says, in a fresh module that
// uses this checkout: it writes the guide's files, runs its commands (tidy,
// vet, the conformance suite in process and as a plugin, build, checksum),
// then loads the plugin directory it built, calls the plugin, and runs the
// guide's host program.
func TestPluginGuide(t *testing.T) {
	t.Parallel()
	_, files, commands := guideParts(t)
	require.ElementsMatch(t, []string{"main.go", "main_test.go", "host/main.go"}, keys(files))
	require.Len(t, commands, 2)

	root, err := filepath.Abs("..")
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "intime-provider-notify")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "host"), 0o755))
	shell(t, dir, "go mod init example.com/intime-provider-notify")
	// The guide's "go get ...@latest" needs a published version; the
	// replace directive it gives for a checkout stands in for it.
	shell(t, dir, "go mod edit -replace github.com/intimeos/integrations="+root)
	copyFile(t, filepath.Join(root, "go.sum"), filepath.Join(dir, "go.sum"))
	for name, body := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600))
	}
	for _, c := range commands {
		shell(t, dir, c)
	}

	api := newNotifyAPI(t)
	h := newHost(t)
	loaded, err := h.LoadDir(t.Context(), filepath.Join(dir, "plugins"), nil)
	require.NoError(t, err)
	require.Len(t, loaded, 1)
	p, err := h.Provider("notify")
	require.NoError(t, err)
	inst := providers.NewInstance("Notify", p, providers.Settings{"url": api.URL + "/hooks/1", "token": "s3cret"}, nil)
	_, err = inst.Call(t.Context(), &providers.Operation{Name: "notify.post", Payload: json.RawMessage(`{"text":"hi"}`)})
	require.NoError(t, err)
	require.Equal(t, []string{`{"text":"hi","channel":"#general"}`}, api.received(), "the optional field's default reached the plugin")

	shell(t, dir, "go build -o hostbin ./host")
	out, err := exec.Command(filepath.Join(dir, "hostbin"), filepath.Join(dir, "plugins"), api.URL+"/hooks/1", "s3cret").Output()
	require.NoError(t, err, "%s", out)
	require.Equal(t, "sent: {\"ok\":true}\n", string(out))
	cmd := exec.Command(filepath.Join(dir, "hostbin"), filepath.Join(dir, "plugins"), api.URL+"/hooks/1", "wrong")
	out, err = cmd.CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), "Authentication failed. Please check credentials.")
}

// TestPluginGuideProtocol: what the guide tells a plugin in another
// language matches the protocol's definitions.
func TestPluginGuideProtocol(t *testing.T) {
	t.Parallel()
	doc, _, _ := guideParts(t)
	for _, s := range []string{
		providers.Handshake.MagicCookieKey + "=" + providers.Handshake.MagicCookieValue,
		pb.Provider_ServiceDesc.ServiceName,
		"`PLUGIN_PROTOCOL_VERSIONS`, a comma-separated list that must contain `1`",
		"`PLUGIN_CLIENT_CERT`", "`PLUGIN_MIN_PORT`", "`PLUGIN_MAX_PORT`",
		"grpc.health.v1.Health", "service name `plugin`", "1|1|tcp|127.0.0.1:41234|grpc|",
		"providers/proto/provider.proto", "providers/raw_plugin_test.go", "TestRawProtocolPlugin",
	} {
		require.Contains(t, doc, s)
	}
	require.Equal(t, 1, providers.ProtocolVersion)
	for _, k := range []providers.Kind{providers.KindRetryable, providers.KindRateLimited, providers.KindAuth,
		providers.KindInvalidInput, providers.KindPermanent, providers.KindUnsupported} {
		require.Contains(t, doc, "`"+k.String()+"`")
	}
	_, err := os.Stat(filepath.Join("..", "providers", "proto", "provider.proto"))
	require.NoError(t, err)
}

// notifyAPI is the Notify API the guide's plugin talks to: it accepts the
// token s3cret and records the messages.
type notifyAPI struct {
	*httptest.Server
	mu   sync.Mutex
	msgs []string
}

func newNotifyAPI(t *testing.T) *notifyAPI {
	a := &notifyAPI{}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer s3cret" {
			http.Error(w, "bad token", http.StatusUnauthorized)
			return
		}
		b, _ := io.ReadAll(r.Body)
		a.mu.Lock()
		a.msgs = append(a.msgs, string(b))
		a.mu.Unlock()
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *notifyAPI) received() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, 0, len(a.msgs))
	for _, m := range a.msgs {
		if m != "" {
			out = append(out, m)
		}
	}
	return out
}

// shell runs script with sh -e in dir, failing the test with its output.
func shell(t *testing.T, dir, script string) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-ec", script)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s\n%s", script, out)
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
