package oidc

import (
	"errors"
	"fmt"
	"strings"

	"github.com/intimeos/integrations/providers"
)

// Reason says which rule of ID token validation (OpenID Connect Core 1.0
// §3.1.3.7) a token broke.
type Reason string

// The reasons of a [TokenError].
const (
	ReasonMalformed       Reason = "malformed"        // not a compact JWS of JSON claims
	ReasonAlgorithm       Reason = "algorithm"        // alg not allowed (none, HMAC, or not the issuer's)
	ReasonUnknownKey      Reason = "unknown_key"      // no key of the issuer's JWKS has the token's kid
	ReasonSignature       Reason = "signature"        // the signature does not verify
	ReasonIssuer          Reason = "issuer"           // iss is not the issuer, exactly
	ReasonAudience        Reason = "audience"         // aud does not list the client ID
	ReasonAuthorizedParty Reason = "authorized_party" // several audiences without azp = client ID, or another azp
	ReasonExpired         Reason = "expired"          // exp has passed (beyond the clock skew)
	ReasonNotYetValid     Reason = "not_yet_valid"    // nbf is ahead (beyond the clock skew)
	ReasonIssuedAt        Reason = "issued_at"        // iat missing, in the future or too old
	ReasonNonce           Reason = "nonce"            // nonce is not the sign-in's
	ReasonSubject         Reason = "subject"          // sub missing or too long
	ReasonAuthTime        Reason = "auth_time"        // auth_time missing or older than max_age
	ReasonAccessTokenHash Reason = "at_hash"          // at_hash does not match the access token
)

// TokenError is an ID token refused by verification. It reaches the caller
// as a [providers.KindInvalidInput] error; its message never contains the
// token.
type TokenError struct {
	Reason Reason
	// Detail explains the refusal for administrators.
	Detail string
}

// Error returns "oidc: id token refused: <reason>: <detail>".
func (e *TokenError) Error() string {
	return "oidc: id token refused: " + string(e.Reason) + ": " + e.Detail
}

// refuse returns a TokenError of reason r as a KindInvalidInput error.
func refuse(r Reason, format string, args ...any) error {
	return providers.InvalidInput(&TokenError{Reason: r, Detail: clip(fmt.Sprintf(format, args...))})
}

// AccessError is a verified user whom the integration's allowed domains or
// groups do not admit. It reaches the caller as a [providers.KindPermanent]
// error.
type AccessError struct {
	// Subject is the user's sub.
	Subject string
	// Detail says which rule refused the user.
	Detail string
}

// Error returns "oidc: sign-in not allowed: <detail>".
func (e *AccessError) Error() string { return "oidc: sign-in not allowed: " + e.Detail }

func deny(sub, format string, args ...any) error {
	return providers.NewError(providers.KindPermanent, &AccessError{Subject: sub, Detail: clip(fmt.Sprintf(format, args...))})
}

// errFlow is the cause of every refused callback (state, flow, code).
var errFlow = errors.New("oidc: sign-in refused")

// invalidFlow returns a KindInvalidInput error for a callback or flow that
// cannot complete a sign-in.
func invalidFlow(detail string) error {
	return providers.InvalidInput(fmt.Errorf("%w: %s", errFlow, detail))
}

// clip bounds a message built from a token's claims (attacker input) and
// removes control characters.
func clip(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	const n = 300
	if len(s) > n {
		s = s[:n] + "..."
	}
	return strings.ToValidUTF8(s, "")
}
