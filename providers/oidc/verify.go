package oidc

import (
	"context"
	"crypto"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/intimeos/integrations/providers/sso"
)

// verifier checks the ID tokens of one issuer for one client, as OpenID
// Connect Core 1.0 §3.1.3.7 lists: signature with an allowed algorithm by
// a key of the issuer's JWKS, then iss, aud, azp, exp, iat, nonce, and
// auth_time and at_hash when they apply.
type verifier struct {
	issuer, clientID string
	algs             []jose.SignatureAlgorithm
	keys             *keySet
	now              func() time.Time
	// skew is the clock difference tolerated on exp, nbf and iat; maxAge
	// bounds the age of iat.
	skew, maxAge time.Duration
	groupsClaim  string
}

// expect is what a token must match beyond the verifier's issuer and
// client.
type expect struct {
	// nonce is the sign-in's nonce; required.
	nonce string
	// maxAuthAge, if positive, bounds auth_time's age (seconds).
	maxAuthAge int
	// accessToken, if set, is checked against at_hash when present.
	accessToken string
}

// idClaims are the ID token's claims.
type idClaims struct {
	jwt.Claims
	Nonce             string           `json:"nonce"`
	AuthorizedParty   string           `json:"azp"`
	AuthTime          *jwt.NumericDate `json:"auth_time"`
	AccessTokenHash   string           `json:"at_hash"`
	Email             string           `json:"email"`
	EmailVerified     flexBool         `json:"email_verified"`
	Name              string           `json:"name"`
	GivenName         string           `json:"given_name"`
	FamilyName        string           `json:"family_name"`
	PreferredUsername string           `json:"preferred_username"`
	// groups is read from the verifier's groups claim.
	groups []string
}

// verify checks raw and returns its claims. A refused token is a
// KindInvalidInput *TokenError; failing to fetch the issuer's keys is the
// fetch's classified error (an issuer outage is retryable).
func (v *verifier) verify(ctx context.Context, raw string, e *expect) (*idClaims, error) {
	if len(raw) > sso.MaxTokenLen || strings.Count(raw, ".") != 2 {
		return nil, refuse(ReasonMalformed, "not a compact JWS (encrypted ID tokens are not supported)")
	}
	jws, err := jose.ParseSignedCompact(raw, v.algs)
	if err != nil {
		var alg *jose.ErrUnexpectedSignatureAlgorithm
		if errors.As(err, &alg) {
			return nil, refuse(ReasonAlgorithm, "alg %s is not one the issuer signs ID tokens with %v", alg.Got, v.algs)
		}
		return nil, refuse(ReasonMalformed, "%v", err)
	}
	if len(jws.Signatures) != 1 {
		return nil, refuse(ReasonMalformed, "a JWS with %d signatures", len(jws.Signatures))
	}
	payload, err := v.verifySignature(ctx, jws)
	if err != nil {
		return nil, err
	}
	c, err := v.parseClaims(payload)
	if err != nil {
		return nil, err
	}
	if err := v.checkClaims(c, e, jws.Signatures[0].Header.Algorithm); err != nil {
		return nil, err
	}
	return c, nil
}

// verifySignature verifies jws with the issuer's keys, fetching them again
// once (throttled) if none verifies: the issuer may have rotated its keys.
func (v *verifier) verifySignature(ctx context.Context, jws *jose.JSONWebSignature) ([]byte, error) {
	h := jws.Signatures[0].Header
	keys, err := v.keys.current(ctx)
	if err != nil {
		return nil, err
	}
	if payload, ok := verifyWith(jws, h, keys); ok {
		return payload, nil
	}
	keys, refreshed, err := v.keys.refresh(ctx)
	if err != nil {
		return nil, err
	}
	if refreshed {
		if payload, ok := verifyWith(jws, h, keys); ok {
			return payload, nil
		}
	}
	if !hasKey(keys, h.KeyID) {
		return nil, refuse(ReasonUnknownKey, "no key %q in the issuer's key set", h.KeyID)
	}
	return nil, refuse(ReasonSignature, "the signature does not verify with the issuer's key %q", h.KeyID)
}

// verifyWith tries the keys that match the header's kid (all of them if it
// names none) and alg.
func verifyWith(jws *jose.JSONWebSignature, h jose.Header, keys []jose.JSONWebKey) ([]byte, bool) {
	for i := range keys {
		k := &keys[i]
		if h.KeyID != "" && k.KeyID != h.KeyID || k.Algorithm != "" && k.Algorithm != h.Algorithm {
			continue
		}
		if payload, err := jws.Verify(k); err == nil {
			return payload, true
		}
	}
	return nil, false
}

func hasKey(keys []jose.JSONWebKey, kid string) bool {
	for _, k := range keys {
		if kid == "" || k.KeyID == kid {
			return true
		}
	}
	return false
}

// parseClaims decodes the verified payload.
func (v *verifier) parseClaims(payload []byte) (*idClaims, error) {
	var c idClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, refuse(ReasonMalformed, "claims: %v", err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(payload, &all); err != nil {
		return nil, refuse(ReasonMalformed, "claims: %v", err)
	}
	c.groups = stringList(all[v.groupsClaim])
	return &c, nil
}

// checkClaims applies the claim rules in the order of §3.1.3.7.
func (v *verifier) checkClaims(c *idClaims, e *expect, alg string) error {
	now := v.now()
	if c.Expiry == nil {
		return refuse(ReasonExpired, "exp is missing")
	}
	if c.IssuedAt == nil {
		return refuse(ReasonIssuedAt, "iat is missing")
	}
	err := c.ValidateWithLeeway(jwt.Expected{Issuer: v.issuer, AnyAudience: jwt.Audience{v.clientID}, Time: now}, v.skew)
	if err != nil {
		return v.claimsError(c, err)
	}
	if len(c.Audience) > 1 && c.AuthorizedParty == "" || c.AuthorizedParty != "" && c.AuthorizedParty != v.clientID {
		return refuse(ReasonAuthorizedParty, "azp %q with audiences %q is not the client ID", c.AuthorizedParty, []string(c.Audience))
	}
	if age := now.Sub(c.IssuedAt.Time()); age > v.maxAge+v.skew {
		return refuse(ReasonIssuedAt, "issued %s ago, more than %s", age.Round(time.Second), v.maxAge)
	}
	if e.nonce == "" || subtle.ConstantTimeCompare([]byte(c.Nonce), []byte(e.nonce)) != 1 {
		return refuse(ReasonNonce, "the nonce is not the sign-in's")
	}
	if c.Subject == "" || len(c.Subject) > 255 {
		return refuse(ReasonSubject, "sub is missing or longer than 255 characters")
	}
	if err := checkAuthTime(c, e.maxAuthAge, now, v.skew); err != nil {
		return err
	}
	return checkAccessTokenHash(c.AccessTokenHash, e.accessToken, alg)
}

// claimsError turns go-jose's validation error into a TokenError.
func (v *verifier) claimsError(c *idClaims, err error) error {
	switch {
	case errors.Is(err, jwt.ErrInvalidIssuer):
		return refuse(ReasonIssuer, "iss %q is not the issuer %q", c.Issuer, v.issuer)
	case errors.Is(err, jwt.ErrInvalidAudience):
		return refuse(ReasonAudience, "aud %q does not list the client ID", []string(c.Audience))
	case errors.Is(err, jwt.ErrExpired):
		return refuse(ReasonExpired, "expired at %s", c.Expiry.Time().UTC().Format(time.RFC3339))
	case errors.Is(err, jwt.ErrNotValidYet):
		return refuse(ReasonNotYetValid, "not valid before %s", c.NotBefore.Time().UTC().Format(time.RFC3339))
	case errors.Is(err, jwt.ErrIssuedInTheFuture):
		return refuse(ReasonIssuedAt, "issued in the future, at %s", c.IssuedAt.Time().UTC().Format(time.RFC3339))
	}
	return refuse(ReasonMalformed, "claims: %v", err)
}

// checkAuthTime applies max_age (§3.1.3.7 rule 13).
func checkAuthTime(c *idClaims, maxAge int, now time.Time, skew time.Duration) error {
	if maxAge <= 0 {
		return nil
	}
	if c.AuthTime == nil {
		return refuse(ReasonAuthTime, "auth_time is missing although max_age was requested")
	}
	if age := now.Sub(c.AuthTime.Time()); age > time.Duration(maxAge)*time.Second+skew {
		return refuse(ReasonAuthTime, "the user authenticated %s ago, more than max_age %ds", age.Round(time.Second), maxAge)
	}
	return nil
}

// checkAccessTokenHash checks at_hash (§3.1.3.8) when both it and the
// access token are present: the left half of the hash of the token with
// the hash function of the ID token's alg, base64url-encoded.
func checkAccessTokenHash(atHash, accessToken, alg string) error {
	if atHash == "" || accessToken == "" {
		return nil
	}
	h := hashOf(alg)
	if h == 0 {
		return refuse(ReasonAccessTokenHash, "no hash function for alg %s", alg)
	}
	hh := h.New()
	hh.Write([]byte(accessToken))
	sum := hh.Sum(nil)
	want := base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
	if subtle.ConstantTimeCompare([]byte(want), []byte(atHash)) != 1 {
		return refuse(ReasonAccessTokenHash, "at_hash does not match the access token")
	}
	return nil
}

func hashOf(alg string) crypto.Hash {
	switch {
	case strings.HasSuffix(alg, "256"):
		return crypto.SHA256
	case strings.HasSuffix(alg, "384"):
		return crypto.SHA384
	case strings.HasSuffix(alg, "512"), alg == string(jose.EdDSA):
		return crypto.SHA512
	}
	return 0
}

// flexBool reads a JSON boolean, or the strings "true" and "false" that
// some issuers send for email_verified.
type flexBool bool

// UnmarshalJSON implements json.Unmarshaler.
func (b *flexBool) UnmarshalJSON(data []byte) error {
	switch strings.Trim(string(data), `"`) {
	case "true":
		*b = true
	case "false", "null", "":
		*b = false
	default:
		return errors.New("email_verified is not a boolean")
	}
	return nil
}

// stringList reads a claim that is an array of strings, or one string.
// Anything else is no groups.
func stringList(raw json.RawMessage) []string {
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var one string
	if json.Unmarshal(raw, &one) == nil && one != "" {
		return []string{one}
	}
	return nil
}
