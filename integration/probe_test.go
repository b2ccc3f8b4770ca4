package integration_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// probe is the test provider: in process, or in a plugin process (the test
// binary re-executed, see TestMain), so its behaviour comes from its
// settings and payloads. In process it also counts its connection tests per
// probeId.
type probe struct {
	providers.UnimplementedProvider
	name  string
	types []string
	// caps are extra capabilities (providers.CapabilityOAuth).
	caps []string
}

// The probe's operations.
const (
	opEcho = "probe.echo" // returns the payload
	opFail = "probe.fail" // fails as the payload's probeFailure says
)

// probeFailure is opFail's payload: a failure, or success once Attempt
// calls have failed (counted per Key in process).
type probeFailure struct {
	Kind       string `json:"kind"` // server_error, timeout, auth, invalid, rate_limited
	RetryAfter int    `json:"retryAfterMs,omitempty"`
	// SucceedAfter makes the first SucceedAfter calls for Key fail and the
	// next succeed.
	SucceedAfter int    `json:"succeedAfter,omitempty"`
	Key          string `json:"key,omitempty"`
	// Message is the error's text; it may hold a secret, to check scrubbing.
	Message string `json:"message,omitempty"`
}

var probeFields = []providers.Field{
	{Name: "probeId", Label: "Probe ID", Type: providers.FieldText, Required: true, MaxLength: 100,
		Messages: providers.FieldMessages{Empty: "Probe ID is required"}},
	{Name: "password", Label: "Password", Type: providers.FieldPassword, Required: true, Secret: true, MaxLength: 500,
		Messages: providers.FieldMessages{Empty: "Password/API secret is required"}},
	{Name: "host", Label: "Host", Type: providers.FieldHost, Default: "probe.example.com",
		Messages: providers.FieldMessages{Invalid: "Please enter a valid hostname or IP address"}},
	{Name: "port", Label: "Port", Type: providers.FieldNumber, Min: 1, Max: 65535, Default: "443"},
	{Name: "checkMode", Label: "Check", Type: providers.FieldSelect, Options: []string{"ok", "fail", "error"}},
	{Name: "checkDelayMs", Label: "Check delay", Type: providers.FieldNumber, Min: 0, Max: 60000},
	{Name: "rateLimitHour", Label: "Max calls/hour", Type: providers.FieldNumber, Min: 100, Max: 10000,
		Messages: providers.FieldMessages{BelowMin: "Minimum hourly limit is 100", AboveMax: "Maximum hourly limit is 10,000"}},
	{Name: "rateLimitDay", Label: "Max calls/day", Type: providers.FieldNumber, Min: 1, Max: 1000000},
}

func newProbe(name string, types ...string) *probe {
	if len(types) == 0 {
		types = []string{"probe"}
	}
	return &probe{name: name, types: types}
}

func (p *probe) Info(context.Context) (*providers.Info, error) {
	return &providers.Info{Name: p.name, DisplayName: "Probe " + p.name, Types: p.types, Version: "1.0.0",
		Fields: probeFields, Capabilities: append([]string{opEcho, opFail}, p.caps...)}, nil
}

func (p *probe) Validate(_ context.Context, s providers.Settings) error {
	return providers.ValidateSettings(probeFields, s)
}

// probeChecks counts connection tests per probeId (in process only).
var probeChecks sync.Map // string -> *atomic.Int64

func checksOf(id string) int64 {
	v, ok := probeChecks.Load(id)
	if !ok {
		return 0
	}
	return v.(*atomic.Int64).Load()
}

func (p *probe) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	v, _ := probeChecks.LoadOrStore(s["probeId"], &atomic.Int64{})
	v.(*atomic.Int64).Add(1)
	if ms, _ := strconv.Atoi(s["checkDelayMs"]); ms > 0 {
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	res := &providers.CheckResult{}
	switch s["checkMode"] {
	case "error":
		return nil, providers.InvalidInput(errors.New("probe: cannot test this configuration"))
	case "fail":
		res.Stages = []providers.Stage{{Name: providers.StageDNS, Status: providers.StagePassed},
			{Name: providers.StageTCP, Status: providers.StageFailed, Class: retry.ClassTimeout,
				Message: "Connection to " + p.name + " timed out"}}
	default:
		res.Stages = []providers.Stage{{Name: providers.StageDNS, Status: providers.StagePassed},
			{Name: providers.StageTCP, Status: providers.StagePassed}, {Name: providers.StageAuth, Status: providers.StagePassed}}
	}
	return res, nil
}

// probeAttempts counts opFail calls per key (in process only).
var probeAttempts sync.Map // string -> *atomic.Int64

func attemptsOf(key string) int64 {
	v, ok := probeAttempts.Load(key)
	if !ok {
		return 0
	}
	return v.(*atomic.Int64).Load()
}

func (p *probe) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	switch op.Name {
	case opEcho:
		return &providers.Result{Payload: op.Payload}, nil
	case opFail:
		var f probeFailure
		if err := json.Unmarshal(op.Payload, &f); err != nil {
			return nil, providers.InvalidInput(err)
		}
		v, _ := probeAttempts.LoadOrStore(f.Key, &atomic.Int64{})
		if n := v.(*atomic.Int64).Add(1); f.SucceedAfter > 0 && n > int64(f.SucceedAfter) {
			return &providers.Result{Payload: json.RawMessage(`{"ok":true}`)}, nil
		}
		return nil, f.err(ctx)
	case "probe.token":
		return &providers.Result{Payload: json.RawMessage(strconv.Quote(s[providers.SettingAccessToken]))}, nil
	}
	return nil, providers.UnknownOperation(op)
}

func (f probeFailure) err(ctx context.Context) error {
	msg := f.Message
	if msg == "" {
		msg = "probe failure: " + f.Kind
	}
	e := errors.New(msg)
	switch f.Kind {
	case "timeout":
		<-ctx.Done()
		return providers.Unavailable(e, retry.ClassTimeout)
	case "auth":
		return providers.AuthFailed(e)
	case "invalid":
		return providers.InvalidInput(e)
	case "rate_limited":
		return retry.RateLimited(e, time.Duration(f.RetryAfter)*time.Millisecond)
	}
	return providers.Unavailable(e, retry.ClassServerError)
}
