package webhook_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// TestTestSendOutcomes checks how each kind of answer is classified, through
// the synchronous test send (§12 debugger).
func TestTestSendOutcomes(t *testing.T) {
	t.Parallel()
	b := setup(t, backends[0], nil)
	s := b.subscribe(t, "outcomes", webhook.EventJobCreated, webhook.EventJobClosed)
	redirect := http.Header{"Location": {b.rcv.URL + "/elsewhere"}}
	long := strings.Repeat("x", webhook.ResponseBodyMax+100)
	tests := []struct {
		name    string
		resp    webhooktest.Response
		class   retry.Class
		status  int
		after   time.Duration
		cut     bool
		bodyLen int
	}{
		{"200", webhooktest.OK(), retry.ClassNone, 200, 0, false, 21},
		{"204", webhooktest.Response{Status: 204}, retry.ClassNone, 204, 0, false, 0},
		{"302 not followed", webhooktest.Response{Status: 302, Header: redirect}, retry.ClassPermanent, 302, 0, false, 21},
		{"400", webhooktest.Fail(400), retry.ClassClientError, 400, 0, false, 30},
		{"410", webhooktest.Gone(), retry.ClassClientError, 410, 0, false, 21},
		{"429", webhooktest.TooMany(7 * time.Second), retry.ClassRateLimited, 429, 7 * time.Second, false, 21},
		{"503", webhooktest.Fail(503), retry.ClassServerError, 503, 0, false, 30},
		{"big body", webhooktest.Response{Body: long}, retry.ClassNone, 200, 0, true, webhook.ResponseBodyMax},
		// NUL bytes become U+FFFD (3 bytes); a character split by the cut
		// too. Either way the stored text stays within 64 KiB, cut at a
		// character boundary: 21,845 three-byte characters.
		{"NUL body", webhooktest.Response{Body: strings.Repeat("\x00", webhook.ResponseBodyMax)}, retry.ClassNone, 200, 0, true, 65535},
		{"split character", webhooktest.Response{Body: strings.Repeat("€", 21846)}, retry.ClassNone, 200, 0, true, 65535},
	}
	for _, tt := range tests {
		b.rcv.Enqueue(tt.resp)
		res, err := b.d.TestSend(b.ctx, b.org, s.ID, &webhook.TestSendOpts{Event: webhook.EventJobClosed})
		require.NoError(t, err, tt.name)
		require.Equal(t, tt.class, res.Outcome.Class, tt.name)
		require.Equal(t, tt.status, res.StatusCode, tt.name)
		require.Equal(t, tt.after, res.Outcome.RetryAfter, tt.name)
		require.Equal(t, tt.cut, res.ResponseTruncated, tt.name)
		require.Len(t, res.ResponseBody, tt.bodyLen, tt.name)
		require.True(t, utf8.ValidString(res.ResponseBody), tt.name)
		require.Positive(t, res.Duration, tt.name)
		var derr *webhook.DeliveryError
		if tt.class == retry.ClassNone {
			require.NoError(t, res.Err(), tt.name)
		} else if require.ErrorAs(t, res.Err(), &derr, tt.name); tt.status >= 400 {
			require.Equal(t, "Webhook endpoint returned error: "+strconv.Itoa(tt.status), derr.Reason(), tt.name)
		}
	}
	require.Equal(t, len(tests), b.rcv.Count(), "the redirect was not followed")
	require.Equal(t, webhook.EventJobClosed, b.rcv.Requests()[0].Event)

	_, err := b.d.TestSend(b.ctx, b.org, s.ID, &webhook.TestSendOpts{Event: "job.nope"})
	require.ErrorIs(t, err, webhook.ErrUnknownEvent)
}

func TestTestSendTimeout(t *testing.T) {
	t.Parallel()
	b := setup(t, backends[0], nil)
	pol := retry.DefaultPolicy()
	pol.AttemptTimeout = time.Second
	s, err := b.d.SubscriptionCreate(b.ctx, &webhook.SubscriptionCreateParams{OrganizationID: b.org, Name: "slow",
		URL: b.rcv.URL, Events: []string{webhook.EventJobCreated}, RetryPolicy: &pol})
	require.NoError(t, err)
	b.rcv.Enqueue(webhooktest.Timeout(10 * time.Second))
	res, err := b.d.TestSend(b.ctx, b.org, s.ID, nil)
	require.NoError(t, err)
	require.Equal(t, retry.ClassTimeout, res.Outcome.Class)
	require.Less(t, res.Duration, 5*time.Second, "the policy's per-attempt timeout applies")
}

// TestTestSendAnswerLimits: a body cut short by the attempt's deadline is
// flagged as truncated, and response headers past ResponseHeaderMax fail
// the attempt instead of going into the history (Go's default allows
// 10 MiB per attempt).
func TestTestSendAnswerLimits(t *testing.T) {
	t.Parallel()
	b := setup(t, backends[0], nil)
	pol := retry.DefaultPolicy()
	pol.AttemptTimeout = time.Second
	trickle := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/trickle":
			w.WriteHeader(http.StatusOK)
			for i := 0; i < 100 && r.Context().Err() == nil; i++ {
				_, _ = w.Write([]byte("x"))
				w.(http.Flusher).Flush()
				time.Sleep(50 * time.Millisecond)
			}
		case "/headers":
			w.Header().Set("X-Big", strings.Repeat("h", 2*webhook.ResponseHeaderMax))
			w.WriteHeader(http.StatusOK)
		}
	}))
	trickle.TLS = b.rcv.Server.TLS
	trickle.StartTLS()
	t.Cleanup(trickle.Close)
	send := func(path string) *webhook.Result {
		s, err := b.d.SubscriptionCreate(b.ctx, &webhook.SubscriptionCreateParams{OrganizationID: b.org, Name: path,
			URL: trickle.URL + path, Events: []string{webhook.EventJobCreated}, RetryPolicy: &pol})
		require.NoError(t, err)
		res, err := b.d.TestSend(b.ctx, b.org, s.ID, nil)
		require.NoError(t, err)
		return res
	}
	res := send("/trickle")
	require.Equal(t, 200, res.StatusCode)
	require.True(t, res.ResponseTruncated, "cut by the deadline: %d bytes", len(res.ResponseBody))
	require.Less(t, len(res.ResponseBody), 100)

	res = send("/headers")
	require.Zero(t, res.StatusCode, "no answer kept")
	require.Error(t, res.Err())
}
