package integration

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/smtp"
	"time"
)

// CertificateWarnBefore is how long before its expiry a certificate is
// reported as expiring soon.
const CertificateWarnBefore = 30 * 24 * time.Hour

// Certificate is the TLS certificate an integration's endpoint serves.
type Certificate struct {
	// Endpoint is "host:port".
	Endpoint string
	Subject  string
	Issuer   string
	NotAfter time.Time
}

// Expired reports whether the certificate has expired at now.
func (c *Certificate) Expired(now time.Time) bool { return !now.Before(c.NotAfter) }

// ExpiresSoon reports whether it expires within CertificateWarnBefore of
// now.
func (c *Certificate) ExpiresSoon(now time.Time) bool {
	return c.NotAfter.Sub(now) < CertificateWarnBefore
}

// Warning words the certificate's expiry when it is near or past: "The
// certificate of smtp.sendgrid.net:587 expires in 12 days (2031-05-18)";
// "" otherwise.
func (c *Certificate) Warning(now time.Time) string {
	day := c.NotAfter.UTC().Format(time.DateOnly)
	switch {
	case c.Expired(now):
		return fmt.Sprintf("The certificate of %s expired on %s", c.Endpoint, day)
	case c.ExpiresSoon(now):
		return fmt.Sprintf("The certificate of %s expires in %d days (%s)", c.Endpoint,
			int(c.NotAfter.Sub(now)/(24*time.Hour)), day)
	}
	return ""
}

// starttlsPorts are the SMTP submission ports, where TLS starts after
// STARTTLS.
var starttlsPorts = map[string]bool{"25": true, "587": true, "2525": true}

// certificate reads the certificate endpoint serves, or nil when it serves
// none (plain HTTP, no answer). It only reads it: verification is the
// connection test's TLS stage, so the handshake accepts any certificate
// to report its expiry even when it failed.
func (m *Manager) certificate(ctx context.Context, endpoint string) *Certificate {
	host, port, err := net.SplitHostPort(endpoint)
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, m.cfg.HealthCheckTimeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", endpoint)
	if err != nil {
		return nil
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	cfg := &tls.Config{ServerName: host, InsecureSkipVerify: true} //nolint:gosec // reads the expiry only; the TLS stage verifies
	var state tls.ConnectionState
	if starttlsPorts[port] {
		c, err := smtp.NewClient(conn, host)
		if err != nil || c.StartTLS(cfg) != nil {
			return nil
		}
		state, _ = c.TLSConnectionState()
		_ = c.Quit()
	} else {
		tc := tls.Client(conn, cfg)
		if tc.HandshakeContext(ctx) != nil {
			return nil
		}
		state = tc.ConnectionState()
	}
	if len(state.PeerCertificates) == 0 {
		return nil
	}
	leaf := state.PeerCertificates[0]
	return &Certificate{Endpoint: endpoint, Subject: leaf.Subject.String(), Issuer: leaf.Issuer.String(),
		NotAfter: leaf.NotAfter.UTC()}
}
