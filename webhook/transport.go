package webhook

import (
	"cmp"
	"crypto/tls"
	"net"
	"net/http"
	"net/netip"
	"time"
)

// ResponseHeaderMax is the most response header bytes the default
// transport accepts: 64 KiB. A larger answer fails the attempt.
const ResponseHeaderMax = 64 << 10

// TransportOpts configure [NewTransport]; nil means all defaults.
type TransportOpts struct {
	// AllowAddrs are ranges the SSRF guard lets through (development and
	// tests); nil refuses every non-global address.
	AllowAddrs []netip.Prefix
	// TLSConfig is cloned into the transport; nil means the system roots.
	TLSConfig *tls.Config
	// MaxConnsPerHost caps connections per endpoint host (default 0, no
	// cap: the per-subscription limit already bounds them).
	MaxConnsPerHost int
	// MaxIdleConnsPerHost is how many kept-alive connections to one
	// endpoint host stay open between attempts (default 64). Below the
	// number of attempts in flight to one host, HTTP/1.1 endpoints would
	// see connections closed and dialed again (TCP and TLS handshakes) all
	// the time; [Config.WithDefaults] makes it at least Config.Workers.
	MaxIdleConnsPerHost int
}

// NewTransport returns an HTTP transport for webhook deliveries with the
// SSRF guard in its dialer: after DNS resolution, every address about to be
// dialed is checked, and loopback, private, link-local, CGNAT, multicast,
// metadata and other non-global addresses are refused unless opts.AllowAddrs
// admits them. It never uses a proxy (a proxy would dial for us, unguarded).
func NewTransport(opts *TransportOpts) *http.Transport {
	if opts == nil {
		opts = &TransportOpts{}
	}
	dialer := &net.Dialer{
		Timeout:   10 * time.Second,
		KeepAlive: 30 * time.Second,
		Control:   guardControl(opts.AllowAddrs),
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          max(256, opts.MaxIdleConnsPerHost),
		MaxIdleConnsPerHost:   cmp.Or(opts.MaxIdleConnsPerHost, 64),
		MaxConnsPerHost:       opts.MaxConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		ResponseHeaderTimeout: 0,
		// Response headers are kept in the history like the body, which
		// is cut at 64 KiB: an endpoint may not send more (Go's default
		// is 10 MiB, per attempt). HTTP/2 takes the same limit.
		MaxResponseHeaderBytes: ResponseHeaderMax,
	}
	if opts.TLSConfig != nil {
		tr.TLSClientConfig = opts.TLSConfig.Clone()
	}
	// No HPACK dynamic table for requests: the signatures, IDs and
	// timestamps are new in every request, so indexing them only evicts
	// entries on both ends (the encoder's eviction was a tenth of the
	// dispatcher's CPU), and the few constant headers would save some 60
	// bytes a request. A limit of 1 byte indexes nothing.
	tr.HTTP2 = &http.HTTP2Config{MaxEncoderHeaderTableSize: 1}
	return tr
}

// newClient wraps rt in a client that never follows redirects: a 3xx is the
// endpoint's answer, recorded as a failure.
func newClient(rt http.RoundTripper) *http.Client {
	return &http.Client{
		Transport: rt,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
