package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/webhook"
)

// independentInTime computes X-InTime-Signature from scratch.
func independentInTime(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// independentStandard computes a Standard Webhooks v1 signature from
// scratch: the key is the base64-decoded secret.
func independentStandard(t *testing.T, secret, id, ts string, body []byte) string {
	key, err := base64.StdEncoding.DecodeString(secret)
	require.NoError(t, err)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + ts + "." + string(body)))
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func TestGenerateSecret(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 100 {
		s, err := webhook.GenerateSecret()
		require.NoError(t, err)
		require.Len(t, s, 32)
		raw, err := base64.StdEncoding.DecodeString(s)
		require.NoError(t, err)
		require.Len(t, raw, 24)
		require.False(t, seen[s])
		seen[s] = true
	}
}

// TestSignaturesIndependent sends a real test delivery and checks every
// header against HMACs computed here, not by the package.
func TestSignaturesIndependent(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		clk := newClock()
		b := setup(t, be, &webhook.Config{Clock: clk.Now})
		s := b.subscribe(t, "signed", webhook.EventJobUpdated)
		res, err := b.d.TestSend(b.ctx, b.org, s.ID, &webhook.TestSendOpts{Event: webhook.EventJobUpdated})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Equal(t, `{"status":"received"}`, res.ResponseBody)

		req := b.rcv.Requests()[0]
		require.Equal(t, http.MethodPost, req.Method)
		require.Equal(t, "application/json", req.Header.Get("Content-Type"))
		require.Equal(t, webhook.EventJobUpdated, req.Header.Get("X-InTime-Event"))
		require.Equal(t, independentInTime(s.Secret, req.Body), req.Header.Get("X-InTime-Signature"))
		id, ts := req.Header.Get("webhook-id"), req.Header.Get("webhook-timestamp")
		require.Equal(t, "msg_"+req.Header.Get("X-InTime-Delivery"), id)
		require.Equal(t, strconv.FormatInt(clk.Now().Unix(), 10), ts)
		require.Equal(t, independentStandard(t, s.Secret, id, ts, req.Body), req.Header.Get("webhook-signature"))

		var p map[string]any
		require.NoError(t, json.Unmarshal(req.Body, &p))
		require.Equal(t, "job.updated", p["event"])
		require.Equal(t, "2024-12-04T10:30:00Z", p["timestamp"])
		require.Equal(t, "JOB-2024-1234", p["data"].(map[string]any)["job_id"])
		require.Equal(t, req.Header.Get("X-InTime-Signature"), res.RequestHeaders.Get("X-InTime-Signature"),
			"the result shows the headers sent")
	})
}

func TestVerify(t *testing.T) {
	t.Parallel()
	secret := "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0"
	body := []byte(`{"event":"job.created","timestamp":"2024-12-04T10:30:00Z","data":{}}`)
	now := time.Date(2024, 12, 4, 10, 30, 0, 0, time.UTC)
	ts := strconv.FormatInt(now.Unix(), 10)
	std := func(sig, stamp string) http.Header {
		h := http.Header{}
		h.Set("webhook-id", "msg_1")
		h.Set("webhook-timestamp", stamp)
		h.Set("webhook-signature", sig)
		return h
	}
	good := independentStandard(t, secret, "msg_1", ts, body)
	inTime := func(sig string) http.Header {
		h := http.Header{}
		h.Set("X-InTime-Signature", sig)
		return h
	}
	opts := &webhook.VerifyOpts{Now: func() time.Time { return now }}
	tests := []struct {
		name   string
		header http.Header
		opts   *webhook.VerifyOpts
		body   []byte
		want   error
	}{
		{"standard ok", std(good, ts), opts, body, nil},
		{"standard one of several", std("v1,AAAA "+good, ts), opts, body, nil},
		{"standard whsec", std(good, ts), opts, body, nil},
		{"standard tampered body", std(good, ts), opts, []byte(`{}`), webhook.ErrInvalidSignature},
		{"standard old", std(good, ts), &webhook.VerifyOpts{Now: func() time.Time { return now.Add(6 * time.Minute) }}, body, webhook.ErrTimestamp},
		{"standard future", std(good, ts), &webhook.VerifyOpts{Now: func() time.Time { return now.Add(-6 * time.Minute) }}, body, webhook.ErrTimestamp},
		{"standard within tolerance", std(good, ts), &webhook.VerifyOpts{Now: func() time.Time { return now.Add(4 * time.Minute) }}, body, nil},
		{"standard bad timestamp", std(good, "soon"), opts, body, webhook.ErrTimestamp},
		{"standard signed timestamp", std(good, "+"+ts), opts, body, webhook.ErrTimestamp},
		{"standard second header line", func() http.Header {
			h := std("v1,AAAA", ts)
			h.Add("webhook-signature", good)
			return h
		}(), opts, body, nil},
		{"intime ok", inTime(independentInTime(secret, body)), opts, body, nil},
		{"intime wrong", inTime(independentInTime("other", body)), opts, body, webhook.ErrInvalidSignature},
		{"intime list", inTime("sha256=00, " + independentInTime(secret, body)), opts, body, nil},
		{"none", http.Header{}, opts, body, webhook.ErrNoSignature},
		{"pinned standard missing", inTime(independentInTime(secret, body)), &webhook.VerifyOpts{Scheme: webhook.SchemeStandard, Now: opts.Now}, body, webhook.ErrNoSignature},
		{"pinned intime", std(good, ts), &webhook.VerifyOpts{Scheme: webhook.SchemeInTime, Now: opts.Now}, body, webhook.ErrNoSignature},
		// A header that is there but cannot be read is malformed, not
		// missing.
		{"standard without id", func() http.Header { h := std(good, ts); h.Del("webhook-id"); return h }(), opts, body, webhook.ErrMalformedSignature},
		{"standard garbage", std("garbage", ts), opts, body, webhook.ErrMalformedSignature},
		{"standard no base64", std("v1,@@@@ v1,", ts), opts, body, webhook.ErrMalformedSignature},
		{"intime garbage", inTime("garbage"), opts, body, webhook.ErrMalformedSignature},
		{"intime empty", inTime(""), opts, body, webhook.ErrMalformedSignature},
		{"intime short hex", inTime("sha256=00"), opts, body, webhook.ErrMalformedSignature},
		{"intime not hex", inTime("sha256=" + strings.Repeat("zz", 32)), opts, body, webhook.ErrMalformedSignature},
		{"standard unknown version", std("v9,AAAA", ts), opts, body, webhook.ErrInvalidSignature},
	}
	for _, tt := range tests {
		err := webhook.Verify(secret, tt.header, tt.body, tt.opts)
		if tt.want == nil {
			require.NoError(t, err, tt.name)
			continue
		}
		require.ErrorIs(t, err, tt.want, tt.name)
		for _, other := range []error{webhook.ErrNoSignature, webhook.ErrMalformedSignature, webhook.ErrInvalidSignature} {
			if other != tt.want {
				require.NotErrorIs(t, err, other, tt.name)
			}
		}
	}
	err := webhook.Verify(secret, std("garbage", ts), body, opts)
	require.EqualError(t, err, "webhook: malformed signature header: Webhook-Signature has no entry of the form v1,<base64>")
	require.NoError(t, webhook.Verify("whsec_"+secret, std(good, ts), body, opts), "whsec_ prefix accepted")
	for _, empty := range []string{"", "whsec_"} {
		// Anyone can sign with an empty key; an unset secret must not pass.
		forged := inTime(independentInTime("", body))
		require.ErrorIs(t, webhook.Verify(empty, forged, body, opts), webhook.ErrEmptySecret, "secret %q", empty)
	}
	require.True(t, strings.HasPrefix(webhook.SignatureInTime(secret, body), "sha256="))
}

func FuzzVerify(f *testing.F) {
	secret := "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0"
	now := time.Unix(1733308200, 0)
	f.Add("msg_1", "1733308200", "v1,abc", "sha256=00", []byte(`{"event":"job.created"}`))
	f.Add("", "", "", "", []byte{})
	f.Fuzz(func(t *testing.T, id, ts, stdSig, inSig string, body []byte) {
		h := http.Header{}
		h.Set("webhook-id", id)
		h.Set("webhook-timestamp", ts)
		h.Set("webhook-signature", stdSig)
		h.Set("X-InTime-Signature", inSig)
		opts := &webhook.VerifyOpts{Now: func() time.Time { return now }}
		// Arbitrary input never panics and never verifies by accident.
		if err := webhook.Verify(secret, h, body, opts); err == nil {
			tsv, _ := strconv.ParseInt(ts, 10, 64)
			require.Contains(t, strings.Fields(stdSig), webhook.SignatureStandard(secret, id, tsv, body))
		}
		h.Del("webhook-signature")
		if err := webhook.Verify(secret, h, body, opts); err == nil {
			require.Contains(t, inSig, webhook.SignatureInTime(secret, body))
		}
		// A correctly signed request always verifies.
		tsv := now.Unix()
		h.Set("webhook-timestamp", strconv.FormatInt(tsv, 10))
		h.Set("webhook-signature", webhook.SignatureStandard(secret, id, tsv, body))
		if id != "" && strings.TrimSpace(id) == id {
			require.NoError(t, webhook.Verify(secret, h, body, opts))
		}
	})
}
