package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/providertest"
)

func TestMain(m *testing.M) {
	providertest.Main(m, map[string]providers.Provider{"slack": New(nil)})
}

// fakeSlack answers like Slack's incoming webhooks: 200 "ok", 400 for an
// empty message, 404 "no_service" for an unknown hook, 429 with
// Retry-After, 500 when down.
type fakeSlack struct {
	*httptest.Server
	mu       sync.Mutex
	received []string
}

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var msg struct{ Text string }
		_ = json.NewDecoder(r.Body).Decode(&msg)
		switch r.URL.Path {
		case "/services/T0/B0/good":
		case "/services/T0/B0/busy":
			w.Header().Set("Retry-After", "30")
			http.Error(w, "rate_limited", http.StatusTooManyRequests)
			return
		case "/services/T0/B0/down":
			http.Error(w, "", http.StatusInternalServerError)
			return
		default:
			http.Error(w, "no_service", http.StatusNotFound)
			return
		}
		if msg.Text == "" {
			http.Error(w, "no_text", http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.received = append(f.received, msg.Text)
		f.mu.Unlock()
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(f.Close)
	return f
}

func TestConformance(t *testing.T) {
	t.Parallel()
	slack := newFakeSlack(t)
	hook := func(name string) providers.Settings {
		return providers.Settings{"webhookUrl": slack.URL + "/services/T0/B0/" + name}
	}
	post := &providers.Operation{Name: OpPost, Payload: json.RawMessage(`{"text":"Integration SendGrid is down"}`)}
	suite := &providertest.Suite{
		Settings: hook("good"),
		Calls:    []providertest.Call{{Name: "post", Op: post}},
		Failures: []providertest.Failure{
			{Name: "revoked hook", Settings: hook("revoked"), Op: post, Kind: providers.KindAuth},
			{Name: "rate limited", Settings: hook("busy"), Op: post, Kind: providers.KindRateLimited, RetryAfter: 30 * time.Second},
			{Name: "down", Settings: hook("down"), Op: post, Kind: providers.KindRetryable},
			{Name: "no text", Op: &providers.Operation{Name: OpPost, Payload: json.RawMessage(`{}`)}, Kind: providers.KindInvalidInput},
		},
	}
	t.Run("in process", func(t *testing.T) { providertest.Exercise(t, New(nil), suite) })
	t.Run("plugin", func(t *testing.T) { providertest.Exercise(t, providertest.Plugin(t, "slack"), suite) })
	require.Len(t, slack.received, 2)
}

func TestCheck(t *testing.T) {
	t.Parallel()
	slack := newFakeSlack(t)
	p := New(nil)
	res, err := p.Check(t.Context(), providers.Settings{"webhookUrl": slack.URL + "/services/T0/B0/good"})
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)
	res, err = p.Check(t.Context(), providers.Settings{"webhookUrl": slack.URL + "/services/T0/B0/revoked"})
	require.NoError(t, err)
	require.Equal(t, providers.StageAuth, res.Failed().Name)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	err := New(nil).Validate(t.Context(), providers.Settings{"webhookUrl": "http://example.com/hook", "channel": "alerts"})
	var ve *providers.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "Please enter a channel such as #alerts", ve.Field("channel"))
	err = New(nil).Validate(t.Context(), providers.Settings{"webhookUrl": "http://example.com/hook"})
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "Please enter a valid Slack webhook URL", ve.Field("webhookUrl"))
}
