package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
)

// receiver is the loopback HTTPS endpoint every scenario posts to: it reads
// the body and answers 200, counting requests.
type receiver struct {
	*httptest.Server
	count atomic.Int64
	// done is closed once count reaches target.
	target int64
	done   chan struct{}
}

func newReceiver() *receiver {
	r := &receiver{done: make(chan struct{})}
	r.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, _ = io.Copy(io.Discard, req.Body)
		w.WriteHeader(http.StatusOK)
		if r.count.Add(1) == atomic.LoadInt64(&r.target) {
			close(r.done)
		}
	}))
	return r
}

// expect resets the count and makes wait return after n requests.
func (r *receiver) expect(n int) {
	r.count.Store(0)
	r.done = make(chan struct{})
	atomic.StoreInt64(&r.target, int64(n))
}

// wait waits for the expected requests.
func (r *receiver) wait(ctx context.Context) error {
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// tlsConfig trusts the receiver's certificate.
func (r *receiver) tlsConfig() *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(r.Certificate())
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

// allowAddrs admits the receiver's loopback address past the SDK's SSRF
// guard.
func (r *receiver) allowAddrs() []netip.Prefix {
	return []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}

// client is a keep-alive HTTP/1.1 client for the receiver, as the SDK's
// transport is.
func (r *receiver) client() *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: r.tlsConfig(), MaxIdleConnsPerHost: workers}}
}
