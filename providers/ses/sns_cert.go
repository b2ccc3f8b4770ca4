package ses

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// certMaxBytes bounds a signing certificate's download.
const certMaxBytes = 64 << 10

// certCache holds the SNS signing certificates fetched, by URL, until
// their TTL or their NotAfter, whichever comes first. It holds at most
// size entries (the oldest goes first); concurrent fetches of one URL are
// one request.
type certCache struct {
	mu      sync.Mutex
	entries map[string]certEntry
	order   []string
	group   singleflight.Group
}

type certEntry struct {
	key     *rsa.PublicKey
	expires time.Time
}

// key returns the public key of the certificate at raw, from the cache or
// fetched. A URL that is not an https URL on an SNS host is
// [ErrSNSCertURL]; a download that fails is retryable; a certificate that
// is not an RSA certificate valid now is [ErrSNSSignature].
func (p *Provider) certKey(ctx context.Context, raw string) (*rsa.PublicKey, error) {
	u, err := snsURL(raw, p.cfg.SNSHost, ".pem")
	if err != nil {
		return nil, err
	}
	now := p.cfg.Now()
	c := p.certs
	c.mu.Lock()
	e, ok := c.entries[u.String()]
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.key, nil
	}
	v, err, _ := c.group.Do(u.String(), func() (any, error) {
		return p.fetchCert(context.WithoutCancel(ctx), u.String(), now)
	})
	if err != nil {
		return nil, err
	}
	return v.(*rsa.PublicKey), nil
}

// fetchCert downloads, checks and caches a certificate. The request is
// bounded by the client's timeout, not the caller's context: a fetch shared
// by several callers must not end with the first one's.
func (p *Provider) fetchCert(ctx context.Context, raw string, now time.Time) (*rsa.PublicKey, error) {
	ctx, cancel := context.WithTimeout(ctx, SNSTimeoutDefault)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, ErrSNSCertURL
	}
	resp, err := p.cfg.SNSClient.Do(req)
	if err != nil {
		return nil, providers.Unavailable(fmt.Errorf("ses: fetch SNS signing certificate: %w", err), retry.ClassifyError(err).Class)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, certMaxBytes))
	if err != nil {
		return nil, providers.Unavailable(fmt.Errorf("ses: read SNS signing certificate: %w", err), retry.ClassTimeout)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, providers.Unavailable(fmt.Errorf("ses: fetch SNS signing certificate: HTTP %d", resp.StatusCode),
			retry.ClassifyStatus(resp.StatusCode))
	}
	cert, err := parseCert(body, now)
	if err != nil {
		return nil, err
	}
	p.certs.put(raw, certEntry{key: cert.PublicKey.(*rsa.PublicKey), expires: minTime(now.Add(p.cfg.SNSCertTTL), cert.NotAfter)},
		p.cfg.SNSCertCacheSize)
	return cert.PublicKey.(*rsa.PublicKey), nil
}

// parseCert reads a PEM certificate with an RSA key, valid at now.
func parseCert(body []byte, now time.Time) (*x509.Certificate, error) {
	block, _ := pem.Decode(body)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%w: the signing certificate is not PEM", ErrSNSSignature)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: the signing certificate does not parse", ErrSNSSignature)
	}
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		return nil, fmt.Errorf("%w: the signing certificate's key is not RSA", ErrSNSSignature)
	}
	if now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return nil, fmt.Errorf("%w: the signing certificate is not valid now", ErrSNSSignature)
	}
	return cert, nil
}

func (c *certCache) put(raw string, e certEntry, size int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[raw]; !ok {
		c.order = append(c.order, raw)
	}
	c.entries[raw] = e
	for len(c.order) > size {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// errNoRedirect refuses redirects: a certificate or confirmation URL that
// redirects could leave the SNS hosts.
var errNoRedirect = errors.New("ses: SNS URLs are not followed through redirects")

// newSNSClient is the default client of SNS fetches: its own timeout, no
// redirects, the default transport (system roots, no proxy guesswork).
func newSNSClient() *http.Client {
	return &http.Client{Timeout: SNSTimeoutDefault, CheckRedirect: func(*http.Request, []*http.Request) error {
		return errNoRedirect
	}}
}
