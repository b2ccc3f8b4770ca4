package s3test

import (
	"encoding/xml"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/require"
)

// The server's region and credentials.
const (
	// Region is the region requests must be signed for.
	Region = "us-east-1"
	// Bucket is the bucket created when [Config.Buckets] is empty.
	Bucket = "intime-documents"
	// SecretKey is the secret of every access key below.
	SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	// AccessKey is served normally.
	AccessKey = "AKIAIOSFODNN7EXAMPLE"
	// AccessKeySlowDown is answered 503 SlowDown (S3's throttling).
	AccessKeySlowDown = "AKIAINTIMESLOWDOWN01"
	// AccessKeyTooMany is answered 429 with Retry-After: [RetryAfterSeconds].
	AccessKeyTooMany = "AKIAINTIMETOOMANY001"
	// AccessKeyDown is answered 503 ServiceUnavailable.
	AccessKeyDown = "AKIAINTIMEDOWN000001"
	// AccessKeyDenied is answered 403 AccessDenied.
	AccessKeyDenied = "AKIAINTIMEDENIED0001"
	// RetryAfterSeconds is the Retry-After sent to [AccessKeyTooMany].
	RetryAfterSeconds = 7
)

// faults are the answers of the fault access keys.
var faults = map[string]s3Error{
	AccessKeySlowDown: {http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate."},
	AccessKeyTooMany:  {http.StatusTooManyRequests, "TooManyRequests", "Please reduce your request rate."},
	AccessKeyDown:     {http.StatusServiceUnavailable, "ServiceUnavailable", "Service is unable to handle request."},
	AccessKeyDenied:   {http.StatusForbidden, "AccessDenied", "Access Denied"},
}

// Config configures a [Server]. The zero value is ready to use.
type Config struct {
	// Buckets are created at start. Empty means one, [Bucket].
	Buckets []string
	// Versioning turns on versioning in every bucket, so that a test can
	// count how many times an object was written ([Server.Versions]).
	Versioning bool
	// HostBucketBase, if set, also routes virtual-hosted requests: a Host
	// of "bucket.<HostBucketBase>:<port>" addresses bucket.
	HostBucketBase string
	// Now is the server's clock for signature times and presigned URL
	// expiry. Nil means time.Now.
	Now func() time.Time
}

// Server is an S3-compatible server listening on a loopback port.
type Server struct {
	// URL is the endpoint, "http://127.0.0.1:port".
	URL string

	addr     string
	backend  *s3mem.Backend
	handler  http.Handler
	now      func() time.Time
	requests atomic.Int64

	mu   sync.Mutex
	srv  *http.Server
	done chan struct{}
}

// New starts a server; the test's cleanup stops it.
func New(t testing.TB, cfg *Config) *Server {
	t.Helper()
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if len(c.Buckets) == 0 {
		c.Buckets = []string{Bucket}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	s := &Server{backend: s3mem.New(), now: c.Now}
	for _, b := range c.Buckets {
		require.NoError(t, s.backend.CreateBucket(b))
		if c.Versioning {
			require.NoError(t, s.backend.SetVersioningConfiguration(b,
				gofakes3.VersioningConfiguration{Status: gofakes3.VersioningEnabled}))
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s.addr = l.Addr().String()
	s.URL = "http://" + s.addr
	opts := []gofakes3.Option{gofakes3.WithTimeSkewLimit(0), gofakes3.WithLogger(gofakes3.DiscardLog())}
	if c.HostBucketBase != "" {
		_, port, _ := net.SplitHostPort(s.addr)
		opts = append(opts, gofakes3.WithHostBucketBase(c.HostBucketBase+":"+port))
	}
	fake := gofakes3.New(s.backend, opts...)
	s.handler = s.authenticate(fake.Server())
	s.serve(l)
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) serve(l net.Listener) {
	s.srv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	s.done = make(chan struct{})
	go func(srv *http.Server, done chan struct{}) {
		defer close(done)
		_ = srv.Serve(l)
	}(s.srv, s.done)
}

// Stop closes the listener and every open connection: clients get
// connection refused until [Server.Start]. Stopping a stopped server does
// nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv == nil {
		return
	}
	_ = s.srv.Close()
	<-s.done
	s.srv = nil
}

// Start listens again on the server's address, with the objects it had.
func (s *Server) Start(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return
	}
	l, err := net.Listen("tcp", s.addr)
	require.NoError(t, err, "listen again on %s", s.addr)
	s.serve(l)
}

// Requests returns how many requests the server has received.
func (s *Server) Requests() int64 { return s.requests.Load() }

// Objects returns the bucket's current objects by key.
func (s *Server) Objects(t testing.TB, bucket string) map[string][]byte {
	t.Helper()
	list, err := s.backend.ListBucket(bucket, nil, gofakes3.ListBucketPage{})
	require.NoError(t, err)
	out := make(map[string][]byte, len(list.Contents))
	for _, c := range list.Contents {
		obj, err := s.backend.GetObject(bucket, c.Key, nil)
		require.NoError(t, err)
		b, err := io.ReadAll(obj.Contents)
		_ = obj.Contents.Close()
		require.NoError(t, err)
		out[c.Key] = b
	}
	return out
}

// Versions returns how many versions of each key the bucket holds (with
// [Config.Versioning], how many times each was written).
func (s *Server) Versions(t testing.TB, bucket string) map[string]int {
	t.Helper()
	res, err := s.backend.ListBucketVersions(bucket, nil, nil)
	require.NoError(t, err)
	out := map[string]int{}
	for _, v := range res.Versions {
		if ver, ok := v.(*gofakes3.Version); ok {
			out[ver.Key]++
		}
	}
	return out
}

// authenticate verifies each request's Signature Version 4 before next
// serves it, and answers the fault access keys.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		if e := s.check(r); e != nil {
			writeError(w, e)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) check(r *http.Request) *s3Error {
	body, err := readBody(r)
	if err != nil {
		return &s3Error{http.StatusBadRequest, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header."}
	}
	sig, e := parseAuth(r)
	if e != nil {
		return e
	}
	if _, known := faults[sig.accessKey]; !known && sig.accessKey != AccessKey {
		return &s3Error{http.StatusForbidden, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."}
	}
	if e := sig.verify(r, body, SecretKey, Region, s.now()); e != nil {
		return e
	}
	if f, ok := faults[sig.accessKey]; ok {
		return &f
	}
	return nil
}

// writeError writes S3's XML error body.
func writeError(w http.ResponseWriter, e *s3Error) {
	body, err := xml.Marshal(struct {
		XMLName   xml.Name `xml:"Error"`
		Code      string   `xml:"Code"`
		Message   string   `xml:"Message"`
		RequestID string   `xml:"RequestId"`
	}{Code: e.Code, Message: e.Message, RequestID: "s3test"})
	if err != nil {
		panic(errors.Join(errors.New("s3test: encode error"), err))
	}
	w.Header().Set("Content-Type", "application/xml")
	if e.Status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfterSeconds))
	}
	w.WriteHeader(e.Status)
	_, _ = w.Write(append([]byte(xml.Header), body...))
}
