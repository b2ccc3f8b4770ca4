package zapier_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/intimeos/integrations/apiaccess"
	"github.com/intimeos/integrations/apiaccess/zapier"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/sqlite"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var backends = []struct {
	name string
	open func(t *testing.T) storage.Store
}{
	{"sqlite", func(t *testing.T) storage.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "intime.db"), &sqlite.Config{Sealer: newRing(t)})
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}},
	{"postgres", func(t *testing.T) storage.Store {
		_, dsn := pgtest.Schema(t)
		s, err := postgres.New(pgtest.PoolOn(t, dsn), &postgres.Config{Sealer: newRing(t)})
		require.NoError(t, err)
		require.NoError(t, s.Migrate(context.Background()))
		return s
	}},
}

func newRing(t *testing.T) *secret.Keyring {
	k, err := secret.GenerateKey("test")
	require.NoError(t, err)
	ring, err := secret.NewKeyring(k)
	require.NoError(t, err)
	return ring
}

// bundle is the host: its store, API access, webhook dispatcher, the Zapier
// endpoints on a real HTTP server, and Zapier's receiving end.
type bundle struct {
	ctx   context.Context
	store storage.Store
	svc   *apiaccess.Service
	d     *webhook.Dispatcher
	srv   *httptest.Server
	rcv   *webhooktest.Receiver
	org   uuid.UUID
	token string
}

func setup(t *testing.T, open func(t *testing.T) storage.Store) *bundle {
	ctx := context.Background()
	st := open(t)
	rcv := webhooktest.NewReceiver(t)
	svc, err := apiaccess.New(st, nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, svc.Stop(ctx)) })
	d, err := webhook.New(st, &webhook.Config{TLSConfig: rcv.TLSConfig(), AllowAddrs: rcv.AllowAddrs(),
		PollInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, d.Start(ctx))
	t.Cleanup(func() { require.NoError(t, d.Stop(ctx)) })
	zh, err := zapier.New(svc, d, st, nil)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/zapier/", zh)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	b := &bundle{ctx: ctx, store: st, svc: svc, d: d, srv: srv, rcv: rcv, org: uuid.New()}
	b.token = b.newToken(t, b.org, zapier.Scope)
	return b
}

func (b *bundle) newToken(t *testing.T, org uuid.UUID, scopes ...string) string {
	tok, err := b.svc.TokenCreate(b.ctx, &apiaccess.TokenCreateParams{OrganizationID: org, Name: "Zapier", Scopes: scopes})
	require.NoError(t, err)
	return tok.Secret
}

// call makes one request to the Zapier endpoints and decodes the JSON
// answer into out (when not nil).
func (b *bundle) call(t *testing.T, method, path, token string, body any, out any) int {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(raw)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, b.srv.URL+path, rd)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := b.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	if out != nil {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
	}
	return resp.StatusCode
}

func (b *bundle) subscribe(t *testing.T, path, event string) zapier.Hook {
	t.Helper()
	var h zapier.Hook
	require.Equal(t, http.StatusCreated, b.call(t, http.MethodPost, "/zapier/hooks", b.token,
		zapier.SubscribeRequest{TargetURL: b.rcv.URL + path, Event: event}, &h))
	return h
}

func (b *bundle) publish(t *testing.T, id string) []*storage.Delivery {
	t.Helper()
	ds, err := b.d.Publish(b.ctx, b.org, &webhook.Event{Type: webhook.EventJobCreated,
		Data: map[string]string{"job_id": id, "title": "Senior Java Developer"}})
	require.NoError(t, err)
	return ds
}

func eachBackend(t *testing.T, fn func(t *testing.T, b *bundle)) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			fn(t, setup(t, be.open))
		})
	}
}

// TestSubscribeDeliverUnsubscribe is the REST hook cycle: subscribe, an
// event published by the host reaches the target signed, unsubscribe stops
// it.
func TestSubscribeDeliverUnsubscribe(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b *bundle) {
		hook := b.subscribe(t, "/hooks/zap-1", webhook.EventJobCreated)
		require.Equal(t, "active", hook.Status)
		require.Equal(t, webhook.EventJobCreated, hook.Event)
		require.NotEmpty(t, hook.Secret)

		sub, err := b.d.SubscriptionGet(b.ctx, b.org, uuid.MustParse(hook.ID))
		require.NoError(t, err, "a subscription of the token's organization")
		require.True(t, strings.HasPrefix(sub.Name, "Zapier: job.created "))
		require.Equal(t, b.rcv.URL+"/hooks/zap-1", sub.URL)
		mark, err := b.store.ZapierHookGet(b.ctx, b.org, sub.ID)
		require.NoError(t, err, "marked as Zapier's")
		require.Equal(t, webhook.EventJobCreated, mark.Event)

		require.Len(t, b.publish(t, "JOB-1"), 1)
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		defer cancel()
		require.True(t, b.rcv.Wait(ctx, 1))
		req := b.rcv.Requests()[0]
		require.Equal(t, "/hooks/zap-1", req.URL)
		require.Equal(t, webhook.EventJobCreated, req.Event)
		require.NoError(t, webhook.Verify(hook.Secret, req.Header, req.Body, nil), "signed with the subscription's secret")
		var payload webhook.Payload
		require.NoError(t, json.Unmarshal(req.Body, &payload))
		require.JSONEq(t, `{"job_id":"JOB-1","title":"Senior Java Developer"}`, string(payload.Data))

		// The polling list now returns what was delivered.
		var samples []webhook.Payload
		require.Equal(t, http.StatusOK, b.call(t, http.MethodGet, "/zapier/events/job.created/samples", b.token, nil, &samples))
		require.Len(t, samples, 1)
		require.JSONEq(t, string(payload.Data), string(samples[0].Data))

		var hooks []zapier.Hook
		require.Equal(t, http.StatusOK, b.call(t, http.MethodGet, "/zapier/hooks", b.token, nil, &hooks))
		require.Len(t, hooks, 1)
		require.Equal(t, hook.ID, hooks[0].ID)
		require.Empty(t, hooks[0].Secret, "the secret is shown once")

		var gone map[string]string
		require.Equal(t, http.StatusOK, b.call(t, http.MethodDelete, "/zapier/hooks/"+hook.ID, b.token, nil, &gone))
		require.Equal(t, hook.ID, gone["id"])
		require.Empty(t, b.publish(t, "JOB-2"), "no subscription left to deliver to")
		_, err = b.d.SubscriptionGet(b.ctx, b.org, sub.ID)
		require.ErrorIs(t, err, storage.ErrNotFound)
		require.Equal(t, http.StatusNotFound, b.call(t, http.MethodDelete, "/zapier/hooks/"+hook.ID, b.token, nil, nil))
		require.Equal(t, 1, b.rcv.Count())

		// Each call went through the middleware: counted in usage by route.
		require.NoError(t, b.svc.Flush(b.ctx))
		u, err := b.svc.Usage(b.ctx, &apiaccess.UsageParams{OrganizationID: b.org})
		require.NoError(t, err)
		require.Equal(t, int64(5), u.Total, "subscribe, samples, list, two deletes")
		require.Equal(t, "DELETE /zapier/hooks/{id}", u.TopEndpoints[0].Route)
	})
}

// TestGoneUnsubscribes: a 410 from Zapier disables the subscription, and
// later events are not sent.
func TestGoneUnsubscribes(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b *bundle) {
		hook := b.subscribe(t, "/hooks/zap-gone", webhook.EventJobCreated)
		b.rcv.Enqueue(webhooktest.Gone())
		require.Len(t, b.publish(t, "JOB-1"), 1)
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		defer cancel()
		require.True(t, b.rcv.Wait(ctx, 1))
		require.Eventually(t, func() bool {
			sub, err := b.d.SubscriptionGet(b.ctx, b.org, uuid.MustParse(hook.ID))
			return err == nil && sub.Status == storage.WebhookDisabled
		}, 30*time.Second, 10*time.Millisecond)
		require.Empty(t, b.publish(t, "JOB-2"), "a disabled subscription gets nothing")

		var hooks []zapier.Hook
		require.Equal(t, http.StatusOK, b.call(t, http.MethodGet, "/zapier/hooks", b.token, nil, &hooks))
		require.Len(t, hooks, 1)
		require.Equal(t, "disabled", hooks[0].Status)
		require.NotEmpty(t, hooks[0].DisabledReason)
		require.Equal(t, 1, b.rcv.Count())
	})
}

// TestIsolationAndAuth: the endpoints need a token with the zapier scope,
// and reach the token's own organization only.
func TestIsolationAndAuth(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b *bundle) {
		var me zapier.Me
		require.Equal(t, http.StatusOK, b.call(t, http.MethodGet, "/zapier/me", b.token, nil, &me))
		require.Equal(t, b.org.String(), me.OrganizationID)
		require.Equal(t, "Zapier", me.TokenName)
		require.Equal(t, http.StatusUnauthorized, b.call(t, http.MethodGet, "/zapier/me", "", nil, nil))
		noScope := b.newToken(t, b.org, "jobs:read")
		require.Equal(t, http.StatusForbidden, b.call(t, http.MethodGet, "/zapier/me", noScope, nil, nil))

		hook := b.subscribe(t, "/hooks/mine", webhook.EventJobCreated)
		otherOrg := uuid.New()
		theirs := b.newToken(t, otherOrg, zapier.Scope)
		require.Equal(t, http.StatusNotFound, b.call(t, http.MethodDelete, "/zapier/hooks/"+hook.ID, theirs, nil, nil))
		var hooks []zapier.Hook
		require.Equal(t, http.StatusOK, b.call(t, http.MethodGet, "/zapier/hooks", theirs, nil, &hooks))
		require.Empty(t, hooks)
		_, err := b.d.SubscriptionGet(b.ctx, b.org, uuid.MustParse(hook.ID))
		require.NoError(t, err, "still there")

		// A subscription the admin made is not Zapier's to delete.
		admin, err := b.d.SubscriptionCreate(b.ctx, &webhook.SubscriptionCreateParams{OrganizationID: b.org, Name: "ATS sync",
			URL: b.rcv.URL + "/ats", Events: []string{webhook.EventJobCreated}})
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, b.call(t, http.MethodDelete, "/zapier/hooks/"+admin.ID.String(), b.token, nil, nil))
		require.Equal(t, http.StatusNotFound, b.call(t, http.MethodDelete, "/zapier/hooks/not-an-id", b.token, nil, nil))
		_, err = b.d.SubscriptionGet(b.ctx, b.org, admin.ID)
		require.NoError(t, err)

		// Another organization's event does not reach this organization's hook.
		ds, err := b.d.Publish(b.ctx, otherOrg, &webhook.Event{Type: webhook.EventJobCreated, Data: map[string]string{}})
		require.NoError(t, err)
		require.Empty(t, ds)
	})
}

func TestSubscribeRefused(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b *bundle) {
		var e struct {
			Error  string            `json:"error"`
			Fields map[string]string `json:"fields"`
		}
		require.Equal(t, http.StatusBadRequest, b.call(t, http.MethodPost, "/zapier/hooks", b.token,
			zapier.SubscribeRequest{TargetURL: "http://hooks.zapier.com/x", Event: "job.created"}, &e))
		require.Equal(t, "validation_failed", e.Error)
		require.Equal(t, webhook.MsgURLNotHTTPS, e.Fields["target_url"])
		require.Equal(t, http.StatusBadRequest, b.call(t, http.MethodPost, "/zapier/hooks", b.token,
			zapier.SubscribeRequest{TargetURL: "https://hooks.zapier.com/x", Event: "no.such"}, &e))
		require.NotEmpty(t, e.Fields["event"])
		require.Equal(t, http.StatusBadRequest, b.call(t, http.MethodPost, "/zapier/hooks", b.token, "not an object", &e))
		require.Equal(t, "invalid_body", e.Error)
		subs, err := b.d.SubscriptionList(b.ctx, &webhook.SubscriptionListParams{OrganizationID: b.org})
		require.NoError(t, err)
		require.Empty(t, subs.Items, "nothing was created")
	})
}

// TestSamplesBeforeAnyEvent: the polling list falls back on the catalog's
// sample, which Zapier's editor shows before the first real event.
func TestSamplesBeforeAnyEvent(t *testing.T) {
	t.Parallel()
	b := setup(t, backends[0].open)
	var samples []webhook.Payload
	require.Equal(t, http.StatusOK, b.call(t, http.MethodGet, "/zapier/events/job.updated/samples", b.token, nil, &samples))
	require.Len(t, samples, 1)
	require.Equal(t, "job.updated", samples[0].Event)
	require.NotEmpty(t, samples[0].Data)
	require.Equal(t, http.StatusNotFound, b.call(t, http.MethodGet, "/zapier/events/no.such/samples", b.token, nil, nil))
	var events []zapier.Event
	require.Equal(t, http.StatusOK, b.call(t, http.MethodGet, "/zapier/events", b.token, nil, &events))
	require.Contains(t, events, zapier.Event{Key: "job.created", Label: "new job posted"})
}
