package inbound_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/integration/inbound"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/checkr"
	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/providers/sendgrid"
	"github.com/intimeos/integrations/providers/ses"
	"github.com/intimeos/integrations/providers/ses/snstest"
	"github.com/intimeos/integrations/providers/smtp"
	"github.com/intimeos/integrations/providers/twilio"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/sqlite"
)

const (
	checkrKey   = "test_4f1c2e8a9b"
	twilioSID   = "AC0123456789abcdef0123456789abcdef"
	twilioToken = "twilio-auth-token-0123"
	snsTopic    = "arn:aws:sns:us-east-1:123456789012:ses-bounces"
)

// clock is a settable clock that starts at the current time (SNS test
// certificates are valid around it).
type clock struct {
	mu sync.Mutex
	t  time.Time
}

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

// backend opens a fresh, migrated store.
type backend struct {
	name string
	open func(t testing.TB, clock func() time.Time) storage.Store
}

var backends = []backend{
	{"sqlite", func(t testing.TB, clock func() time.Time) storage.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "intime.db"),
			&sqlite.Config{Sealer: newRing(t), Clock: clock})
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}},
	{"postgres", func(t testing.TB, clock func() time.Time) storage.Store {
		_, dsn := pgtest.Schema(t)
		s, err := postgres.New(pgtest.PoolOn(t, dsn), &postgres.Config{Sealer: newRing(t), Clock: clock})
		require.NoError(t, err)
		require.NoError(t, s.Migrate(context.Background()))
		return s
	}},
}

// eachBackend runs fn as a parallel subtest per backend.
func eachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fn(t, b)
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

// env is one test's world: a store, the providers, a Manager, a Receiver
// mounted on a real HTTP server, and the signers of each provider.
type env struct {
	ctx     context.Context
	clock   *clock
	store   storage.Store
	host    *providers.Host
	mgr     *integration.Manager
	rcv     *inbound.Receiver
	srv     *httptest.Server
	mux     *http.ServeMux
	org     uuid.UUID
	sgKey   *emailtest.WebhookKey
	sns     *snstest.Server
	batches chan *inbound.Batch
}

// opts adjust an env.
type opts struct {
	config   func(c *inbound.Config)
	register func(t *testing.T, e *env)
	// store, when set, is the env's store (another host's database).
	store storage.Store
	// sgKey, when set, is the SendGrid signing key.
	sgKey *emailtest.WebhookKey
}

func setup(t *testing.T, b backend, o *opts) *env {
	t.Helper()
	if o == nil {
		o = &opts{}
	}
	e := &env{ctx: context.Background(), clock: &clock{t: time.Now().UTC().Truncate(time.Second)}, org: uuid.New(),
		sgKey: emailtest.NewWebhookKey(t), sns: snstest.Start(t), batches: make(chan *inbound.Batch, 64)}
	e.store = o.store
	if e.store == nil {
		e.store = b.open(t, e.clock.Now)
	}
	if o.sgKey != nil {
		e.sgKey = o.sgKey
	}
	host, err := providers.NewHost(nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = host.Close() })
	e.host = host
	if o.register != nil {
		o.register(t, e)
	} else {
		e.registerInProcess(t)
	}
	e.mgr, err = integration.New(&integration.Config{Store: e.store, Providers: host, Clock: e.clock.Now,
		NoHealthCheckScheduler: true})
	require.NoError(t, err)
	e.mux = http.NewServeMux()
	e.srv = httptest.NewServer(e.mux)
	t.Cleanup(e.srv.Close)
	c := &inbound.Config{Manager: e.mgr, Providers: host, BaseURL: e.srv.URL + "/api/webhooks", Clock: e.clock.Now,
		OnEvents: func(_ context.Context, b *inbound.Batch) error { e.batches <- b; return nil }}
	if o.config != nil {
		o.config(c)
	}
	e.rcv, err = inbound.New(c)
	require.NoError(t, err)
	e.mux.Handle("POST /api/webhooks/{provider}/{token}", e.rcv)
	e.mux.Handle("/api/webhooks/", e.rcv) // other methods reach it too, to be refused
	return e
}

// registerInProcess registers the providers in this process.
func (e *env) registerInProcess(t *testing.T) {
	t.Helper()
	require.NoError(t, e.host.Register(sendgrid.Name, sendgrid.New(&sendgrid.Config{WebhookMaxAge: 5 * time.Minute, Now: e.clock.Now})))
	require.NoError(t, e.host.Register(checkr.Name, checkr.New(nil)))
	require.NoError(t, e.host.Register(ses.Name, ses.New(&ses.Config{SNSHost: e.sns.Host, SNSClient: e.sns.Client, Now: e.clock.Now})))
	require.NoError(t, e.host.Register(twilio.Name, twilio.New(nil)))
	require.NoError(t, e.host.Register("smtp", smtp.New(nil)))
}

// integration stores an active integration of provider with settings, as
// the Manager would after its health check.
func (e *env) integration(t *testing.T, org uuid.UUID, typ, provider string, settings map[string]string) *storage.Integration {
	t.Helper()
	cfg, err := json.Marshal(settings)
	require.NoError(t, err)
	in, err := e.store.IntegrationCreate(e.ctx, &storage.IntegrationCreateParams{OrganizationID: org, Type: typ,
		Provider: provider, Name: provider + " " + uuid.NewString()[:8], Config: cfg, Status: storage.IntegrationActive})
	require.NoError(t, err)
	return in
}

func (e *env) sendgrid(t *testing.T, org uuid.UUID) (*storage.Integration, *inbound.Endpoint) {
	t.Helper()
	in := e.integration(t, org, integration.TypeEmail, sendgrid.Name, map[string]string{sendgrid.FieldAPIKey: "SG.test-key.0123456789abcdef",
		sendgrid.FieldFromEmail: "noreply@intime.example", sendgrid.FieldFromName: "InTime Staffing",
		sendgrid.FieldWebhookKey: e.sgKey.Public})
	return in, e.endpoint(t, org, in.ID)
}

func (e *env) checkr(t *testing.T, org uuid.UUID) (*storage.Integration, *inbound.Endpoint) {
	t.Helper()
	in := e.integration(t, org, integration.TypeBackgroundChecks, checkr.Name, map[string]string{checkr.FieldAPIKey: checkrKey})
	return in, e.endpoint(t, org, in.ID)
}

func (e *env) ses(t *testing.T, org uuid.UUID) (*storage.Integration, *inbound.Endpoint) {
	t.Helper()
	in := e.integration(t, org, integration.TypeEmail, ses.Name, map[string]string{ses.FieldRegion: "us-east-1",
		ses.FieldAccessKeyID: "AKIAIOSFODNN7EXAMPLE", ses.FieldSecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		ses.FieldFromEmail: "noreply@intime.example", ses.FieldFromName: "InTime Staffing", ses.FieldSNSTopicARN: snsTopic})
	return in, e.endpoint(t, org, in.ID)
}

func (e *env) twilio(t *testing.T, org uuid.UUID) (*storage.Integration, *inbound.Endpoint) {
	t.Helper()
	in := e.integration(t, org, integration.TypeSMS, twilio.Name, map[string]string{twilio.FieldAccountSID: twilioSID,
		twilio.FieldAuthToken: twilioToken, twilio.FieldFromNumber: "+15551234567"})
	return in, e.endpoint(t, org, in.ID)
}

func (e *env) endpoint(t *testing.T, org, id uuid.UUID) *inbound.Endpoint {
	t.Helper()
	ep, err := e.rcv.Endpoint(e.ctx, org, id)
	require.NoError(t, err)
	return ep
}

// answer is a response read whole.
type answer struct {
	status int
	header http.Header
	body   string
}

// post sends a provider's request to url over HTTP.
func post(t *testing.T, url string, header http.Header, body []byte) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// requireAccepted checks a 200 with the counts given.
func requireAccepted(t *testing.T, a answer, received, stored, duplicates, ignored int) {
	t.Helper()
	require.Equal(t, http.StatusOK, a.status, a.body)
	require.JSONEq(t, fmt.Sprintf(`{"status":"accepted","received":%d,"stored":%d,"duplicates":%d,"ignored":%d}`,
		received, stored, duplicates, ignored), a.body)
}

// events lists an integration's stored events, oldest first.
func (e *env) events(t *testing.T, org, id uuid.UUID) []*inbound.Event {
	t.Helper()
	page, err := e.rcv.EventList(e.ctx, &storage.InboundEventListParams{OrganizationID: org, IntegrationID: id, Limit: storage.LimitMax})
	require.NoError(t, err)
	out := page.Items
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func types(evs []*inbound.Event) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.Type
	}
	return out
}

// metrics returns an integration's inbound counts by metric.
func (e *env) metrics(t *testing.T, org, id uuid.UUID) map[string]int64 {
	t.Helper()
	ms, err := e.store.MetricList(e.ctx, &storage.MetricListParams{OrganizationID: org, IntegrationID: id})
	require.NoError(t, err)
	out := map[string]int64{}
	for _, m := range ms {
		out[m.Metric] += m.Count
	}
	return out
}

// logs returns an integration's log messages, oldest first.
func (e *env) logs(t *testing.T, org, id uuid.UUID) []string {
	t.Helper()
	page, err := e.store.LogList(e.ctx, &storage.LogListParams{OrganizationID: org, IntegrationID: id, Limit: storage.LimitMax})
	require.NoError(t, err)
	out := make([]string, len(page.Items))
	for i, l := range page.Items {
		out[len(out)-1-i] = l.Message
	}
	return out
}

// nothingRecorded checks that an integration has no events, metrics or
// log entries.
func (e *env) nothingRecorded(t *testing.T, org, id uuid.UUID) {
	t.Helper()
	require.Empty(t, e.events(t, org, id), "no event stored")
	require.Empty(t, e.metrics(t, org, id), "nothing counted")
	require.Empty(t, e.logs(t, org, id), "nothing logged")
	require.Empty(t, e.batches, "nothing handed to the host")
}

// drain returns the batches handed to the host so far.
func (e *env) drain() []*inbound.Batch {
	var out []*inbound.Batch
	for {
		select {
		case b := <-e.batches:
			out = append(out, b)
		default:
			return out
		}
	}
}
