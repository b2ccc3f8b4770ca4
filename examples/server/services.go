package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
	"github.com/google/uuid"
)

// The demo's local stand-ins for the outside world, so that it runs
// offline: a webhook receiver (HTTPS), an SMTP sink (STARTTLS on port 587
// of a loopback address of its own), a server answering as SendGrid's mail
// API does, and the HR directory the demo provider syncs. Each listens on
// the loopback interface only; TLS uses a certificate authority made for
// this run.

// demoCA is this run's certificate authority and the certificate of the
// local servers.
type demoCA struct {
	pem  string
	pool *x509.CertPool
	leaf tls.Certificate
}

// newDemoCA makes a CA and a certificate for the loopback addresses.
func newDemoCA(ips ...net.IP) (*demoCA, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "InTime demo CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(30 * 24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(30 * 24 * time.Hour), DNSNames: []string{"localhost"}, IPAddresses: ips,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	ca := &demoCA{pem: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})), pool: x509.NewCertPool(),
		leaf: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}}
	ca.pool.AddCert(caCert)
	return ca, nil
}

func (ca *demoCA) serverTLS() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{ca.leaf}, MinVersion: tls.VersionTLS12}
}

// localServer is an HTTP(S) server on a loopback port.
type localServer struct {
	URL string
	srv *http.Server
}

func startLocal(h http.Handler, tlsCfg *tls.Config) (*localServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &localServer{srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	scheme := "http"
	if tlsCfg != nil {
		l, scheme = tls.NewListener(l, tlsCfg), "https"
	}
	s.URL = scheme + "://" + l.Addr().String()
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

func (s *localServer) Close() error { return s.srv.Close() }

// receiver is the demo webhook receiver: /hooks/ok answers 200, and
// /hooks/flaky always fails, so that its deliveries retry and end in the
// dead letter queue.
type receiver struct {
	*localServer
	received atomic.Int64
}

func startReceiver(ca *demoCA) (*receiver, error) {
	rc := &receiver{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /hooks/ok", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		rc.received.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"status":"received","id":"zap_%d"}`, rc.received.Load())
	})
	mux.HandleFunc("POST /hooks/flaky", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"error":"the demo receiver fails this endpoint on purpose"}`))
	})
	var err error
	rc.localServer, err = startLocal(mux, ca.serverTLS())
	return rc, err
}

// directory is the HR directory the demo provider calls: every fifth
// employee sync fails with 503, so the logs and metrics show errors.
type directory struct {
	*localServer
	calls atomic.Int64
}

func startDirectory(key string) (*directory, error) {
	d := &directory{}
	auth := func(next http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer "+key {
				http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
				return
			}
			next(w, r)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", auth(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"ok":true}`)) }))
	mux.HandleFunc("GET /employees", auth(func(w http.ResponseWriter, _ *http.Request) {
		if d.calls.Add(1)%5 == 0 {
			http.Error(w, `{"error":"directory busy"}`, http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode([]map[string]string{{"id": "E-1", "name": "Ada Lovelace"},
			{"id": "E-2", "name": "Grace Hopper"}, {"id": "E-3", "name": "Katherine Johnson"}})
	}))
	var err error
	d.localServer, err = startLocal(mux, nil)
	return d, err
}

// sendGrid answers as SendGrid's Web API v3 does for mail send: Bearer
// authentication, 202 Accepted with X-Message-Id; GET /v3/scopes lists
// mail.send. It keeps a count of the mails it accepted.
type sendGrid struct {
	*localServer
	accepted atomic.Int64
}

func startSendGrid(key string) (*sendGrid, error) {
	sg := &sendGrid{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer "+key {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"errors":[{"field":null,"message":"authorization required"}]}`))
			return
		}
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/v3/scopes":
			_, _ = w.Write([]byte(`{"scopes":["mail.send"]}`))
		case r.Method == http.MethodPost && r.URL.Path == "/v3/mail/send":
			_, _ = io.Copy(io.Discard, r.Body)
			sg.accepted.Add(1)
			w.Header().Set("X-Message-Id", strings.ReplaceAll(uuid.NewString(), "-", ""))
			w.WriteHeader(http.StatusAccepted)
		default:
			http.NotFound(w, r)
		}
	})
	var err error
	sg.localServer, err = startLocal(h, nil)
	return sg, err
}

// smtpSink is an SMTP server that accepts every message from its user
// (STARTTLS, AUTH PLAIN) and keeps a count. It listens on port 587 of a
// loopback address of its own, because the SMTP provider speaks the
// standard ports only.
type smtpSink struct {
	Host     string
	srv      *gosmtp.Server
	done     chan struct{}
	accepted atomic.Int64
	user     string
	password string
}

// smtpSinkIP is the sink's loopback address, away from those the SDK's
// tests take (127.77.0.x).
var smtpSinkIP = net.IPv4(127, 77, 200, 1)

// errPrivilegedPort says the sink could not bind port 587.
var errPrivilegedPort = errors.New("binding port 587 needs root or CAP_NET_BIND_SERVICE (or sysctl net.ipv4.ip_unprivileged_port_start=587)")

func startSMTPSink(ca *demoCA, user, password string) (*smtpSink, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(smtpSinkIP.String(), "587"))
	if err != nil {
		if errors.Is(err, syscall.EACCES) {
			return nil, errPrivilegedPort
		}
		return nil, err
	}
	s := &smtpSink{Host: smtpSinkIP.String(), done: make(chan struct{}), user: user, password: password}
	s.srv = gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) { return &sinkSession{sink: s}, nil }))
	s.srv.Domain = "smtp.intime-demo.local"
	s.srv.TLSConfig = ca.serverTLS()
	s.srv.ReadTimeout, s.srv.WriteTimeout = time.Minute, time.Minute
	s.srv.ErrorLog = quietLog{}
	go func() { defer close(s.done); _ = s.srv.Serve(l) }()
	return s, nil
}

func (s *smtpSink) Close() error {
	err := s.srv.Close()
	<-s.done
	return err
}

// sinkSession is one SMTP session of the sink.
type sinkSession struct {
	sink   *smtpSink
	authed bool
}

func (s *sinkSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *sinkSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, gosmtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.sink.user || pass != s.sink.password {
			return gosmtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *sinkSession) Mail(string, *gosmtp.MailOptions) error {
	if !s.authed {
		return gosmtp.ErrAuthRequired
	}
	return nil
}

func (s *sinkSession) Rcpt(string, *gosmtp.RcptOptions) error { return nil }

func (s *sinkSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, io.LimitReader(r, 10<<20)); err != nil {
		return err
	}
	s.sink.accepted.Add(1)
	return nil
}

func (s *sinkSession) Reset() {}

func (s *sinkSession) Logout() error { return nil }

// quietLog drops go-smtp's connection errors.
type quietLog struct{}

func (quietLog) Printf(string, ...any) {}
func (quietLog) Println(...any)        {}

// closedURL returns the URL of a loopback port nothing listens on: the
// demo's integration that is down.
func closedURL() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		return "", err
	}
	return "http://" + addr, nil
}
