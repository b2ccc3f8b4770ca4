package oidc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// metadata is an issuer's discovery document (OpenID Connect Discovery
// 1.0 §3), the members used.
type metadata struct {
	Issuer                string   `json:"issuer"`
	AuthorizationEndpoint string   `json:"authorization_endpoint"`
	TokenEndpoint         string   `json:"token_endpoint"`
	UserinfoEndpoint      string   `json:"userinfo_endpoint"`
	JWKSURI               string   `json:"jwks_uri"`
	EndSessionEndpoint    string   `json:"end_session_endpoint"`
	IDTokenSigningAlgs    []string `json:"id_token_signing_alg_values_supported"`
	CodeChallengeMethods  []string `json:"code_challenge_methods_supported"`
	TokenAuthMethods      []string `json:"token_endpoint_auth_methods_supported"`
	// IssParameter says the issuer puts iss in every authorization
	// response (RFC 9207 §3): a callback without it is then refused.
	IssParameter bool `json:"authorization_response_iss_parameter_supported"`

	// algs are the signature algorithms accepted for ID tokens: those the
	// issuer lists that are asymmetric, or RS256 if it lists none.
	algs []jose.SignatureAlgorithm
}

// asymmetricAlgs are the ID token algorithms this provider verifies: never
// none, never HMAC with the client secret.
var asymmetricAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384,
	jose.PS512, jose.ES256, jose.ES384, jose.ES512, jose.EdDSA}

// discoveryURL is where issuer's document is (Discovery §4: a trailing
// slash of the issuer is removed before the well-known path is appended).
func discoveryURL(issuer string) string {
	return strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
}

// validate checks the document against the issuer configured (§4.3: the
// issuer must be identical) and the endpoints the flow needs.
func (m *metadata) validate(issuer string) error {
	if m.Issuer != issuer {
		return providers.InvalidInput(fmt.Errorf("oidc: the discovery document's issuer %q is not the configured issuer %q",
			clip(m.Issuer), issuer))
	}
	var errs []error
	for _, ep := range []struct {
		name, url string
		required  bool
	}{{"authorization_endpoint", m.AuthorizationEndpoint, true}, {"token_endpoint", m.TokenEndpoint, true},
		{"jwks_uri", m.JWKSURI, true}, {"userinfo_endpoint", m.UserinfoEndpoint, false},
		{"end_session_endpoint", m.EndSessionEndpoint, false}} {
		if ep.url == "" && ep.required || ep.url != "" && !secureURL(ep.url) {
			errs = append(errs, fmt.Errorf("%s is missing or not an https URL", ep.name))
		}
	}
	if len(m.CodeChallengeMethods) > 0 && !slices.Contains(m.CodeChallengeMethods, "S256") {
		errs = append(errs, errors.New("PKCE S256 is not among code_challenge_methods_supported"))
	}
	m.algs = signingAlgs(m.IDTokenSigningAlgs)
	if len(m.algs) == 0 {
		errs = append(errs, errors.New("id_token_signing_alg_values_supported lists no asymmetric algorithm"))
	}
	if err := errors.Join(errs...); err != nil {
		return providers.NewError(providers.KindPermanent, fmt.Errorf("oidc: invalid discovery document: %s",
			clip(strings.ReplaceAll(err.Error(), "\n", "; "))))
	}
	return nil
}

func signingAlgs(listed []string) []jose.SignatureAlgorithm {
	if len(listed) == 0 {
		return []jose.SignatureAlgorithm{jose.RS256}
	}
	var out []jose.SignatureAlgorithm
	for _, a := range asymmetricAlgs {
		if slices.Contains(listed, string(a)) {
			out = append(out, a)
		}
	}
	return out
}

// directory caches issuers' documents and key sets, at most max issuers,
// the least recently used dropped.
type directory struct {
	c               *httpapi.Client
	now             func() time.Time
	ttl, refetchMin time.Duration
	max             int

	mu      sync.Mutex
	entries map[string]*issuerEntry
	tick    uint64 // orders the entries' uses
}

// issuerEntry is one issuer's cached document and key set.
type issuerEntry struct {
	issuer string
	gate   gate
	used   uint64 // the directory's tick at the last use, guarded by directory.mu

	mu      sync.Mutex
	meta    *metadata
	fetched time.Time
	keys    *keySet
}

func newDirectory(c *httpapi.Client, ttl, refetchMin time.Duration, max int) *directory {
	return &directory{c: c, now: c.Now, ttl: ttl, refetchMin: refetchMin, max: max, entries: map[string]*issuerEntry{}}
}

// entry returns issuer's entry, creating it and evicting the least recently
// used one beyond max.
func (d *directory) entry(issuer string) *issuerEntry {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.tick++
	e, ok := d.entries[issuer]
	if !ok {
		e = &issuerEntry{issuer: issuer, gate: newGate()}
		d.entries[issuer] = e
	}
	e.used = d.tick
	d.evict()
	return e
}

// evict drops the least recently used entries beyond max; d.mu is held.
func (d *directory) evict() {
	for len(d.entries) > d.max {
		var oldest *issuerEntry
		for _, e := range d.entries {
			if oldest == nil || e.used < oldest.used {
				oldest = e
			}
		}
		delete(d.entries, oldest.issuer)
	}
}

// get returns issuer's document and key set, fetching the document when
// it is missing or older than the TTL, or always if fresh is set (a
// connection test).
func (d *directory) get(ctx context.Context, issuer string, fresh bool) (*metadata, *keySet, error) {
	e := d.entry(issuer)
	if err := e.gate.lock(ctx); err != nil {
		return nil, nil, err
	}
	defer e.gate.unlock()
	e.mu.Lock()
	meta, fetched, keys := e.meta, e.fetched, e.keys
	e.mu.Unlock()
	if meta != nil && !fresh && d.now().Sub(fetched) < d.ttl {
		return meta, keys, nil
	}
	meta, err := d.fetch(ctx, issuer)
	if err != nil {
		return nil, nil, err
	}
	if keys == nil || keys.url != meta.JWKSURI {
		keys = newKeySet(d.c, meta.JWKSURI, d.ttl, d.refetchMin)
	}
	e.mu.Lock()
	e.meta, e.fetched, e.keys = meta, d.now(), keys
	e.mu.Unlock()
	return meta, keys, nil
}

// fetch reads and validates issuer's discovery document.
func (d *directory) fetch(ctx context.Context, issuer string) (*metadata, error) {
	resp, err := d.c.Do(ctx, &httpapi.Request{Method: http.MethodGet, URL: discoveryURL(issuer)})
	if err != nil {
		return nil, err
	}
	var m metadata
	if err := httpapi.DecodeBody(Name, "discovery document", resp.Body, &m); err != nil {
		return nil, err
	}
	if err := m.validate(issuer); err != nil {
		return nil, err
	}
	return &m, nil
}
