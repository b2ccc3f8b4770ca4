package providers

import (
	"cmp"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/intimeos/integrations/retry"
)

// StageName names a connection test stage.
type StageName string

// The stages of a connection test, in order.
const (
	StageDNS  StageName = "dns"
	StageTCP  StageName = "tcp"
	StageTLS  StageName = "tls"
	StageAuth StageName = "auth"
)

// StageStatus is a stage's outcome.
type StageStatus string

// The stage outcomes.
const (
	StagePassed  StageStatus = "passed"
	StageFailed  StageStatus = "failed"
	StageSkipped StageStatus = "skipped" // not run because an earlier stage failed, or not applicable
)

// Stage is one step of a connection test.
type Stage struct {
	Name     StageName
	Status   StageStatus
	Duration time.Duration
	// Class is the failure's class (timeout, dns, tls, ...); ClassNone when
	// the stage passed. Authentication failures are ClassClientError.
	Class retry.Class
	// Message is the failure's message, for administrators.
	Message string
}

// CheckResult is a connection test's stages in order.
type CheckResult struct {
	Stages []Stage
}

// OK reports whether no stage failed.
func (r *CheckResult) OK() bool {
	for _, s := range r.Stages {
		if s.Status == StageFailed {
			return false
		}
	}
	return true
}

// Failed returns the first failed stage, or nil.
func (r *CheckResult) Failed() *Stage {
	for i := range r.Stages {
		if r.Stages[i].Status == StageFailed {
			return &r.Stages[i]
		}
	}
	return nil
}

// Run runs a stage unless an earlier one failed (then it is skipped), times
// it with now, and appends it. fn returns nil when the stage passes.
func (r *CheckResult) Run(name StageName, now func() time.Time, fn func() error) {
	if now == nil {
		now = time.Now
	}
	if r.Failed() != nil {
		r.Stages = append(r.Stages, Stage{Name: name, Status: StageSkipped})
		return
	}
	start := now()
	err := fn()
	st := Stage{Name: name, Status: StagePassed, Duration: now().Sub(start)}
	if err != nil {
		st.Status, st.Class, st.Message = StageFailed, AsError(err).RetryClass(), err.Error()
	}
	r.Stages = append(r.Stages, st)
}

// Skip appends a skipped stage.
func (r *CheckResult) Skip(name StageName) {
	r.Stages = append(r.Stages, Stage{Name: name, Status: StageSkipped})
}

// EndpointCheck is what [CheckEndpoint] connects to: a URL, or a host and
// port.
type EndpointCheck struct {
	// URL, if set, is the endpoint: Host and Port come from it (the URL's
	// port, or 443 for https and 80 for http), and an https URL runs the
	// TLS stage (with a TLS 1.2 minimum when TLS is nil). An http URL runs
	// it only if TLS is set.
	URL string
	// Host and Port are the endpoint when URL is empty. Port zero means 443
	// when TLS is set, 80 otherwise.
	Host string
	Port int
	// TLS, if non-nil, runs the TLS stage with this configuration (its
	// ServerName defaults to Host). Nil skips the stage, except for an
	// https URL.
	TLS *tls.Config
	// Resolver resolves Host; nil means net.DefaultResolver.
	Resolver *net.Resolver
	// Dial opens the TCP connection; nil means a net.Dialer's DialContext.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Now times the stages; nil means time.Now.
	Now func() time.Time
}

// endpoint returns the host, port and TLS configuration to check.
func (c *EndpointCheck) endpoint() (host string, port int, cfg *tls.Config, err error) {
	if c.URL == "" {
		port = c.Port
		if port == 0 {
			port = 80
			if c.TLS != nil {
				port = 443
			}
		}
		return c.Host, port, c.TLS, nil
	}
	u, perr := url.Parse(c.URL)
	if perr != nil || u.Hostname() == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", 0, nil, retry.WithClass(fmt.Errorf("providers: endpoint %q is not an http(s) URL", c.URL), retry.ClassClientError)
	}
	port, _ = strconv.Atoi(u.Port())
	cfg = c.TLS
	if u.Scheme == "https" {
		port = cmp.Or(port, 443)
		if cfg == nil {
			cfg = &tls.Config{MinVersion: tls.VersionTLS12}
		}
	}
	return u.Hostname(), cmp.Or(port, 80), cfg, nil
}

// CheckEndpoint runs the DNS, TCP and TLS stages against an endpoint and
// returns the result with the connection still open (nil if a stage failed)
// for the caller to run its authentication stage over. The caller closes it.
// An invalid URL fails the DNS stage.
func CheckEndpoint(ctx context.Context, c *EndpointCheck) (*CheckResult, net.Conn) {
	res := &CheckResult{}
	host, port, tlsCfg, err := c.endpoint()
	var addrs []string
	res.Run(StageDNS, c.Now, func() error {
		if err != nil {
			return err
		}
		r := c.Resolver
		if r == nil {
			r = net.DefaultResolver
		}
		addrs, err = r.LookupHost(ctx, host)
		return err
	})
	var conn net.Conn
	res.Run(StageTCP, c.Now, func() (err error) {
		dial := c.Dial
		if dial == nil {
			dial = (&net.Dialer{}).DialContext
		}
		conn, err = dial(ctx, "tcp", net.JoinHostPort(addrs[0], strconv.Itoa(port)))
		return err
	})
	if tlsCfg == nil {
		res.Skip(StageTLS)
		return res, conn
	}
	res.Run(StageTLS, c.Now, func() error {
		cfg := tlsCfg.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = host
		}
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return tlsError(err)
		}
		conn = tc
		return nil
	})
	if res.Failed() != nil && conn != nil {
		_ = conn.Close()
		conn = nil
	}
	return res, conn
}

// tlsError keeps a handshake failure classified as TLS unless it timed out
// or was canceled.
func tlsError(err error) error {
	switch retry.ClassifyError(err).Class {
	case retry.ClassTimeout, retry.ClassCanceled, retry.ClassTLS:
		return err
	}
	return retry.WithClass(err, retry.ClassTLS)
}
