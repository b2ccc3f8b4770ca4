package integration_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/providers/sendgrid"
	"github.com/intimeos/integrations/providers/ses"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// flush writes every queued record: Stop, then Start again. A Manager
// that was not started writes each record at once.
func (e *env) flush(t *testing.T) {
	t.Helper()
	if !e.started {
		return
	}
	require.NoError(t, e.mgr.Stop(e.ctx))
	require.NoError(t, e.mgr.Start(e.ctx))
}

// logs returns an integration's log, oldest first.
func (e *env) logs(t *testing.T, id uuid.UUID) []*storage.LogEntry {
	t.Helper()
	page, err := e.store.LogList(e.ctx, &storage.LogListParams{OrganizationID: e.org, IntegrationID: id, Limit: storage.LimitMax})
	require.NoError(t, err)
	slices.Reverse(page.Items)
	return page.Items
}

// callLogs returns an integration's log without its health checks.
func (e *env) callLogs(t *testing.T, id uuid.UUID) []*storage.LogEntry {
	t.Helper()
	var out []*storage.LogEntry
	for _, l := range e.logs(t, id) {
		if !strings.Contains(string(l.Details), `"stages"`) && !strings.Contains(string(l.Details), `"check"`) {
			out = append(out, l)
		}
	}
	return out
}

func details(t *testing.T, l *storage.LogEntry) map[string]any {
	t.Helper()
	var d map[string]any
	require.NoError(t, json.Unmarshal(l.Details, &d))
	return d
}

func (e *env) buckets(t *testing.T, id uuid.UUID, metric string) []*storage.MetricBucket {
	t.Helper()
	bs, err := e.store.MetricList(e.ctx, &storage.MetricListParams{OrganizationID: e.org, IntegrationID: id, Metric: metric})
	require.NoError(t, err)
	return bs
}

func echoOp(s string) *providers.Operation {
	b, _ := json.Marshal(s)
	return &providers.Operation{Name: "probe.echo", Payload: b}
}

func failOp(f probeFailure) *providers.Operation {
	b, _ := json.Marshal(f)
	return &providers.Operation{Name: "probe.fail", Payload: b}
}

func TestDispatch(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, nil)
		_, err := e.mgr.Dispatch(e.ctx, e.org, "probe", echoOp("x"))
		require.ErrorIs(t, err, integration.ErrNotConfigured)

		in := e.create(t, &integration.CreateParams{Settings: probeSettings(uuid.NewString())})
		res, err := e.mgr.Dispatch(e.ctx, e.org, "probe", echoOp("hello"))
		require.NoError(t, err)
		require.JSONEq(t, `"hello"`, string(res.Payload))
		e.clock.Advance(time.Second)
		_, err = e.mgr.Dispatch(e.ctx, e.org, "probe", failOp(probeFailure{Kind: "invalid", Key: uuid.NewString()}))
		var ce *integration.CallError
		require.ErrorAs(t, err, &ce)
		require.Equal(t, 1, ce.Attempts, "invalid input is not retried")
		require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))

		e.flush(t)
		logs := e.callLogs(t, in.ID)
		require.Len(t, logs, 2, "one log entry per call")
		require.Equal(t, storage.LogInfo, logs[0].Level)
		require.Equal(t, "probe.echo succeeded", logs[0].Message)
		d := details(t, logs[0])
		require.Equal(t, "probe.echo", d["operation"])
		require.EqualValues(t, 1, d["attempts"])
		require.Equal(t, storage.LogError, logs[1].Level)
		d = details(t, logs[1])
		require.Equal(t, "probe.example.com:443", d["endpoint"])
		require.Equal(t, "client_error", d["class"])

		ok := e.buckets(t, in.ID, "call.probe.echo")
		require.Len(t, ok, 1)
		require.EqualValues(t, 1, ok[0].Count)
		require.Zero(t, ok[0].Errors)
		bad := e.buckets(t, in.ID, "call.probe.fail")
		require.EqualValues(t, 1, bad[0].Errors)
		got, err := e.mgr.IntegrationGet(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.Equal(t, e.clock.Now(), *got.LastSync)
		require.Equal(t, logs[1].Message, got.LastSyncError, "the last call failed")
	})
}

// TestDispatcherSubstitute shows a host's test substituting the Dispatcher
// seam: the typed helper runs through whatever implements it.
func TestDispatcherSubstitute(t *testing.T) {
	t.Parallel()
	var got []*providers.Operation
	fake := dispatchFunc(func(_ context.Context, _ uuid.UUID, typ string, op *providers.Operation) (*providers.Result, error) {
		require.Equal(t, integration.TypeEmail, typ)
		got = append(got, op)
		return &providers.Result{Payload: json.RawMessage(`{"messageId":"m-1"}`)}, nil
	})
	r, err := integration.EmailFor(fake, uuid.New()).Send(t.Context(), &email.Message{ID: "welcome-7",
		To: []string{"jane@example.com"}, Subject: "Welcome", Text: "Hi"})
	require.NoError(t, err)
	require.Equal(t, "m-1", r.MessageID)
	require.Len(t, got, 1)
	require.Equal(t, email.OpSend, got[0].Name)
	require.Equal(t, "welcome-7", got[0].IdempotencyKey)
}

type dispatchFunc func(ctx context.Context, orgID uuid.UUID, typ string, op *providers.Operation) (*providers.Result, error)

func (f dispatchFunc) Dispatch(ctx context.Context, orgID uuid.UUID, typ string, op *providers.Operation) (*providers.Result, error) {
	return f(ctx, orgID, typ, op)
}

// rateLimitedFront answers the first n mail sends with SendGrid's 429 and
// Retry-After, and passes everything else to the SendGrid emulator.
func rateLimitedFront(t *testing.T, sg *emailtest.SendGrid, n int64, retryAfter string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	u, err := url.Parse(sg.URL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(u)
	var sends atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v3/mail/send" && sends.Add(1) <= n {
			w.Header().Set("Retry-After", retryAfter)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"errors":[{"field":null,"message":"too many requests"}]}`))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &sends
}

func sendgridSettings(baseURL string) providers.Settings {
	return providers.Settings{sendgrid.FieldAPIKey: "SG.test-key-123456", sendgrid.FieldFromEmail: "noreply@intime.com",
		sendgrid.FieldFromName: "InTime Staffing", sendgrid.FieldBaseURL: baseURL}
}

func offer() *email.Message {
	return &email.Message{ID: "offer-42", To: []string{"candidate@example.com"}, Subject: "Interview Invitation",
		Text: "See you at 10."}
}

// TestAdminInt010RateLimit is ADMIN-INT-010: the API returns 429; the system detects
// the rate limit, backs off for the Retry-After and retries after it, even
// under the default policy (which does not retry 429s blindly).
func TestAdminInt010RateLimit(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, &envOpts{providers: map[string]providers.Provider{"sendgrid": sendgrid.New(nil)}})
		sg := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: "SG.test-key-123456"})
		front, sends := rateLimitedFront(t, sg, 1, "2")
		in := e.create(t, &integration.CreateParams{Type: integration.TypeEmail, Provider: "sendgrid",
			Name: "Transactional email", Settings: sendgridSettings(front.URL)})
		require.Equal(t, storage.IntegrationActive, in.Status)

		r, err := e.mgr.Email(e.org).Send(e.ctx, offer())
		require.NoError(t, err)
		require.EqualValues(t, 2, sends.Load(), "the first send was rate limited, the second went through")
		require.Len(t, sg.Mails(), 1)
		require.Equal(t, sg.Mails()[0].MessageID, r.MessageID)
		require.Equal(t, []time.Duration{2 * time.Second}, e.retryWaits(), "it waited the Retry-After, no more, no less")

		e.flush(t)
		logs := e.callLogs(t, in.ID)
		require.Len(t, logs, 1)
		require.Equal(t, "Email sent successfully", logs[0].Message)
		d := details(t, logs[0])
		require.EqualValues(t, 2, d["attempts"])
		require.Equal(t, r.MessageID, d["message_id"])
		require.Equal(t, []any{"candidate@example.com"}, d["to"])

		// A wait longer than the policy's MaxDelay (60 s) is not waited.
		slow, _ := rateLimitedFront(t, sg, 100, "120")
		form := in.Settings
		form[sendgrid.FieldBaseURL] = slow.URL
		_, err = e.mgr.IntegrationUpdate(e.ctx, &integration.UpdateParams{OrganizationID: e.org, ID: in.ID, Settings: form})
		require.NoError(t, err)
		_, err = e.mgr.Email(e.org).Send(e.ctx, offer())
		var ce *integration.CallError
		require.ErrorAs(t, err, &ce)
		require.Equal(t, 1, ce.Attempts)
		require.Equal(t, "Rate limit exceeded. Retry in 120 seconds.", ce.Message())
	})
}

// TestAdminInt011Failover is ADMIN-INT-011: the primary provider fails (SendGrid
// answers 503); the system detects the failure and switches to the backup
// (AWS SES, aws-ses-v2-local) automatically; the switch is recorded.
func TestAdminInt011Failover(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, &envOpts{providers: map[string]providers.Provider{"sendgrid": sendgrid.New(nil), "ses": ses.New(nil)}})
		down := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: "SG.test-key-123456", FailStatus: 503})
		srv := emailtest.StartSES(t)
		var switches []integration.FailoverSwitch
		defer e.mgr.Subscribe(&integration.Hooks{Switch: func(_ context.Context, s *integration.FailoverSwitch) {
			switches = append(switches, *s)
		}})()
		sg := e.create(t, &integration.CreateParams{Type: integration.TypeEmail, Provider: "sendgrid", Name: "SendGrid",
			Settings: sendgridSettings(down.URL)})
		backup := e.create(t, &integration.CreateParams{Type: integration.TypeEmail, Provider: "ses", Name: "AWS SES",
			Settings: providers.Settings{ses.FieldRegion: "us-east-1", ses.FieldAccessKeyID: "AKIAIOSFODNN7EXAMPLE",
				ses.FieldSecretAccessKey: "ses-secret-key-example", ses.FieldFromEmail: "noreply@intime.com",
				ses.FieldFromName: "InTime Staffing", ses.FieldEndpoint: srv.URL}})
		_, err := e.mgr.BackupSet(e.ctx, e.org, integration.TypeEmail, backup.ID)
		require.NoError(t, err)
		rt, err := e.mgr.Route(e.ctx, e.org, integration.TypeEmail)
		require.NoError(t, err)
		require.Equal(t, sg.ID, rt.Primary.ID)

		r, err := e.mgr.Email(e.org).Send(e.ctx, offer())
		require.NoError(t, err)
		emails := srv.Emails(t)
		require.Len(t, emails, 1, "sent once, through the backup")
		require.Equal(t, r.MessageID, emails[0].MessageID)
		require.Equal(t, 1, down.Attempts(), "the primary was tried once")
		require.Empty(t, e.retryWaits(), "failover is not a retry")

		require.Len(t, switches, 1)
		require.Equal(t, integration.FailoverSwitch{OrganizationID: e.org, Type: integration.TypeEmail, FromID: sg.ID,
			ToID: backup.ID, From: "SendGrid", To: "AWS SES", Reason: "SendGrid: SendGrid is currently unavailable",
			Time: e.clock.Now()}, switches[0])

		e.flush(t)
		primaryLogs := e.callLogs(t, sg.ID)
		require.Len(t, primaryLogs, 1)
		require.Equal(t, storage.LogWarn, primaryLogs[0].Level)
		require.Equal(t, "Switched to AWS SES", primaryLogs[0].Message)
		backupLogs := e.callLogs(t, backup.ID)
		require.Len(t, backupLogs, 1)
		require.Equal(t, "Email sent successfully", backupLogs[0].Message)
		require.Equal(t, "SendGrid", details(t, backupLogs[0])["failover_from"])
		require.EqualValues(t, 1, e.buckets(t, backup.ID, "call.email.send")[0].Count)
	})
}

// TestAdminInt012RetryPolicy is ADMIN-INT-012: the admin changes the integration's
// retry settings and saves; the retry behaviour follows at once. Without
// its own policy the organization's default applies, then the SDK's.
func TestAdminInt012RetryPolicy(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, &envOpts{config: func(c *integration.Config) {
			c.Breaker = &providers.BreakerConfig{FailureThreshold: 1000}
		}})
		in := e.create(t, &integration.CreateParams{Settings: probeSettings(uuid.NewString())})
		attempts := func() (int64, []time.Duration) {
			key := uuid.NewString()
			before := len(e.retryWaits())
			_, err := e.mgr.Dispatch(e.ctx, e.org, "probe", failOp(probeFailure{Kind: "server_error", Key: key}))
			require.Error(t, err)
			return attemptsOf(key), e.retryWaits()[before:]
		}
		n, waits := attempts()
		require.EqualValues(t, 4, n, "retry.DefaultPolicy: 3 retries")
		require.Len(t, waits, 3)

		_, err := e.mgr.IntegrationRetryPolicySet(e.ctx, e.org, in.ID, &retry.PolicyForm{MaxRetries: ptr(2),
			RetryStrategy: retry.StrategyFixed, FixedDelay: ptr(7), MaxDelay: ptr(60), EnableJitter: ptr(false)})
		require.NoError(t, err)
		n, waits = attempts()
		require.EqualValues(t, 3, n)
		require.Equal(t, []time.Duration{7 * time.Second, 7 * time.Second}, waits)

		_, err = e.mgr.IntegrationRetryPolicySet(e.ctx, e.org, in.ID, &retry.PolicyForm{MaxRetries: ptr(3),
			RetryStrategy: retry.StrategyExponential, MaxDelay: ptr(60), EnableJitter: ptr(false),
			RetryOn: []string{"timeout"}})
		require.NoError(t, err)
		n, _ = attempts()
		require.EqualValues(t, 1, n, "5xx is no longer retried")

		_, err = e.mgr.IntegrationRetryPolicySet(e.ctx, e.org, in.ID, nil)
		require.NoError(t, err)
		_, err = e.mgr.OrganizationRetryPolicySet(e.ctx, e.org, &retry.PolicyForm{MaxRetries: ptr(1),
			RetryStrategy: retry.StrategyLinear, MaxDelay: ptr(10), EnableJitter: ptr(false)})
		require.NoError(t, err)
		n, waits = attempts()
		require.EqualValues(t, 2, n, "the organization's default")
		require.Equal(t, []time.Duration{time.Second}, waits)

		key := uuid.NewString()
		_, err = e.mgr.Dispatch(e.ctx, e.org, "probe", failOp(probeFailure{Kind: "server_error", Key: key, SucceedAfter: 1}))
		require.NoError(t, err, "the retry succeeded")
		require.EqualValues(t, 2, attemptsOf(key))
	})
}

// TestAdminInt015DisableIntegration is ADMIN-INT-015: the admin disables an active
// integration; it stops (every call refused with a clear error, no more
// health checks) and its status is disabled.
func TestAdminInt015DisableIntegration(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, nil)
		id := uuid.NewString()
		in := e.create(t, &integration.CreateParams{Name: "Payroll probe", Settings: probeSettings(id)})
		require.Equal(t, storage.IntegrationActive, in.Status)
		other := e.newManager(t, e.store, &envOpts{noStart: true}) // another host, its cache warm
		_, err := other.Dispatch(e.ctx, e.org, "probe", echoOp("warm"))
		require.NoError(t, err)

		off, err := e.mgr.IntegrationDisable(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.Equal(t, storage.IntegrationDisabled, off.Status)
		_, err = e.mgr.Dispatch(e.ctx, e.org, "probe", echoOp("x"))
		require.ErrorIs(t, err, integration.ErrDisabled)
		var de *integration.DisabledError
		require.ErrorAs(t, err, &de)
		require.Equal(t, `integration: "Payroll probe" (probe) is disabled; enable it to use it again`, err.Error())
		require.False(t, retry.IsRetryable(err))

		e.clock.Advance(integration.CacheTTLDefault)
		_, err = other.Dispatch(e.ctx, e.org, "probe", echoOp("x"))
		require.ErrorIs(t, err, integration.ErrDisabled, "another host sees it within CacheTTL")

		checks := checksOf(id)
		e.clock.Advance(time.Hour)
		n, err := e.mgr.HealthCheckRun(e.ctx)
		require.NoError(t, err)
		require.Zero(t, n)
		require.Equal(t, checks, checksOf(id), "no health check")

		_, err = e.mgr.IntegrationEnable(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		_, err = e.mgr.Dispatch(e.ctx, e.org, "probe", echoOp("back"))
		require.NoError(t, err)
	})
}

// TestSecretsNeverLogged: a provider error that repeats the password, and
// the settings themselves, never reach a log entry.
func TestSecretsNeverLogged(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, nil)
		id := uuid.NewString()
		in := e.create(t, &integration.CreateParams{Settings: probeSettings(id)})
		password := "probe-secret-" + id
		_, err := e.mgr.Dispatch(e.ctx, e.org, "probe", failOp(probeFailure{Kind: "auth", Key: uuid.NewString(),
			Message: fmt.Sprintf("login refused for password %s", password)}))
		require.Error(t, err)
		e.flush(t)
		logs := e.logs(t, in.ID)
		require.NotEmpty(t, logs)
		for _, l := range logs {
			require.NotContains(t, l.Message, password)
			require.NotContains(t, string(l.Details), password)
		}
		require.Contains(t, string(e.callLogs(t, in.ID)[0].Details), "login refused for password")
	})
}
