package providertest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/retry"
)

// greeter is a minimal conforming provider with inbound events.
type greeter struct {
	providers.UnimplementedProvider
}

var fields = []providers.Field{{Name: "token", Type: providers.FieldPassword, Required: true, Secret: true,
	Messages: providers.FieldMessages{Empty: "Token is required"}}}

func (greeter) Info(context.Context) (*providers.Info, error) {
	return &providers.Info{Name: "greeter", DisplayName: "Greeter", Types: []string{"test"}, Version: "1.0.0",
		Fields: fields, Capabilities: []string{"greet", providers.CapabilityWebhook}}, nil
}

func (greeter) Validate(_ context.Context, s providers.Settings) error {
	return providers.ValidateSettings(fields, s)
}

func (greeter) Do(_ context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	if op.Name != "greet" {
		return nil, providers.UnknownOperation(op)
	}
	if s["token"] != "t0ken" {
		return nil, providers.AuthFailed(errors.New("bad token"))
	}
	return &providers.Result{Payload: []byte(`"hello"`)}, nil
}

func (greeter) HandleWebhook(_ context.Context, s providers.Settings, req *providers.WebhookRequest) ([]providers.Event, error) {
	if req.Header.Get("X-Token") != s["token"] {
		return nil, providers.AuthFailed(errors.New("bad signature"))
	}
	return []providers.Event{{ID: "1", Type: "greeted", Data: req.Body}}, nil
}

// plain has no webhook capability; its "busy" operation is rate limited
// with a wait of wait.
type plain struct {
	providers.UnimplementedProvider
	wait time.Duration
}

func (plain) Info(context.Context) (*providers.Info, error) {
	return &providers.Info{Name: "plain", DisplayName: "Plain", Types: []string{"test"}, Version: "1.0.0",
		Capabilities: []string{"busy", "env"}}, nil
}

func (plain) Validate(context.Context, providers.Settings) error { return nil }

func (p plain) Do(_ context.Context, _ providers.Settings, op *providers.Operation) (*providers.Result, error) {
	switch op.Name {
	case "busy":
		return nil, retry.RateLimited(errors.New("slow down"), p.wait)
	case "env":
		b, _ := json.Marshal(map[string]any{"env": os.Getenv(string(op.Payload)), "args": os.Args[1:]})
		return &providers.Result{Payload: b}, nil
	}
	return nil, providers.UnknownOperation(op)
}

func TestMain(m *testing.M) {
	providertest.Main(m, map[string]providers.Provider{"greeter": greeter{}, "plain": plain{wait: 30 * time.Second}})
}

func TestExercise(t *testing.T) {
	t.Parallel()
	suite := &providertest.Suite{
		Settings: providers.Settings{"token": "t0ken"},
		Calls:    []providertest.Call{{Name: "greet", Op: &providers.Operation{Name: "greet"}}},
		Failures: []providertest.Failure{{Name: "bad token", Settings: providers.Settings{"token": "x"},
			Op: &providers.Operation{Name: "greet"}, Kind: providers.KindAuth}},
		Webhook: &providertest.Webhook{
			Request: &providers.WebhookRequest{Header: http.Header{"X-Token": {"t0ken"}}, Body: []byte(`{}`)},
			Want:    []providers.Event{{ID: "1", Type: "greeted", Data: []byte(`{}`)}},
			Forged:  &providers.WebhookRequest{Header: http.Header{"X-Token": {"forged"}}},
		},
	}
	t.Run("in process", func(t *testing.T) { providertest.Exercise(t, greeter{}, suite) })
	t.Run("plugin", func(t *testing.T) { providertest.Exercise(t, providertest.Plugin(t, "greeter"), suite) })
}

// targetEnv makes TestConformanceTarget run the suite named by its value;
// TestExerciseOutcomes runs the test binary with it and reads the verdicts.
const targetEnv = "PROVIDERTEST_TARGET"

func TestConformanceTarget(t *testing.T) {
	suite := &providertest.Suite{Failures: []providertest.Failure{{Name: "busy",
		Op: &providers.Operation{Name: "busy"}, Kind: providers.KindRateLimited, RetryAfter: 30 * time.Second}}}
	switch os.Getenv(targetEnv) {
	case "": // run only by TestExerciseOutcomes
	case "plain":
		t.Run("in process", func(t *testing.T) { providertest.Exercise(t, plain{wait: 30 * time.Second}, suite) })
		t.Run("plugin", func(t *testing.T) { providertest.Exercise(t, providertest.Plugin(t, "plain"), suite) })
	case "wrong-wait":
		t.Run("in process", func(t *testing.T) { providertest.Exercise(t, plain{wait: 5 * time.Second}, suite) })
	case "webhook-without-capability":
		suite.Webhook = &providertest.Webhook{Request: &providers.WebhookRequest{}}
		t.Run("in process", func(t *testing.T) { providertest.Exercise(t, plain{wait: 30 * time.Second}, suite) })
	}
}

// TestExerciseOutcomes: the suite skips the webhook checks of a provider
// without the capability (and refuses a Suite.Webhook for it), and fails a
// provider whose rate-limit wait is not the one expected, in process and
// across the plugin boundary.
func TestExerciseOutcomes(t *testing.T) {
	t.Parallel()
	run := func(target string) string {
		cmd := exec.Command(os.Args[0], "-test.run=^TestConformanceTarget$", "-test.v")
		cmd.Env = append(os.Environ(), targetEnv+"="+target)
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	out := run("plain")
	for _, mode := range []string{"in_process", "plugin"} {
		require.Contains(t, out, "--- SKIP: TestConformanceTarget/"+mode+"/Webhook", out)
		require.Contains(t, out, "--- PASS: TestConformanceTarget/"+mode+"/Failures/busy", out)
	}
	require.Contains(t, out, "\nPASS\n", out)

	out = run("wrong-wait")
	require.Contains(t, out, "--- FAIL: TestConformanceTarget/in_process/Failures/busy", out)
	require.Contains(t, out, "expected: 30s", out)

	out = run("webhook-without-capability")
	require.Contains(t, out, "--- FAIL: TestConformanceTarget/in_process/Webhook", out)
	require.Contains(t, out, "Suite.Webhook is set but the provider does not list the webhook capability", out)
}

// TestPluginWith: the plugin process gets the environment and arguments
// given, and nothing of the host's environment.
func TestPluginWith(t *testing.T) {
	t.Parallel()
	require.NotEmpty(t, os.Getenv("PATH"), "the host has a PATH; the plugin must not")
	p := providertest.PluginWith(t, "plain", &providertest.PluginOpts{
		Config: &providers.Config{PingInterval: time.Minute},
		Env:    []string{"PLAIN_GREETING=hello"},
		Args:   []string{"--flavour=test"},
	})
	var got struct {
		Env  string   `json:"env"`
		Args []string `json:"args"`
	}
	for name, want := range map[string]string{"PLAIN_GREETING": "hello", "PATH": ""} {
		r, err := p.Do(t.Context(), nil, &providers.Operation{Name: "env", Payload: []byte(name)})
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(r.Payload, &got))
		require.Equal(t, want, got.Env, name)
	}
	require.Contains(t, got.Args, "--flavour=test")
}
