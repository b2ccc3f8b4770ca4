package providertest

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// Suite describes what to exercise.
type Suite struct {
	// Settings are valid settings; calls without their own use them.
	Settings providers.Settings
	// Calls are operations expected to succeed.
	Calls []Call
	// Failures are operations expected to fail with a given kind.
	Failures []Failure
	// Webhook is required when the provider lists the webhook capability,
	// and refused when it does not (the Webhook subtest is then skipped).
	Webhook *Webhook
	// Timeout bounds each call. Zero means 30 seconds.
	Timeout time.Duration
}

// Call is an operation expected to succeed.
type Call struct {
	Name     string
	Settings providers.Settings
	Op       *providers.Operation
	// Check, if set, inspects the result.
	Check func(t *testing.T, r *providers.Result)
}

// Failure is an operation expected to fail with Kind.
type Failure struct {
	Name     string
	Settings providers.Settings
	Op       *providers.Operation
	Kind     providers.Kind
	// RetryAfter is the wait the error must carry ([providers.Error]
	// RetryAfter, as [retry.ClassifyError] reports it): the fake API's
	// Retry-After for a rate-limited failure, zero when the API gives none.
	// Run as a plugin, this checks that the wait crosses the boundary.
	RetryAfter time.Duration
}

// Webhook is an inbound request the provider must accept, with the events
// it yields, and a forged one it must reject as [providers.KindAuth].
type Webhook struct {
	Request *providers.WebhookRequest
	Want    []providers.Event
	Forged  *providers.WebhookRequest
}

var (
	knownStages   = []providers.StageName{providers.StageDNS, providers.StageTCP, providers.StageTLS, providers.StageAuth}
	knownStatuses = []providers.StageStatus{providers.StagePassed, providers.StageFailed, providers.StageSkipped}
	knownTypes    = []providers.FieldType{providers.FieldText, providers.FieldPassword, providers.FieldNumber,
		providers.FieldSelect, providers.FieldRadio, providers.FieldEmail, providers.FieldHost, providers.FieldURL}
)

// Exercise runs the conformance suite against p.
func Exercise(t *testing.T, p providers.Provider, s *Suite) {
	t.Helper()
	r := &runner{p: p, s: s, timeout: s.Timeout}
	if r.timeout == 0 {
		r.timeout = 30 * time.Second
	}
	ctx, cancel := r.ctx(t)
	info, err := p.Info(ctx)
	cancel()
	require.NoError(t, err)
	r.fields = info.Fields
	t.Run("Info", func(t *testing.T) { checkInfo(t, info) })
	t.Run("Validate", func(t *testing.T) { r.validate(t, info) })
	t.Run("Check", r.check)
	t.Run("Calls", r.calls)
	t.Run("Failures", r.failures)
	t.Run("UnknownOperation", r.unknownOperation)
	t.Run("Webhook", func(t *testing.T) { r.webhook(t, info) })
}

type runner struct {
	p       providers.Provider
	s       *Suite
	timeout time.Duration
	fields  []providers.Field
}

func (r *runner) ctx(t *testing.T) (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.Context(), r.timeout)
}

// settings are s, or the suite's, with the defaults of the provider's
// optional fields applied: what a provider called through the SDK receives,
// in process or as a plugin.
func (r *runner) settings(s providers.Settings) providers.Settings {
	if s == nil {
		s = r.s.Settings
	}
	return s.WithDefaults(r.fields)
}

func checkInfo(t *testing.T, info *providers.Info) {
	require.NotEmpty(t, info.Name, "Info.Name")
	require.NotEmpty(t, info.DisplayName, "Info.DisplayName")
	require.NotEmpty(t, info.Types, "Info.Types")
	require.NotEmpty(t, info.Version, "Info.Version")
	seen := map[string]bool{}
	for _, f := range info.Fields {
		require.NotEmpty(t, f.Name, "field name")
		require.False(t, seen[f.Name], "duplicate field %s", f.Name)
		seen[f.Name] = true
		require.Contains(t, knownTypes, f.Type, "field %s type", f.Name)
		if f.Type == providers.FieldSelect || f.Type == providers.FieldRadio {
			require.NotEmpty(t, f.Options, "field %s options", f.Name)
		}
		if f.Required {
			require.NotEmpty(t, f.Messages.Empty, "field %s: the spec's message for an empty required field", f.Name)
		}
	}
}

func (r *runner) validate(t *testing.T, info *providers.Info) {
	ctx, cancel := r.ctx(t)
	defer cancel()
	require.NoError(t, r.p.Validate(ctx, r.settings(nil)), "the suite's settings are valid")
	err := r.p.Validate(ctx, providers.Settings{})
	var required []providers.FieldError
	for _, f := range info.Fields {
		if f.Required {
			required = append(required, providers.FieldError{Field: f.Name, Message: f.Messages.Empty})
		}
	}
	if len(required) == 0 {
		return
	}
	var ve *providers.ValidationError
	require.ErrorAs(t, err, &ve)
	for _, want := range required {
		require.Equal(t, want.Message, ve.Field(want.Field), "field %s", want.Field)
	}
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
}

func (r *runner) check(t *testing.T) {
	ctx, cancel := r.ctx(t)
	defer cancel()
	res, err := r.p.Check(ctx, r.settings(nil))
	if errors.Is(err, providers.ErrUnsupported) {
		t.Skip("provider does not implement Check")
	}
	require.NoError(t, err)
	require.NotEmpty(t, res.Stages)
	for _, st := range res.Stages {
		require.Contains(t, knownStages, st.Name)
		require.Contains(t, knownStatuses, st.Status)
		if st.Status == providers.StageFailed {
			require.NotEmpty(t, st.Message, "stage %s failed without a message", st.Name)
		}
	}
}

func (r *runner) calls(t *testing.T) {
	for _, c := range r.s.Calls {
		t.Run(c.Name, func(t *testing.T) {
			ctx, cancel := r.ctx(t)
			defer cancel()
			res, err := r.p.Do(ctx, r.settings(c.Settings), c.Op)
			require.NoError(t, err)
			require.NotNil(t, res)
			if c.Check != nil {
				c.Check(t, res)
			}
		})
	}
}

func (r *runner) failures(t *testing.T) {
	for _, f := range r.s.Failures {
		t.Run(f.Name, func(t *testing.T) {
			ctx, cancel := r.ctx(t)
			defer cancel()
			_, err := r.p.Do(ctx, r.settings(f.Settings), f.Op)
			require.Error(t, err)
			require.Equal(t, f.Kind, providers.KindOf(err), "error %v", err)
			require.Equal(t, f.RetryAfter, providers.AsError(err).RetryAfter, "the error's RetryAfter (%v)", err)
			require.Equal(t, f.RetryAfter, retry.ClassifyError(err).RetryAfter, "the wait retry sees (%v)", err)
		})
	}
}

func (r *runner) unknownOperation(t *testing.T) {
	ctx, cancel := r.ctx(t)
	defer cancel()
	_, err := r.p.Do(ctx, r.settings(nil), &providers.Operation{Name: "providertest.unknown"})
	require.ErrorIs(t, err, providers.ErrUnsupported)
}

func (r *runner) webhook(t *testing.T, info *providers.Info) {
	if !slices.Contains(info.Capabilities, providers.CapabilityWebhook) {
		require.Nil(t, r.s.Webhook, "Suite.Webhook is set but the provider does not list the webhook capability")
		t.Skip("the provider does not list the webhook capability")
	}
	require.NotNil(t, r.s.Webhook, "the provider lists the webhook capability: Suite.Webhook is required")
	ctx, cancel := r.ctx(t)
	defer cancel()
	evs, err := r.p.HandleWebhook(ctx, r.settings(nil), r.s.Webhook.Request)
	require.NoError(t, err)
	require.Equal(t, r.s.Webhook.Want, evs)
	if r.s.Webhook.Forged != nil {
		_, err = r.p.HandleWebhook(ctx, r.settings(nil), r.s.Webhook.Forged)
		require.Equal(t, providers.KindAuth, providers.KindOf(err))
	}
}

// Main is for a provider package's TestMain: when the test binary is
// re-executed as a plugin (see [Plugin]) it serves the named provider;
// otherwise it runs the tests. The providers are built in both cases, in the
// plugin process with the environment given by [PluginOpts.Env]:
//
//	providertest.Main(m, map[string]providers.Provider{
//		"slack": slack.New(&slack.Config{BaseURL: os.Getenv("SLACK_URL")}),
//	})
func Main(m *testing.M, impls map[string]providers.Provider) {
	providers.ServeSelf(impls)
	os.Exit(m.Run())
}

// Plugin starts the test binary as the plugin named name (its TestMain must
// call [Main] or [providers.ServeSelf]) and returns it; the test's cleanup
// stops it. It is PluginWith without options.
func Plugin(t testing.TB, name string) *providers.Plugin {
	t.Helper()
	return PluginWith(t, name, nil)
}

// PluginOpts configure [PluginWith]; nil means none.
type PluginOpts struct {
	// Config configures the host that runs the plugin (supervision,
	// logger, the plugin's stderr). Nil means defaults.
	Config *providers.Config
	// Env is the plugin process's entire environment: the host's is never
	// passed on. It is how a test configures the provider that the plugin's
	// TestMain builds (see [Main]), e.g. with the URL of a fake API.
	Env []string
	// Args are extra arguments of the plugin process, after
	// [providers.SelfArg].
	Args []string
}

// PluginWith starts the test binary as the plugin named name, configured by
// opts, and returns it; the test's cleanup stops it.
func PluginWith(t testing.TB, name string, opts *PluginOpts) *providers.Plugin {
	t.Helper()
	var o PluginOpts
	if opts != nil {
		o = *opts
	}
	h, err := providers.NewHost(o.Config)
	require.NoError(t, err)
	t.Cleanup(func() { _ = h.Close() })
	p, err := h.LoadSelf(t.Context(), name, &providers.LaunchOpts{Env: o.Env}, o.Args...)
	require.NoError(t, err)
	return p
}
