package webhooktest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Header names the receiver reads (mirroring the webhook package).
const (
	headerDelivery = "X-InTime-Delivery"
	headerEvent    = "X-InTime-Event"
)

// Response is what the receiver answers to one request.
type Response struct {
	// Status is the HTTP status; 0 means 200.
	Status int
	// Header is added to the response.
	Header http.Header
	// Body is the response body; empty means {"status":"received"}.
	Body string
	// Delay holds the answer back (to make the sender time out); it ends
	// early when the sender gives up.
	Delay time.Duration
}

// OK answers 200.
func OK() Response { return Response{Status: http.StatusOK} }

// Fail answers with status (a 5xx, say).
func Fail(status int) Response {
	return Response{Status: status, Body: `{"error":"failing on purpose"}`}
}

// Gone answers 410, which makes the sender disable the subscription.
func Gone() Response { return Response{Status: http.StatusGone} }

// TooMany answers 429 with a Retry-After of retryAfter in whole seconds,
// rounded up (Retry-After has no fractions; 500 ms asks for 1 s, not 0).
func TooMany(retryAfter time.Duration) Response {
	h := http.Header{}
	h.Set("Retry-After", strconv.Itoa(int((retryAfter+time.Second-1)/time.Second)))
	return Response{Status: http.StatusTooManyRequests, Header: h}
}

// Timeout holds the answer back for d.
func Timeout(d time.Duration) Response { return Response{Delay: d} }

// Request is one request the receiver recorded.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
	// DeliveryID is the X-InTime-Delivery header, Event the X-InTime-Event.
	DeliveryID string
	Event      string
	ReceivedAt time.Time
	// Status is what the receiver answered.
	Status int
}

// Receiver is an HTTPS endpoint that records every request and answers as
// told: by default 200, or the queued responses in order. It is safe for
// concurrent use.
type Receiver struct {
	// URL is the server's base URL (https://127.0.0.1:port).
	URL string
	// Server is the underlying test server.
	Server *httptest.Server

	mu       sync.Mutex
	reqs     []*Request
	queue    []Response
	def      Response
	inFlight map[string]int
	ids      map[string]int
	overlaps int
	active   int
	peak     int
	changed  chan struct{}
	record   bool
}

// NewReceiver starts a TLS receiver, closed when the test ends. With a nil
// t (a program, an example) the caller closes it with [Receiver.Close].
func NewReceiver(t testing.TB) *Receiver {
	r := &Receiver{inFlight: map[string]int{}, ids: map[string]int{}, changed: make(chan struct{}), record: true}
	r.Server = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
	r.Server.EnableHTTP2 = true
	r.Server.StartTLS()
	r.URL = r.Server.URL
	if t != nil {
		t.Cleanup(r.Close)
	}
	return r
}

// Close stops the server.
func (r *Receiver) Close() {
	r.Server.CloseClientConnections()
	r.Server.Close()
}

// SetRecordBodies chooses whether bodies and headers are kept (default
// true); benchmarks turn it off.
func (r *Receiver) SetRecordBodies(on bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.record = on
}

// TLSConfig returns a client TLS configuration that trusts the receiver.
func (r *Receiver) TLSConfig() *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(r.Server.Certificate())
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

// CertificatePEM returns the receiver's certificate in PEM form, for a
// child process that must trust it.
func (r *Receiver) CertificatePEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: r.Server.Certificate().Raw})
}

// AllowAddrs are the loopback ranges a sender must allow to reach the
// receiver past an SSRF guard.
func (r *Receiver) AllowAddrs() []netip.Prefix {
	return []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}

// Enqueue sets the next responses, used in order before the default.
func (r *Receiver) Enqueue(rs ...Response) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queue = append(r.queue, rs...)
}

// FailTimes answers the next n requests with status.
func (r *Receiver) FailTimes(n, status int) {
	for range n {
		r.Enqueue(Fail(status))
	}
}

// SetDefault sets the response used when the queue is empty.
func (r *Receiver) SetDefault(resp Response) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.def = resp
}

func (r *Receiver) next() (Response, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.queue) > 0 {
		resp := r.queue[0]
		r.queue = r.queue[1:]
		return resp, r.record
	}
	return r.def, r.record
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	id := req.Header.Get(headerDelivery)
	r.enter(id)
	defer r.leave(id)
	resp, record := r.next()
	if resp.Delay > 0 {
		t := time.NewTimer(resp.Delay)
		select {
		case <-t.C:
		case <-req.Context().Done():
			t.Stop()
		}
	}
	status := resp.Status
	if status == 0 {
		status = http.StatusOK
	}
	rec := &Request{Method: req.Method, URL: req.URL.String(), DeliveryID: id, Event: req.Header.Get(headerEvent),
		ReceivedAt: time.Now(), Status: status}
	if record {
		rec.Header, rec.Body = req.Header.Clone(), body
	}
	r.add(rec)
	writeResponse(w, resp, status)
}

func writeResponse(w http.ResponseWriter, resp Response, status int) {
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	body := resp.Body
	if body == "" {
		body = `{"status":"received"}`
	}
	_, _ = io.WriteString(w, body)
}

func (r *Receiver) enter(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.active++
	r.peak = max(r.peak, r.active)
	if id == "" {
		return
	}
	r.inFlight[id]++
	if r.inFlight[id] > 1 {
		r.overlaps++
	}
}

func (r *Receiver) leave(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.active--
	if id == "" {
		return
	}
	if r.inFlight[id]--; r.inFlight[id] == 0 {
		delete(r.inFlight, id)
	}
}

func (r *Receiver) add(rec *Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, rec)
	r.ids[rec.DeliveryID]++
	close(r.changed)
	r.changed = make(chan struct{})
}

// Requests returns the recorded requests in arrival order.
func (r *Receiver) Requests() []*Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*Request(nil), r.reqs...)
}

// Count returns how many requests arrived.
func (r *Receiver) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

// CountByDelivery returns how many requests arrived per delivery ID.
func (r *Receiver) CountByDelivery() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.ids))
	for k, v := range r.ids {
		out[k] = v
	}
	return out
}

// Overlaps returns how many requests arrived while another request with
// the same delivery ID was still being answered: a delivery attempted
// twice at once.
func (r *Receiver) Overlaps() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.overlaps
}

// InFlight returns how many requests are being answered now.
func (r *Receiver) InFlight() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.active
}

// MaxInFlight returns the most requests that were answered at once.
func (r *Receiver) MaxInFlight() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.peak
}

// Wait blocks until at least n requests have been answered (a request held
// back by [Timeout] counts once its answer is written) or ctx ends, and
// reports whether they were. A nil ctx reports false at once.
func (r *Receiver) Wait(ctx context.Context, n int) bool {
	if ctx == nil {
		return false
	}
	for {
		r.mu.Lock()
		got, ch := len(r.reqs), r.changed
		r.mu.Unlock()
		if got >= n {
			return true
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return false
		}
	}
}

// WaitDeliveries blocks until n distinct delivery IDs have arrived or ctx
// ends, and reports whether they did. A nil ctx reports false at once.
func (r *Receiver) WaitDeliveries(ctx context.Context, n int) bool {
	if ctx == nil {
		return false
	}
	for {
		r.mu.Lock()
		got, ch := len(r.ids), r.changed
		r.mu.Unlock()
		if got >= n {
			return true
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return false
		}
	}
}
