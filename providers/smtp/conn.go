package smtp

import (
	"context"
	"crypto/tls"
	"net"
	"strconv"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// session is one connection to an SMTP server, opened step by step so that
// Check can time each step as a stage. Every step returns the raw error;
// callers classify.
type session struct {
	cfg    *Config
	s      *settings
	ctx    context.Context
	conn   *ctxConn
	client *gosmtp.Client
	stop   func() bool // ends the close-on-cancel watch
	done   bool        // the exchange succeeded: say QUIT before closing
}

func (p *Provider) newSession(ctx context.Context, s *settings) *session {
	return &session{cfg: &p.cfg, s: s, ctx: ctx}
}

// dial opens the TCP connection to addr (the host, or one of its resolved
// addresses) and ties it to the context: its deadline caps every I/O
// deadline and its cancellation closes the connection.
func (ss *session) dial(addr string) error {
	d := net.Dialer{Timeout: ss.cfg.DialTimeout, Resolver: ss.cfg.Resolver}
	c, err := d.DialContext(ss.ctx, "tcp", net.JoinHostPort(addr, strconv.Itoa(ss.s.port)))
	if err != nil {
		return err
	}
	ss.conn = newCtxConn(ss.ctx, c, ss.cfg.CommandTimeout)
	ss.stop = context.AfterFunc(ss.ctx, func() { _ = c.Close() })
	return nil
}

// secure runs the port's security: implicit TLS on 465, STARTTLS on 587,
// nothing on 25. Afterwards the greeting and EHLO have been read.
func (ss *session) secure() error {
	cfg := &tls.Config{ServerName: ss.s.host, RootCAs: ss.s.roots, MinVersion: tls.VersionTLS12}
	switch ss.s.port {
	case PortImplicitTLS:
		tc := tls.Client(ss.conn, cfg)
		if err := tc.HandshakeContext(ss.ctx); err != nil {
			return err
		}
		ss.client = ss.newClient(tc)
	case PortSubmission:
		// go-smtp's EHLO before STARTTLS says "localhost"; the one after
		// it, which matters, says LocalName.
		c, err := gosmtp.NewClientStartTLS(ss.conn, cfg)
		if err != nil {
			if providers.AsError(err).RetryClass() == retry.ClassUnknown {
				return retry.WithClass(errNoStartTLS, retry.ClassTLS) // no STARTTLS extension
			}
			return err
		}
		ss.client = ss.configure(c)
	default:
		ss.client = ss.newClient(ss.conn)
	}
	return ss.client.Noop() // greeting and EHLO, over TLS when there is TLS
}

func (ss *session) newClient(c net.Conn) *gosmtp.Client {
	return ss.configure(gosmtp.NewClient(c))
}

func (ss *session) configure(c *gosmtp.Client) *gosmtp.Client {
	c.CommandTimeout = ss.cfg.CommandTimeout
	c.SubmissionTimeout = ss.cfg.CommandTimeout
	_ = c.Hello(ss.cfg.LocalName) // only records the name: no I/O yet
	return c
}

// auth authenticates with PLAIN, or LOGIN if the server offers only that.
func (ss *session) auth() error {
	switch {
	case ss.client.SupportsAuth(sasl.Plain):
		return ss.client.Auth(sasl.NewPlainClient("", ss.s.username, ss.s.password))
	case ss.client.SupportsAuth(sasl.Login):
		return ss.client.Auth(sasl.NewLoginClient(ss.s.username, ss.s.password))
	}
	return errNoAuthMechs
}

// close says QUIT after a successful exchange (never to a server that
// failed, which may not answer), and releases everything.
func (ss *session) close() {
	if ss.stop != nil {
		ss.stop()
	}
	if ss.client != nil {
		if ss.done {
			_ = ss.client.Quit()
		}
		_ = ss.client.Close()
	}
	if ss.conn != nil {
		_ = ss.conn.Close()
	}
}

// ctxConn caps every deadline set on the connection at the context's
// deadline and at CommandTimeout from now, so that go-smtp's own timeouts
// (5 minutes for the greeting) never outlive the caller's.
type ctxConn struct {
	net.Conn
	deadline time.Time // the context's; zero if none
	timeout  time.Duration
}

func newCtxConn(ctx context.Context, c net.Conn, timeout time.Duration) *ctxConn {
	cc := &ctxConn{Conn: c, timeout: timeout}
	cc.deadline, _ = ctx.Deadline()
	_ = cc.SetDeadline(time.Time{})
	return cc
}

func (c *ctxConn) limit(t time.Time) time.Time {
	if limit := time.Now().Add(c.timeout); t.IsZero() || t.After(limit) {
		t = limit
	}
	if !c.deadline.IsZero() && t.After(c.deadline) {
		t = c.deadline
	}
	return t
}

// SetDeadline sets both deadlines, capped at the context's.
func (c *ctxConn) SetDeadline(t time.Time) error { return c.Conn.SetDeadline(c.limit(t)) }

// SetReadDeadline sets the read deadline, capped at the context's.
func (c *ctxConn) SetReadDeadline(t time.Time) error { return c.Conn.SetReadDeadline(c.limit(t)) }

// SetWriteDeadline sets the write deadline, capped at the context's.
func (c *ctxConn) SetWriteDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(c.limit(t)) }
