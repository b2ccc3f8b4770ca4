package alerts_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/integration/alerts"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/providers/sendgrid"
	"github.com/intimeos/integrations/providers/slack"
	"github.com/intimeos/integrations/providers/smtp"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/sqlite"
)

// clock is an injectable clock that tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2031, time.May, 6, 10, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newRing(t testing.TB) *secret.Keyring {
	t.Helper()
	k, err := secret.GenerateKey("test")
	require.NoError(t, err)
	ring, err := secret.NewKeyring(k)
	require.NoError(t, err)
	return ring
}

// opener opens a fresh, migrated store for a test.
type opener func(t testing.TB, clock func() time.Time) storage.Store

func openSQLite(t testing.TB, clock func() time.Time) storage.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "intime.db"),
		&sqlite.Config{Sealer: newRing(t), Clock: clock})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

func openPostgres(t testing.TB, clock func() time.Time) storage.Store {
	t.Helper()
	_, dsn := pgtest.Schema(t)
	s, err := postgres.New(pgtest.PoolOn(t, dsn), &postgres.Config{Sealer: newRing(t), Clock: clock})
	require.NoError(t, err)
	require.NoError(t, s.Migrate(context.Background()))
	return s
}

// backends runs fn on SQLite and on PostgreSQL, in parallel subtests.
func backends(t *testing.T, fn func(t *testing.T, open opener)) {
	t.Helper()
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		fn(t, openSQLite)
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		t.Parallel()
		pgtest.DSN(t)
		fn(t, openPostgres)
	})
}

// env is one test's world: a store, a Manager (not started: it records
// each call at once) with the SendGrid, SMTP and Slack providers, and an
// organization.
type env struct {
	ctx   context.Context
	clock *clock
	store storage.Store
	mgr   *integration.Manager
	org   uuid.UUID
}

// nowTimer fires at once: the Manager's retries do not sleep.
type nowTimer struct{ c chan time.Time }

func (f *nowTimer) Start(time.Duration) {
	f.c = make(chan time.Time, 1)
	f.c <- time.Time{}
}
func (f *nowTimer) Stop()               {}
func (f *nowTimer) C() <-chan time.Time { return f.c }

func setup(t *testing.T, open opener) *env {
	t.Helper()
	e := &env{ctx: t.Context(), clock: newClock(), org: uuid.New()}
	e.store = open(t, e.clock.Now)
	host, err := providers.NewHost(nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, host.Close()) })
	for name, p := range map[string]providers.Provider{"sendgrid": sendgrid.New(nil), "smtp": smtp.New(nil),
		"slack": slack.New(nil)} {
		require.NoError(t, host.Register(name, p))
	}
	e.mgr, err = integration.New(&integration.Config{Store: e.store, Providers: host, Clock: e.clock.Now,
		RetryTimer: func() backoff.Timer { return &nowTimer{} }})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, e.mgr.Stop(context.Background())) })
	return e
}

// engine returns an engine on the env with cfg's notifiers and settings.
func (e *env) engine(t *testing.T, cfg *alerts.Config) *alerts.Engine {
	t.Helper()
	c := *cfg
	c.Store, c.Clock = e.store, e.clock.Now
	if c.Manager == nil {
		c.Manager = e.mgr
	}
	eng, err := alerts.New(&c)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, eng.Stop(context.Background())) })
	return eng
}

func (e *env) create(t *testing.T, p *integration.CreateParams) *integration.Integration {
	t.Helper()
	p.OrganizationID = e.org
	in, err := e.mgr.IntegrationCreate(e.ctx, p)
	require.NoError(t, err)
	return in
}

// openAlert returns the organization's open alert with the key.
func (e *env) openAlert(t *testing.T, key string) *storage.Alert {
	t.Helper()
	page, err := e.store.AlertList(e.ctx, &storage.AlertListParams{OrganizationID: e.org,
		Statuses: []storage.AlertStatus{storage.AlertOpen}, Limit: storage.LimitMax})
	require.NoError(t, err)
	for _, a := range page.Items {
		if a.DedupKey == key {
			return a
		}
	}
	return nil
}

func (e *env) notifications(t *testing.T, alertID uuid.UUID) []*storage.AlertNotification {
	t.Helper()
	ns, err := e.store.AlertNotificationList(e.ctx, e.org, alertID)
	require.NoError(t, err)
	return ns
}

func sendgridSettings(baseURL string) providers.Settings {
	return providers.Settings{sendgrid.FieldAPIKey: "SG.test-key-123456", sendgrid.FieldFromEmail: "noreply@intime.com",
		sendgrid.FieldFromName: "InTime Staffing", sendgrid.FieldBaseURL: baseURL}
}

func smtpSettings(srv *emailtest.SMTPServer, password string) providers.Settings {
	return providers.Settings{
		smtp.FieldProvider: smtp.PresetCustom, smtp.FieldHost: srv.Host, smtp.FieldPort: strconv.Itoa(srv.Port),
		smtp.FieldUsername: "apikey", smtp.FieldPassword: password, smtp.FieldFromEmail: "noreply@intime.com",
		smtp.FieldFromName: "InTime Staffing", smtp.FieldRateLimitHour: "1000", smtp.FieldRootCA: srv.CAPEM,
	}
}

// The answers of fakeSlack's incoming webhook, as Slack documents them.
const (
	slackOK   = "ok"   // 200 ok
	slackGone = "gone" // 404 no_service
	slackBusy = "busy" // 429 rate_limited, Retry-After: 120
	slackDown = "down" // 500 rollup_error
)

// fakeSlack answers like a Slack incoming webhook at HookPath: a message
// needs text (400 no_text), and the answer follows the mode.
type fakeSlack struct {
	*httptest.Server
	mu    sync.Mutex
	mode  string
	posts []map[string]any
	calls int
}

const hookPath = "/services/T0001/B0001/hooksecret01"

func newFakeSlack(t testing.TB) *fakeSlack {
	f := &fakeSlack{mode: slackOK}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+hookPath, f.webhook)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func (f *fakeSlack) HookURL() string { return f.URL + hookPath }

func (f *fakeSlack) setMode(m string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mode = m
}

func (f *fakeSlack) webhook(w http.ResponseWriter, r *http.Request) {
	text := func(code int, s string) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(code)
		_, _ = w.Write([]byte(s))
	}
	var in map[string]any
	if json.NewDecoder(r.Body).Decode(&in) != nil {
		text(http.StatusBadRequest, "invalid_payload")
		return
	}
	if in["text"] == nil && in["blocks"] == nil {
		text(http.StatusBadRequest, "no_text")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	switch f.mode {
	case slackGone:
		text(http.StatusNotFound, "no_service")
	case slackBusy:
		w.Header().Set("Retry-After", "120")
		text(http.StatusTooManyRequests, "rate_limited")
	case slackDown:
		text(http.StatusInternalServerError, "rollup_error")
	default:
		f.posts = append(f.posts, in)
		text(http.StatusOK, "ok")
	}
}

// Posts returns the texts posted so far.
func (f *fakeSlack) Posts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, p := range f.posts {
		s, _ := p["text"].(string)
		out = append(out, s)
	}
	return out
}

// Calls counts the messages the webhook answered, posted or refused.
func (f *fakeSlack) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}
