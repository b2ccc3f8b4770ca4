package google_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/google"
)

// recordedName is the Google provider served with a recorder.
const recordedName = "google-recorded"

// recordArg names, in the plugin's arguments, the file the recorder
// appends to.
const recordArg = "intime.record="

// recorder is the Google provider as a plugin that appends, before each
// call, the method and every settings value it received to a file the test
// reads: what crossed the plugin boundary, seen from the plugin process.
type recorder struct {
	*google.Provider
	path string
	mu   sync.Mutex
}

// received is one recorded call.
type received struct {
	Method   string             `json:"method"`
	Op       string             `json:"op,omitempty"`
	Settings providers.Settings `json:"settings"`
}

func newRecorder() *recorder {
	r := &recorder{Provider: google.New(nil)}
	for _, a := range os.Args[1:] {
		if v, ok := strings.CutPrefix(a, recordArg); ok {
			r.path = v
		}
	}
	return r
}

func (r *recorder) record(method, op string, s providers.Settings) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		panic(err) // the test reads an incomplete record as a failure
	}
	defer f.Close()
	if err := json.NewEncoder(f).Encode(&received{Method: method, Op: op, Settings: s}); err != nil {
		panic(err)
	}
}

func (r *recorder) Validate(ctx context.Context, s providers.Settings) error {
	r.record("Validate", "", s)
	return r.Provider.Validate(ctx, s)
}

func (r *recorder) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	r.record("Check", "", s)
	return r.Provider.Check(ctx, s)
}

func (r *recorder) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	r.record("Do", op.Name, s)
	return r.Provider.Do(ctx, s, op)
}

func (r *recorder) HandleWebhook(ctx context.Context, s providers.Settings, req *providers.WebhookRequest) ([]providers.Event, error) {
	r.record("HandleWebhook", "", s)
	return r.Provider.HandleWebhook(ctx, s, req)
}

// recordedPlugin starts this test binary as the recording Google plugin in
// h, under the provider's own name (google.Name) as a host that installed
// it has it, and returns the file it records to.
func recordedPlugin(t *testing.T, h *providers.Host) string {
	t.Helper()
	path := t.TempDir() + "/received.jsonl"
	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(exe, providers.SelfArg+"="+recordedName, recordArg+path)
	_, err = h.Launch(t.Context(), google.Name, cmd, nil)
	require.NoError(t, err)
	return path
}

// readReceived reads what the recording plugin received.
func readReceived(t *testing.T, path string) []received {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []received
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r received
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r))
		out = append(out, r)
	}
	require.NoError(t, sc.Err())
	return out
}
