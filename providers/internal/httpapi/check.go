package httpapi

import (
	"context"
	"crypto/tls"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/intimeos/integrations/providers"
)

// Check runs the DNS, TCP and TLS stages against base's host (TLS only for
// https) and then auth as the authentication stage, skipped if an earlier
// stage failed. It is the one call of [providers.CheckEndpoint] in these
// providers.
func Check(ctx context.Context, base *url.URL, now func() time.Time, auth func() error) *providers.CheckResult {
	ep := &providers.EndpointCheck{Host: base.Hostname(), Port: Port(base), Now: now}
	if base.Scheme == "https" {
		ep.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	res, conn := providers.CheckEndpoint(ctx, ep)
	if conn != nil {
		_ = conn.Close()
	}
	res.Run(providers.StageAuth, now, auth)
	return res
}

// Port returns u's port, or its scheme's default.
func Port(u *url.URL) int {
	if n, err := strconv.Atoi(u.Port()); err == nil {
		return n
	}
	if u.Scheme == "http" {
		return 80
	}
	return 443
}

// SecureURL reports whether u is an absolute https URL without user
// information, or http to a loopback address (a test server): credentials
// must not cross a network in clear text.
func SecureURL(u string) bool {
	_, ok := ParseSecureURL(u)
	return ok
}

// ParseSecureURL parses u with trailing slashes removed if [SecureURL]
// accepts it.
func ParseSecureURL(u string) (*url.URL, bool) {
	pu, err := url.Parse(strings.TrimRight(strings.TrimSpace(u), "/"))
	if err != nil || pu.Host == "" || pu.User != nil {
		return nil, false
	}
	if pu.Scheme == "https" {
		return pu, true
	}
	ip := net.ParseIP(pu.Hostname())
	ok := pu.Scheme == "http" && (pu.Hostname() == "localhost" || ip != nil && ip.IsLoopback())
	return pu, ok
}
