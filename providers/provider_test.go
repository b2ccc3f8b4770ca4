package providers_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// testProvider exercises every method and error kind.
type testProvider struct {
	providers.UnimplementedProvider
}

var testInfo = &providers.Info{
	Name:        "echo",
	DisplayName: "Echo",
	Types:       []string{"test"},
	Version:     "1.0.0",
	Fields: []providers.Field{
		{Name: "smtpHost", Label: "SMTP Host", Type: providers.FieldHost, Required: true, MaxLength: 255,
			Placeholder: "smtp.sendgrid.net",
			Messages:    providers.FieldMessages{Empty: "SMTP host is required", Invalid: "Please enter a valid hostname or IP address"}},
		{Name: "rateLimitHour", Type: providers.FieldNumber, Required: true, Min: 100, Max: 10000, Default: "1000",
			Messages: providers.FieldMessages{Empty: "Hourly rate limit is required",
				BelowMin: "Minimum hourly limit is 100", AboveMax: "Maximum hourly limit is 10,000"}},
		{Name: "region", Type: providers.FieldText, Default: "us-east-1", Pattern: `[a-z]{2}(-[a-z]+)+-[0-9]+`},
		{Name: "hookUrl", Type: providers.FieldURL, Schemes: []string{"https"}, LoopbackHTTP: true,
			Messages: providers.FieldMessages{Invalid: "Please enter an https URL"}},
	},
	Capabilities: []string{"echo", "fail", "block", "deadline", "pid", "hold", "panic", "hang", "settings", providers.CapabilityWebhook},
}

func (*testProvider) Info(context.Context) (*providers.Info, error) { return testInfo, nil }

func (*testProvider) Validate(_ context.Context, s providers.Settings) error {
	return providers.ValidateSettings(testInfo.Fields, s)
}

func (*testProvider) Check(context.Context, providers.Settings) (*providers.CheckResult, error) {
	return &providers.CheckResult{Stages: []providers.Stage{
		{Name: providers.StageDNS, Status: providers.StagePassed, Duration: time.Millisecond},
		{Name: providers.StageTCP, Status: providers.StageFailed, Duration: 2 * time.Millisecond,
			Class: retry.ClassConnRefused, Message: "connection refused"},
		{Name: providers.StageTLS, Status: providers.StageSkipped},
		{Name: providers.StageAuth, Status: providers.StageSkipped},
	}}, nil
}

// failure is the payload of the "fail" operation.
type failure struct {
	Kind       string        `json:"kind"`
	RetryAfter time.Duration `json:"retryAfter"`
}

func (*testProvider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	switch op.Name {
	case "echo":
		return &providers.Result{Payload: op.Payload}, nil
	case "pid":
		return jsonResult(os.Getpid())
	case "settings":
		return jsonResult(s)
	case "deadline":
		d, ok := ctx.Deadline()
		return jsonResult(map[string]any{"ok": ok, "deadline": d.UnixNano()})
	case "block":
		var file string
		_ = json.Unmarshal(op.Payload, &file)
		_ = os.WriteFile(file, nil, 0o600)
		<-ctx.Done()
		return nil, ctx.Err()
	case "fail":
		var f failure
		_ = json.Unmarshal(op.Payload, &f)
		return nil, failWith(f)
	case "hold":
		return hold(ctx, s["holdDir"], op.IdempotencyKey)
	case "panic":
		panicOp(op.Payload)
	case "hang":
		select {} // ignores its context: only a deadline across the plugin boundary ends the call
	}
	return nil, providers.UnknownOperation(op)
}

// hold answers with the process's PID. With a directory, it first marks
// itself in flight (dir/<key>.in) and waits for dir/release to exist or its
// context to end.
func hold(ctx context.Context, dir, key string) (*providers.Result, error) {
	if dir != "" {
		if err := os.WriteFile(filepath.Join(dir, key+".in"), nil, 0o600); err != nil {
			return nil, err
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "release")); err == nil {
				break
			}
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	return jsonResult(os.Getpid())
}

// panicOp panics: its name shows in the stack the plugin logs.
func panicOp(payload []byte) {
	panic("boom: " + string(payload))
}

func failWith(f failure) error {
	base := errors.New("provider said no")
	switch f.Kind {
	case "auth":
		return providers.AuthFailed(base)
	case "invalid_input":
		return providers.InvalidInput(base)
	case "rate_limited":
		return retry.RateLimited(base, f.RetryAfter)
	case "timeout":
		return providers.Unavailable(base, retry.ClassTimeout)
	case "server_error":
		return &retry.StatusError{StatusCode: 503}
	case "permanent":
		return retry.Permanent(base)
	}
	return base
}

func (*testProvider) HandleWebhook(_ context.Context, s providers.Settings, req *providers.WebhookRequest) ([]providers.Event, error) {
	if req.Header.Get("X-Signature") != s["secret"] {
		return nil, providers.AuthFailed(errors.New("bad signature"))
	}
	return []providers.Event{{ID: "ev1", Type: "email.bounced", Time: time.Unix(1700000000, 0).UTC(), Data: req.Body}}, nil
}

func jsonResult(v any) (*providers.Result, error) {
	b, err := json.Marshal(v)
	return &providers.Result{Payload: b}, err
}

// minimalProvider implements only Info, as an old plugin would.
type minimalProvider struct {
	providers.UnimplementedProvider
}

func (*minimalProvider) Info(context.Context) (*providers.Info, error) {
	return &providers.Info{Name: "minimal", Types: []string{"test"}, Version: "0.1.0"}, nil
}
