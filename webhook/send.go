package webhook

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// ResponseBodyMax is how much of a response body is kept: 64 KiB. Longer
// bodies are cut and flagged as truncated.
const ResponseBodyMax = 64 << 10

// drainMax is how much more of a response is read (and discarded) so that
// the connection can be reused; after a longer body the connection is
// closed instead.
const drainMax = 256 << 10

// attempt is one HTTP delivery to make.
type attempt struct {
	webhook   *storage.Webhook
	eventID   uuid.UUID
	eventType string
	number    int
	payload   []byte
	timeout   time.Duration
}

// Result is what one attempt sent and received.
type Result struct {
	// URL is where it was sent.
	URL string
	// RequestHeaders are the headers the dispatcher set, signatures
	// included; the HTTP client adds Host, Content-Length and
	// Accept-Encoding (a gzip answer is stored decompressed).
	RequestHeaders http.Header
	// StatusCode is the response status, 0 when there was no response.
	StatusCode      int
	ResponseHeaders http.Header
	// ResponseBody is the response's first 64 KiB, as valid UTF-8.
	ResponseBody string
	// ResponseTruncated reports a body longer than that, or one whose
	// reading failed part way (the attempt's deadline, a reset).
	ResponseTruncated bool
	// Duration is from sending the request to reading the body.
	Duration time.Duration
	// SentAt is when the request was sent.
	SentAt time.Time
	// Outcome is the retry classification; Outcome.Class is ClassNone
	// for a 2xx response.
	Outcome retry.Outcome
}

// OK reports a 2xx response.
func (r *Result) OK() bool { return r.Outcome.Class == retry.ClassNone }

// Err returns nil for a 2xx response, else a *DeliveryError describing
// the failure ("Webhook endpoint returned error: 503").
func (r *Result) Err() error {
	if r.OK() {
		return nil
	}
	id, _ := uuid.Parse(r.RequestHeaders.Get(HeaderDelivery))
	n, _ := strconv.Atoi(r.RequestHeaders.Get(HeaderAttempt))
	return &DeliveryError{EventID: id, Attempt: n, StatusCode: r.StatusCode, Class: r.Outcome.Class,
		RetryAfter: r.Outcome.RetryAfter, Err: r.Outcome.Err}
}

// send makes one attempt. It never returns an error: failures are in the
// Result's Outcome.
func (d *Dispatcher) send(ctx context.Context, a *attempt) *Result {
	sentAt := d.now()
	hdr := signedHeaders(a.eventType, a.eventID, a.number, sentAt, a.payload, liveSecrets(a.webhook, sentAt))
	res := &Result{URL: a.webhook.URL, RequestHeaders: hdr, SentAt: sentAt}
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.webhook.URL, bytes.NewReader(a.payload))
	if err != nil {
		res.Outcome = retry.Outcome{Class: retry.ClassPermanent, Err: retry.Permanent(err)}
		return res
	}
	req.Header = hdr // a RoundTripper must not change it, so it stays what was sent
	start := time.Now()
	resp, err := d.client.Do(req)
	if err == nil {
		// The status decides; a body cut short by the deadline is kept
		// as far as it was read.
		res.StatusCode, res.ResponseHeaders = resp.StatusCode, resp.Header
		res.ResponseBody, res.ResponseTruncated, _ = readBody(resp.Body)
	}
	res.Duration = time.Since(start)
	res.Outcome = classify(resp, err, d.now())
	return res
}

// classify maps a round trip to an outcome: 2xx success, 3xx a failure that
// is never retried, then as [retry.ClassifyResponse]. An attempt that
// timed out while its caller's context lives is a timeout.
func classify(resp *http.Response, err error, now time.Time) retry.Outcome {
	if err != nil {
		return retry.ClassifyError(err)
	}
	o := retry.ClassifyResponse(resp, nil, now)
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		o.Class = retry.ClassPermanent
	}
	return o
}

// readBody reads up to ResponseBodyMax bytes, drains a little more, and
// closes the body. It returns the text to store (see storableText) and
// whether it was cut. A read error after some bytes still keeps them.
func readBody(body io.ReadCloser) (string, bool, error) {
	defer body.Close()
	buf, err := io.ReadAll(io.LimitReader(body, ResponseBodyMax+1))
	truncated := len(buf) > ResponseBodyMax
	if truncated {
		buf = buf[:ResponseBodyMax]
		_, _ = io.CopyN(io.Discard, body, drainMax)
	}
	text, cut := storableText(buf)
	if err != nil && !errors.Is(err, io.EOF) {
		return text, true, err // cut short (the deadline, a reset): not the whole body
	}
	return text, truncated || cut, nil
}

// storableText makes a body storable in a TEXT column (see validText), cut
// at a character boundary to at most ResponseBodyMax bytes. It reports
// whether it cut.
func storableText(b []byte) (string, bool) {
	s := validText(string(b))
	if len(s) <= ResponseBodyMax {
		return s, false
	}
	n := ResponseBodyMax
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}

// validText returns s as valid UTF-8 without NUL bytes, which PostgreSQL
// refuses in TEXT: each NUL and each invalid sequence becomes U+FFFD
// (three bytes).
func validText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}
