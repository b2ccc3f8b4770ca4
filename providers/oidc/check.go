package oidc

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// probeToken is the refresh token the connection test redeems: no issuer
// issued it. An issuer that authenticates the client first (as RFC 6749
// §5.2 lets it, and Okta and Auth0 do) answers invalid_client for wrong
// credentials and invalid_grant otherwise. The refresh grant is used
// rather than a made-up code because some issuers look a code up before
// the client (zitadel does), which hides a wrong secret.
const probeToken = "intime-connection-test"

// Check implements [providers.Provider]: DNS, TCP and TLS (skipped for a
// plain http test issuer) against the issuer's host, then the
// authentication stage: the discovery document fetched and valid (its
// issuer exactly the configured one, the endpoints present), the JWKS
// fetched with at least one key for the issuer's algorithms, and the client
// credentials tried at the token endpoint with a refresh token no one issued.
// Invalid settings are an error, not a stage.
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(st.issuer)
	if err != nil {
		return nil, err
	}
	return httpapi.Check(ctx, u, p.cfg.Now, func() error { return p.checkIssuer(ctx, st) }), nil
}

// checkIssuer is the authentication stage.
func (p *Provider) checkIssuer(ctx context.Context, st *settings) error {
	meta, keys, err := p.dir.get(ctx, st.issuer, true)
	if err != nil {
		return err
	}
	jwks, _, err := keys.fetchIf(ctx, func(time.Time) bool { return true })
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(jwks, func(k jose.JSONWebKey) bool { return keyFits(&k, meta.algs) }) {
		return providers.NewError(providers.KindPermanent,
			errors.New("oidc: the issuer's JWKS holds no public key for its ID token algorithms"))
	}
	return p.probeClient(ctx, st, meta)
}

// keyFits reports whether k can verify a signature of one of algs.
func keyFits(k *jose.JSONWebKey, algs []jose.SignatureAlgorithm) bool {
	for _, a := range algs {
		if k.Algorithm != "" && k.Algorithm != string(a) {
			continue
		}
		switch k.Key.(type) {
		case *rsa.PublicKey:
			if strings.HasPrefix(string(a), "RS") || strings.HasPrefix(string(a), "PS") {
				return true
			}
		case *ecdsa.PublicKey:
			if strings.HasPrefix(string(a), "ES") {
				return true
			}
		case ed25519.PublicKey:
			if a == jose.EdDSA {
				return true
			}
		}
	}
	return false
}

// probeClient redeems probeToken: credentials the issuer refuses
// (invalid_client, or a 401) fail the stage, as does an issuer that is
// down or rate limits; any other refusal means the credentials passed.
func (p *Provider) probeClient(ctx context.Context, st *settings, meta *metadata) error {
	ts := p.oauthConfig(st, meta, "").TokenSource(context.WithValue(ctx, oauth2.HTTPClient, p.c.HTTP),
		&oauth2.Token{RefreshToken: probeToken})
	start := p.cfg.Now()
	_, err := ts.Token()
	p.logToken(ctx, meta, "refresh_token (connection test)", start, err)
	if err == nil {
		return nil
	}
	mapped := p.tokenError(err, st.clientSecret)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		return mapped
	}
	switch providers.KindOf(mapped) {
	case providers.KindRetryable, providers.KindRateLimited:
		return mapped
	}
	if re.ErrorCode == "invalid_client" || re.Response.StatusCode == http.StatusUnauthorized {
		return mapped
	}
	return nil
}
