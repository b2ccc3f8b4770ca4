package webhook_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// logBuffer collects JSON log records; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// records returns the records whose message starts with prefix.
func (l *logBuffer) records(t *testing.T, prefix string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(l.String()) {
		var r map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &r))
		if strings.HasPrefix(r["msg"].(string), prefix) {
			out = append(out, r)
		}
	}
	return out
}

// TestDeliveryFailuresLogged: every failed attempt is logged once, at Warn
// when a retry follows and at Error when it goes to the dead letter queue,
// with the subscription, event, attempt, status and class; never the
// payload, the secret, the signatures or a token in the URL. Failed attempts
// and dead letters used not to be logged at all.
func TestDeliveryFailuresLogged(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		logs := &logBuffer{}
		clk := newClock()
		cfg := fastConfig(clk, testPolicy(1))
		cfg.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		b := setup(t, be, cfg)
		b.rcv.SetDefault(webhooktest.Fail(http.StatusServiceUnavailable))
		down := b.subscribe(t, "down")
		// An endpoint nobody listens on, with a token in its query.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		closed := "https://" + l.Addr().String() + "/hook?token=tok-in-the-url"
		require.NoError(t, l.Close())
		refused, err := b.d.SubscriptionCreate(b.ctx, &webhook.SubscriptionCreateParams{OrganizationID: b.org,
			Name: "refused", URL: closed, Events: []string{webhook.EventJobCreated}})
		require.NoError(t, err)
		b.start(t)
		rows := b.publish(t, webhook.EventJobCreated, map[string]string{"marker": "payload-must-not-be-logged"})
		require.Len(t, rows, 2)
		for _, r := range rows {
			b.waitChain(t, r.EventID, 1)
			b.waitNext(t, r.EventID, 2)
		}
		clk.Advance(time.Second)
		for _, r := range rows {
			require.Equal(t, storage.DeliveryDLQ, b.waitChain(t, r.EventID, 2)[1].Status)
		}

		failed := logs.records(t, "webhook: delivery failed")
		require.Len(t, failed, 4, "one record per attempt")
		byWebhook := map[string][]map[string]any{}
		for _, r := range failed {
			byWebhook[r["webhook"].(string)] = append(byWebhook[r["webhook"].(string)], r)
		}
		for _, s := range []*webhook.Subscription{down, refused} {
			recs := byWebhook[s.ID.String()]
			require.Len(t, recs, 2, s.Name)
			for i, r := range recs {
				require.EqualValues(t, i+1, r["attempt"], s.Name)
				require.Equal(t, webhook.EventJobCreated, r["event_type"])
				require.Equal(t, b.org.String(), r["organization"])
				require.NotEmpty(t, r["event"])
				require.NotEmpty(t, r["delivery"])
			}
			require.Equal(t, "WARN", recs[0]["level"])
			require.Equal(t, "webhook: delivery failed; retrying", recs[0]["msg"])
			require.NotEmpty(t, recs[0]["next_attempt_at"])
			require.Equal(t, "ERROR", recs[1]["level"])
			require.Equal(t, "webhook: delivery failed; moved to the dead letter queue", recs[1]["msg"])
			require.Equal(t, recs[0]["event"], recs[1]["event"], "the same event")
		}
		require.EqualValues(t, 503, byWebhook[down.ID.String()][0]["status"])
		require.Equal(t, retry.ClassServerError.String(), byWebhook[down.ID.String()][0]["class"])
		require.Equal(t, "Webhook endpoint returned error: 503", byWebhook[down.ID.String()][1]["reason"])
		require.EqualValues(t, 0, byWebhook[refused.ID.String()][0]["status"])
		require.Contains(t, byWebhook[refused.ID.String()][0]["reason"], "connection refused")

		text := logs.String()
		require.NotContains(t, text, "payload-must-not-be-logged")
		require.NotContains(t, text, "tok-in-the-url")
		for _, s := range []*webhook.Subscription{down, refused} {
			require.NotContains(t, text, s.Secret)
		}
		for _, req := range b.rcv.Requests() {
			require.NotContains(t, text, req.Header.Get(webhook.HeaderSignature))
			require.NotContains(t, text, strings.Fields(req.Header.Get(webhook.HeaderWebhookSignature))[0])
		}
	})
}
