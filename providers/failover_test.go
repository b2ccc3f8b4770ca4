package providers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
	"github.com/intimeos/integrations/retry"
)

// httpEmail sends email.send to settings["url"] as a JSON POST, the way
// SendGrid's and SES's HTTP APIs are called.
type httpEmail struct {
	providers.UnimplementedProvider
}

func (httpEmail) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	return email.Handle(op, func(m *email.Message) (*email.Receipt, error) {
		body, _ := json.Marshal(m)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s["url"], bytesReader(body))
		if err != nil {
			return nil, providers.InvalidInput(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if o := retry.ClassifyResponse(resp, err, time.Now()); o.Class != retry.ClassNone {
			if resp != nil {
				resp.Body.Close()
				return nil, &retry.StatusError{StatusCode: resp.StatusCode, RetryAfter: o.RetryAfter}
			}
			return nil, err
		}
		defer resp.Body.Close()
		var r email.Receipt
		return &r, json.NewDecoder(resp.Body).Decode(&r)
	})
}

// mailAPI is a fake email API whose behaviour the test switches.
type mailAPI struct {
	*httptest.Server
	mode     atomic.Value // "ok", "5xx", "hang", "429"
	mu       sync.Mutex
	accepted map[string]int
	stop     chan struct{}
}

func newMailAPI(t *testing.T) *mailAPI {
	a := &mailAPI{accepted: map[string]int{}, stop: make(chan struct{})}
	a.mode.Store("ok")
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch a.mode.Load() {
		case "5xx":
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		case "429":
			w.Header().Set("Retry-After", "30")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		case "hang":
			_, _ = io.Copy(io.Discard, r.Body) // so that the server notices the client leaving
			select {
			case <-r.Context().Done():
			case <-a.stop:
			}
			return
		}
		var m email.Message
		_ = json.NewDecoder(r.Body).Decode(&m)
		a.mu.Lock()
		a.accepted[m.ID]++
		a.mu.Unlock()
		_ = json.NewEncoder(w).Encode(email.Receipt{MessageID: "msg-" + m.ID})
	}))
	t.Cleanup(a.Close)
	t.Cleanup(func() { close(a.stop) })
	return a
}

func (a *mailAPI) count() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[string]int{}
	for k, v := range a.accepted {
		out[k] = v
	}
	return out
}

type failoverBundle struct {
	clock    *fakeClock
	primary  *providers.Instance
	backup   *providers.Instance
	group    *providers.Group
	mu       sync.Mutex
	switches []providers.Switch
}

func setupFailover(t *testing.T, primaryURL, backupURL string) *failoverBundle {
	b := &failoverBundle{clock: newClock()}
	bc := &providers.BreakerConfig{FailureThreshold: 3, OpenTimeout: time.Minute, Clock: b.clock.Now}
	b.primary = providers.NewInstance("SendGrid", httpEmail{}, providers.Settings{"url": primaryURL}, bc)
	b.backup = providers.NewInstance("AWS SES", httpEmail{}, providers.Settings{"url": backupURL}, bc)
	g, err := providers.NewGroup(&providers.GroupConfig{Name: "Email", Members: []*providers.Instance{b.primary, b.backup},
		AttemptTimeout: 2 * time.Second, Clock: b.clock.Now,
		OnSwitch: func(s providers.Switch) { b.mu.Lock(); b.switches = append(b.switches, s); b.mu.Unlock() }})
	require.NoError(t, err)
	b.group = g
	return b
}

func (b *failoverBundle) send(t *testing.T, id string) *email.Receipt {
	t.Helper()
	r, err := email.Send(t.Context(), b.group, &email.Message{ID: id, To: []string{"a@example.com"}, Subject: "Hi", Text: "Hello"})
	require.NoError(t, err)
	return r
}

func TestFailover(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"5xx", "hang", "refused"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			primary, backup := newMailAPI(t), newMailAPI(t)
			url := primary.URL
			if mode == "refused" {
				url = closedURL(t)
			} else {
				primary.mode.Store(mode)
			}
			b := setupFailover(t, url, backup.URL)

			// Every message reaches the backup, each exactly once; from the
			// fourth on the primary's breaker is open and it is not tried.
			const n = 10
			for i := range n {
				b.send(t, fmt.Sprint(i))
			}
			require.Equal(t, providers.BreakerOpen, b.primary.Breaker().State())
			require.Len(t, backup.count(), n)
			for id, c := range backup.count() {
				require.Equal(t, 1, c, "message %s", id)
			}
			require.Empty(t, primary.count())
			require.Len(t, b.switches, 1, "one switch reported")
			require.Equal(t, "SendGrid", b.switches[0].From)
			require.Equal(t, "AWS SES", b.switches[0].To)
			require.Equal(t, "AWS SES", b.group.Active())
			if mode == "hang" || mode == "refused" {
				require.Contains(t, b.switches[0].Reason, "Connection to SendGrid timed out")
			} else {
				require.Contains(t, b.switches[0].Reason, "SendGrid is currently unavailable")
			}
		})
	}
}

func TestFailoverRecovery(t *testing.T) {
	t.Parallel()
	primary, backup := newMailAPI(t), newMailAPI(t)
	b := setupFailover(t, primary.URL, backup.URL)
	primary.mode.Store("5xx")
	for i := range 5 {
		b.send(t, fmt.Sprint(i))
	}
	require.Equal(t, providers.BreakerOpen, b.primary.Breaker().State())

	// Still down when the probe goes through: open again, backup serves.
	b.clock.Add(time.Minute)
	b.send(t, "5")
	require.Equal(t, providers.BreakerOpen, b.primary.Breaker().State())

	// Recovered: the half-open probe brings the primary back.
	primary.mode.Store("ok")
	b.clock.Add(time.Minute)
	b.send(t, "6")
	b.send(t, "7")
	require.Equal(t, providers.BreakerClosed, b.primary.Breaker().State())
	require.Equal(t, map[string]int{"6": 1, "7": 1}, primary.count())
	require.Len(t, backup.count(), 6)
	require.Len(t, b.switches, 2)
	require.Equal(t, "AWS SES", b.switches[1].From)
	require.Equal(t, "SendGrid", b.switches[1].To)
	require.Equal(t, "recovered", b.switches[1].Reason)
}

func TestFailoverManualSwitch(t *testing.T) {
	t.Parallel()
	primary, backup := newMailAPI(t), newMailAPI(t)
	b := setupFailover(t, primary.URL, backup.URL)
	require.NoError(t, b.group.SwitchTo("AWS SES"))
	b.send(t, "1")
	require.Equal(t, map[string]int{"1": 1}, backup.count())
	b.group.SwitchAuto()
	b.send(t, "2")
	require.Equal(t, map[string]int{"2": 1}, primary.count())
	require.Len(t, b.switches, 2)
	require.True(t, b.switches[0].Manual)
	require.Equal(t, "Email: SendGrid → AWS SES (switched manually)", b.switches[0].String())
	require.ErrorIs(t, b.group.SwitchTo("Mailgun"), providers.ErrNotFound)
}

func TestFailoverStopsOnAuthAndBacksOffOn429(t *testing.T) {
	t.Parallel()
	primary, backup := newMailAPI(t), newMailAPI(t)
	b := setupFailover(t, primary.URL, backup.URL)

	primary.mode.Store("429")
	b.send(t, "1") // 429: goes to the backup, and the primary backs off
	b.send(t, "2") // not tried during Retry-After
	require.Len(t, backup.count(), 2)
	require.Equal(t, providers.BreakerClosed, b.primary.Breaker().State(), "a 429 does not trip the breaker")

	backup.mode.Store("429")
	_, err := email.Send(t.Context(), b.group, &email.Message{ID: "3", To: []string{"a@example.com"}, Subject: "Hi", Text: "x"})
	require.Equal(t, providers.KindRateLimited, providers.KindOf(err))
	require.Equal(t, "Rate limit exceeded. Retry in 30 seconds.", providers.UserMessage(err, "Email"))

	b.clock.Add(31 * time.Second)
	primary.mode.Store("ok")
	b.send(t, "4")
	require.Equal(t, map[string]int{"4": 1}, primary.count())

	// An invalid message is not sent anywhere else.
	bad := providers.NewInstance("Bad", httpEmail{}, providers.Settings{"url": "::not a url"}, nil)
	g, err := providers.NewGroup(&providers.GroupConfig{Members: []*providers.Instance{bad, b.backup}})
	require.NoError(t, err)
	_, err = email.Send(t.Context(), g, &email.Message{ID: "5", To: []string{"a@example.com"}, Subject: "Hi", Text: "x"})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	require.NotContains(t, backup.count(), "5")
}

// closedURL returns the URL of a port nothing listens on.
func closedURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}
