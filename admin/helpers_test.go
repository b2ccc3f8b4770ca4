package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	exstorage "github.com/zitadel/oidc/v3/example/server/storage"

	"github.com/intimeos/integrations/admin"
	"github.com/intimeos/integrations/apiaccess"
	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/sendgrid"
	"github.com/intimeos/integrations/providers/smtp"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/sqlite"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

const (
	opClientID     = "intime-admin-test"
	opClientSecret = "op-client-secret-5d4c3b2a"
	orgHeader      = "X-Test-Org"
	anonHeader     = "X-Test-Anon"
)

// backend opens a fresh, migrated store for one test.
type backend struct {
	name string
	open func(t testing.TB) storage.Store
}

var backends = []backend{
	{"SQLite", openSQLite},
	{"PostgreSQL", openPostgres},
}

// onBackends runs fn as a parallel subtest per backend.
func onBackends(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fn(t, setup(t, b))
		})
	}
}

func newRing(t testing.TB) *secret.Keyring {
	t.Helper()
	k, err := secret.GenerateKey("test")
	require.NoError(t, err)
	ring, err := secret.NewKeyring(k)
	require.NoError(t, err)
	return ring
}

func openSQLite(t testing.TB) storage.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "intime.db"), &sqlite.Config{Sealer: newRing(t)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func openPostgres(t testing.TB) storage.Store {
	t.Helper()
	_, dsn := pgtest.Schema(t)
	s, err := postgres.New(pgtest.PoolOn(t, dsn), &postgres.Config{Sealer: newRing(t)})
	require.NoError(t, err)
	require.NoError(t, s.Migrate(context.Background()))
	return s
}

// syncBuffer collects log output from several goroutines.
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

// env is one test's world: a store, a running webhook dispatcher and its
// receiver, the installed providers (SMTP, SendGrid and an OAuth one) and a
// running integration Manager, API access, an OAuth authorization server
// and Connector, and the host's server with the admin mounted under /admin
// and an API behind the API access middleware under /v1.
type env struct {
	ctx   context.Context
	store storage.Store
	d     *webhook.Dispatcher
	rcv   *webhooktest.Receiver
	conn  *oauth.Connector
	provs *providers.Host
	mgr   *integration.Manager
	svc   *apiaccess.Service
	op    *httptest.Server
	host  *httptest.Server
	h     *admin.Handler
	org   uuid.UUID
	user  uuid.UUID
	logs  *syncBuffer

	mu         sync.Mutex
	audits     []*admin.AuditEvent
	auditFails bool
}

// setup builds an env on a backend.
func setup(t *testing.T, b backend) *env {
	t.Helper()
	return setupWith(t, b, envOpts{})
}

// envOpts vary an env.
type envOpts struct {
	// tools configures the troubleshooter, backup switch, credential
	// rotator and log exporter (tools_test.go); without them the screens
	// show their placeholders.
	tools bool
}

// setupWith builds an env on a backend with options.
func setupWith(t *testing.T, b backend, o envOpts) *env {
	t.Helper()
	e := &env{ctx: context.Background(), store: b.open(t), rcv: webhooktest.NewReceiver(t), org: uuid.New(), user: uuid.New(), logs: &syncBuffer{}}
	logger := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var hostMux http.Handler
	e.host = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hostMux.ServeHTTP(w, r) }))
	t.Cleanup(e.host.Close)
	e.op = newAuthServer(t, oauth.RedirectURI(e.host.URL, oauth.ProviderCustom))
	var err error
	e.conn, err = oauth.New(e.store, &oauth.Config{BaseURL: e.host.URL, Logger: logger, Settings: integration.StoredOAuthSettings})
	require.NoError(t, err)
	e.startManager(t, logger)
	e.d, err = webhook.New(e.store, &webhook.Config{TLSConfig: e.rcv.TLSConfig(), AllowAddrs: e.rcv.AllowAddrs(),
		Logger: logger, PollInterval: 50 * time.Millisecond, Rand: func() float64 { return 0.5 }, OrgPolicy: e.mgr.OrganizationRetryPolicy})
	require.NoError(t, err)
	require.NoError(t, e.d.Start(e.ctx))
	t.Cleanup(func() { require.NoError(t, e.d.Stop(context.Background())) })
	e.svc, err = apiaccess.New(e.store, &apiaccess.Config{Logger: logger, FlushInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, e.svc.Start(e.ctx))
	t.Cleanup(func() { require.NoError(t, e.svc.Stop(context.Background())) })

	cfg := &admin.Config{
		Authorize: e.authorize, Store: e.store, Webhooks: e.d, OAuth: e.conn, OAuthBaseURL: e.host.URL,
		Integrations: e.mgr, APIAccess: e.svc, Logger: logger, Audit: e.audit, PollInterval: time.Second,
	}
	if o.tools {
		tl := &tools{mgr: e.mgr, store: e.store}
		cfg.Troubleshooter, cfg.Backups, cfg.Credentials, cfg.LogExport = tl, tl, tl, tl
	}
	e.h, err = admin.New(cfg)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/admin/", e.h)
	mux.Handle("/oauth/", e.conn.Handler(&oauth.HandlerOpts{
		Authenticate: func(*http.Request) (uuid.UUID, *uuid.UUID, error) { return e.org, &e.user, nil },
		SuccessURL:   e.host.URL + "/admin/oauth/connected",
	}))
	api := http.NewServeMux()
	api.HandleFunc("GET /v1/jobs", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{"jobs":[]}`) })
	mux.Handle("/v1/", e.svc.Middleware(api))
	hostMux = mux
	return e
}

// startManager installs the providers in process (SMTP, SendGrid and an
// OAuth one) and starts a Manager on them.
func (e *env) startManager(t *testing.T, logger *slog.Logger) {
	t.Helper()
	var err error
	e.provs, err = providers.NewHost(&providers.Config{Logger: logger})
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.provs.Close() })
	require.NoError(t, e.provs.Register(smtp.Name, smtp.New(&smtp.Config{DialTimeout: 5 * time.Second, CommandTimeout: 5 * time.Second})))
	require.NoError(t, e.provs.Register(sendgrid.Name, sendgrid.New(nil)))
	require.NoError(t, e.provs.Register(whoamiName, whoami{}))
	e.mgr, err = integration.New(&integration.Config{Store: e.store, Providers: e.provs, OAuth: e.conn, Logger: logger,
		NoHealthCheckScheduler: true, RecordInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, e.mgr.Start(e.ctx))
	t.Cleanup(func() { require.NoError(t, e.mgr.Stop(context.Background())) })
}

// authorize is the host's check: the test's organization, another one
// named by a header, or nobody.
func (e *env) authorize(r *http.Request) (*admin.Principal, error) {
	if r.Header.Get(anonHeader) != "" {
		return nil, errors.New("not signed in")
	}
	org := e.org
	if v := r.Header.Get(orgHeader); v != "" {
		org = uuid.MustParse(v)
	}
	return &admin.Principal{OrganizationID: org, UserID: e.user, Name: "Ada Admin"}, nil
}

func (e *env) audit(_ context.Context, ev *admin.AuditEvent) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.auditFails {
		return errors.New("audit store down")
	}
	e.audits = append(e.audits, ev)
	return nil
}

func (e *env) auditLog() []*admin.AuditEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*admin.AuditEvent(nil), e.audits...)
}

// newAuthServer runs zitadel/oidc's example OpenID Provider: authorization
// code with PKCE, refresh tokens; user test-user2, password verysecure.
func newAuthServer(t *testing.T, redirectURI string) *httptest.Server {
	var op http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { op.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	clients := map[string]*exstorage.Client{opClientID: exstorage.WebClient(opClientID, opClientSecret, redirectURI)}
	st := exstorage.NewStorageWithClients(exstorage.NewUserStore(srv.URL), clients)
	op = exampleop.SetupServer(srv.URL, st, nil, false)
	return srv
}

// response is an API answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) decode(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), string(r.body))
}

func (r *response) apiError(t testing.TB) *admin.APIError {
	t.Helper()
	var b admin.ErrorBody
	r.decode(t, &b)
	require.NotNil(t, b.Error, string(r.body))
	return b.Error
}

// call makes an API request as the env's admin, with the CSRF token and
// a same-origin Sec-Fetch-Site, as the dashboard's script does. hdr adds or
// overrides headers ("" removes one).
func (e *env) call(t testing.TB, method, path string, body any, hdr ...string) *response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.host.URL+"/admin"+path, rd)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("X-CSRF-Token", e.csrf(t, hdr...))
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return &response{status: resp.StatusCode, header: resp.Header, body: b}
}

// csrf returns the admin's CSRF token from the session call (of the
// organization an orgHeader pair among hdr names).
func (e *env) csrf(t testing.TB, hdr ...string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.host.URL+"/admin/api/session", nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == orgHeader {
			req.Header.Set(orgHeader, hdr[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var s admin.Session
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&s))
	return s.CSRFToken
}

// webhook creates a webhook to the receiver through the API.
func (e *env) webhook(t testing.TB, name string, events ...string) *admin.Webhook {
	t.Helper()
	if len(events) == 0 {
		events = []string{webhook.EventJobCreated}
	}
	url := e.rcv.URL + "/hooks/" + strings.ReplaceAll(name, " ", "-")
	r := e.call(t, "POST", "/api/webhooks", map[string]any{"webhookName": name, "webhookUrl": url, "events": events})
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	var c admin.WebhookCreated
	r.decode(t, &c)
	return c.Webhook
}

// oauthIntegration saves an OAuth configuration for the test provider.
func (e *env) oauthIntegration(t testing.TB) *admin.OAuthIntegration {
	t.Helper()
	r := e.call(t, "POST", "/api/oauth/integrations", map[string]any{"name": "Test calendar",
		"oauthProvider": oauth.ProviderCustom, "clientId": opClientID, "clientSecret": opClientSecret,
		"scopes": []string{"openid", "profile"}, "issuerUrl": e.op.URL})
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	var oi admin.OAuthIntegration
	r.decode(t, &oi)
	return &oi
}

// waitFor polls cond until it holds, failing after ten seconds.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// failingWebhook creates a webhook that gives up after one retry, one
// second later, so that a failing receiver fills the dead letter queue.
func (e *env) failingWebhook(t testing.TB, name string) *admin.Webhook {
	t.Helper()
	w := e.webhook(t, name)
	r := e.call(t, "PUT", "/api/webhooks/"+w.ID.String()+"/retry", map[string]any{"maxRetries": 1, "retryStrategy": "fixed",
		"fixedDelay": 1, "maxDelay": 10, "enableJitter": false, "retryOn": []string{"server_error"}})
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	return w
}

// publish publishes one event and returns its ID.
func (e *env) publish(t testing.TB, data string) uuid.UUID {
	t.Helper()
	ds, err := e.d.Publish(e.ctx, e.org, &webhook.Event{Type: webhook.EventJobCreated, Data: json.RawMessage(data)})
	require.NoError(t, err)
	require.NotEmpty(t, ds)
	return ds[0].EventID
}

// dlqLen counts the organization's dead letters.
func (e *env) dlqLen(t testing.TB) int {
	t.Helper()
	p, err := e.d.DLQList(e.ctx, &storage.DLQListParams{OrganizationID: e.org})
	require.NoError(t, err)
	return len(p.Items)
}

func webhookFail(status int) webhooktest.Response { return webhooktest.Fail(status) }

func webhookOK() webhooktest.Response { return webhooktest.OK() }
