package providers

import (
	"context"
	"crypto/tls"
	"net"
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

// EndpointCheck is what [CheckEndpoint] connects to.
type EndpointCheck struct {
	Host string
	Port int
	// TLS, if non-nil, runs the TLS stage with this configuration (its
	// ServerName defaults to Host). Nil skips the stage.
	TLS *tls.Config
	// Resolver resolves Host; nil means net.DefaultResolver.
	Resolver *net.Resolver
	// Now times the stages; nil means time.Now.
	Now func() time.Time
}

// CheckEndpoint runs the DNS, TCP and TLS stages against an endpoint and
// returns the result with the connection still open (nil if a stage failed)
// for the caller to run its authentication stage over. The caller closes it.
func CheckEndpoint(ctx context.Context, c *EndpointCheck) (*CheckResult, net.Conn) {
	res := &CheckResult{}
	var addrs []string
	res.Run(StageDNS, c.Now, func() (err error) {
		r := c.Resolver
		if r == nil {
			r = net.DefaultResolver
		}
		addrs, err = r.LookupHost(ctx, c.Host)
		return err
	})
	var conn net.Conn
	res.Run(StageTCP, c.Now, func() (err error) {
		var d net.Dialer
		conn, err = d.DialContext(ctx, "tcp", net.JoinHostPort(addrs[0], strconv.Itoa(c.Port)))
		return err
	})
	if c.TLS == nil {
		res.Skip(StageTLS)
		return res, conn
	}
	res.Run(StageTLS, c.Now, func() error {
		cfg := c.TLS.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = c.Host
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
