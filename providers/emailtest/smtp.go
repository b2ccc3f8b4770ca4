package emailtest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"
)

// SMTPOpts configure [StartSMTP].
type SMTPOpts struct {
	// Port is 587 (STARTTLS), 465 (implicit TLS) or 25 (plain). Zero
	// means 587.
	Port int
	// Username and Password are the accepted credentials.
	Username, Password string
	// Mechanisms are the AUTH mechanisms offered: "PLAIN", "LOGIN". Nil
	// means both.
	Mechanisms []string
	// UntrustedCert makes the server present a certificate from another
	// CA than [SMTPServer.CAPEM].
	UntrustedCert bool
	// Silent accepts connections and never says a word: a server that
	// times out.
	Silent bool
	// NoStartTLS makes a port 587 server not offer STARTTLS.
	NoStartTLS bool
}

// SMTPServer is a real SMTP server listening on its own loopback address
// (127.77.x.y) at the standard port, so that the provider's port rules apply
// unchanged. Binding a port below 1024 needs root or
// CAP_NET_BIND_SERVICE; without it the test skips.
type SMTPServer struct {
	// Host is the server's IP address, Port its port.
	Host string
	Port int
	// CAPEM is the PEM of the CA the client should trust.
	CAPEM string

	opts     SMTPOpts
	mu       sync.Mutex
	received []*Received
}

// Received is a message the server accepted.
type Received struct {
	From string
	To   []string
	Data []byte
	// Auth is the user name the client authenticated as, and Mechanism
	// how.
	Auth, Mechanism string
	// TLS reports whether the session was encrypted.
	TLS bool
}

// nextAddr is the last loopback address handed out. It starts at a random
// point of 127.77.0.0/16 so that test binaries running side by side (go
// test runs packages in parallel) do not hand out the same addresses.
var nextAddr = func() *atomic.Uint32 {
	var n atomic.Uint32
	n.Store(rand.Uint32N(1 << 16))
	return &n
}()

// FreeLoopback returns a loopback address (127.77.x.y) not used before by
// this process. Another process may use it at the same time, though
// rarely: [StartSMTP] moves on to the next address when its port is taken.
func FreeLoopback() net.IP {
	n := nextAddr.Add(1)
	if byte(n) == 0 { // skip 127.77.x.0, which looks like a network address
		n = nextAddr.Add(1)
	}
	return net.IPv4(127, 77, byte(n>>8), byte(n))
}

// StartSMTP starts a server; the test's cleanup stops it.
func StartSMTP(t testing.TB, opts *SMTPOpts) *SMTPServer {
	t.Helper()
	o := *opts
	if o.Port == 0 {
		o.Port = 587
	}
	if o.Mechanisms == nil {
		o.Mechanisms = []string{sasl.Plain, sasl.Login}
	}
	ip, l := listen(t, o.Port)
	ca := NewCA(t)
	srv := &SMTPServer{Host: ip.String(), Port: o.Port, CAPEM: ca.PEM, opts: o}
	if o.Silent {
		silence(t, l)
		return srv
	}
	issuer := ca
	if o.UntrustedCert {
		issuer = NewCA(t)
	}
	tc := &tls.Config{Certificates: []tls.Certificate{issuer.Issue(t, ip)}, MinVersion: tls.VersionTLS12}
	s := gosmtp.NewServer(gosmtp.BackendFunc(func(c *gosmtp.Conn) (gosmtp.Session, error) {
		_, tlsOn := c.TLSConnectionState()
		return &smtpSession{srv: srv, tls: tlsOn}, nil
	}))
	s.Domain = "emailtest.local"
	s.ErrorLog = discardLogger{}
	switch {
	case o.Port == 465:
		l = tls.NewListener(l, tc)
	case o.Port == 587 && !o.NoStartTLS:
		s.TLSConfig = tc
	default:
		s.AllowInsecureAuth = true
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Serve(l) }()
	// Close the listener too: a Close that runs before Serve has
	// registered it (a test that fails at once) leaves Serve running.
	t.Cleanup(func() { _ = s.Close(); _ = l.Close(); <-done })
	return srv
}

// listen binds ip:port, skipping the test if the port is privileged and
// the process may not bind it.
// listen binds port on a fresh loopback address, moving on to the next
// address while the port is taken there (by another test binary).
func listen(t testing.TB, port int) (net.IP, net.Listener) {
	t.Helper()
	for range 16 {
		ip := FreeLoopback()
		l, err := net.Listen("tcp", net.JoinHostPort(ip.String(), strconv.Itoa(port)))
		if errors.Is(err, syscall.EADDRINUSE) {
			continue
		}
		if errors.Is(err, syscall.EACCES) {
			skipOrFail(t, fmt.Sprintf("emailtest: binding port %d needs root or CAP_NET_BIND_SERVICE", port))
		}
		require.NoError(t, err)
		return ip, l
	}
	t.Fatalf("emailtest: port %d is taken on 16 loopback addresses in a row", port)
	return nil, nil
}

// silence accepts connections and holds them open without a word until
// cleanup.
func silence(t testing.TB, l net.Listener) {
	var (
		mu    sync.Mutex
		conns []net.Conn
		done  = make(chan struct{})
	)
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
}

// Messages returns the messages received so far.
func (s *SMTPServer) Messages() []*Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Received(nil), s.received...)
}

type smtpSession struct {
	srv       *SMTPServer
	tls       bool
	user      string
	mechanism string
	msg       *Received
}

func (s *smtpSession) AuthMechanisms() []string { return s.srv.opts.Mechanisms }

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		if user != s.srv.opts.Username || pass != s.srv.opts.Password {
			return gosmtp.ErrAuthFailed
		}
		s.user, s.mechanism = user, mech
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, gosmtp.ErrAuthUnknownMechanism
}

func (s *smtpSession) Mail(from string, _ *gosmtp.MailOptions) error {
	if s.user == "" {
		return gosmtp.ErrAuthRequired
	}
	s.msg = &Received{From: from, Auth: s.user, Mechanism: s.mechanism, TLS: s.tls}
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if s.msg == nil {
		return gosmtp.ErrAuthRequired
	}
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.Data = b
	s.srv.mu.Lock()
	s.srv.received = append(s.srv.received, s.msg)
	s.srv.mu.Unlock()
	s.msg = nil
	return nil
}

func (s *smtpSession) Reset()        { s.msg = nil }
func (s *smtpSession) Logout() error { return nil }

// loginServer is the server side of AUTH LOGIN, which go-sasl does not
// have: ask for the user name, then the password.
type loginServer struct {
	check func(user, pass string) error
	user  string
	step  int
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step++
		if response != nil { // initial response: the user name
			l.user, l.step = string(response), 2
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 1:
		l.user, l.step = string(response), 2
		return []byte("Password:"), false, nil
	}
	return nil, true, l.check(l.user, string(response))
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
func (discardLogger) Println(...any)        {}
