package testkit

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sync"
)

// Request is a request a fake service received.
type Request struct {
	Method, Path string
	// Query is the query decoded; RawQuery as sent.
	Query    url.Values
	RawQuery string
	Header   http.Header
	// Auth is the Authorization header.
	Auth string
	// Body is a JSON object body decoded; nil for none or another body.
	Body map[string]any
	// Status is the answer's status code, set once the handler returns.
	Status int
}

// Recorder records the requests a fake service receives, for tests to
// check their wire form. A fake embeds it and wraps its handler with
// [Recorder.Record]. The zero value is ready to use; it is safe for
// concurrent use.
type Recorder struct {
	// Forget keeps nothing, so that a benchmark does not measure the
	// fake's own growth. Set it before requests arrive.
	Forget bool

	mu   sync.Mutex
	reqs []*Request
}

// Record returns next recording each request: its method, path, query,
// headers and JSON body as it arrives (the body stays readable for next),
// and its status once next returns.
func (rc *Recorder) Record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rc.Forget {
			next.ServeHTTP(w, r)
			return
		}
		req := &Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), RawQuery: r.URL.RawQuery,
			Header: r.Header.Clone(), Auth: r.Header.Get("Authorization")}
		if b, _ := io.ReadAll(r.Body); len(b) > 0 {
			_ = json.Unmarshal(b, &req.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, req)
		rc.mu.Unlock()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			rc.mu.Lock()
			req.Status = sw.status
			rc.mu.Unlock()
		}()
		next.ServeHTTP(sw, r)
	})
}

// Requests returns the requests received so far, oldest first.
func (rc *Recorder) Requests() []Request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := make([]Request, len(rc.reqs))
	for i, r := range rc.reqs {
		out[i] = *r
	}
	return out
}

// Last returns the last request received; it panics if there was none.
func (rc *Recorder) Last() Request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return *rc.reqs[len(rc.reqs)-1]
}

// Count returns how many requests were received.
func (rc *Recorder) Count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.reqs)
}

// statusWriter keeps the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
