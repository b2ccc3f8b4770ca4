package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// VerifyToleranceDefault is how far a Standard Webhooks timestamp may be
// from the receiver's clock.
const VerifyToleranceDefault = 5 * time.Minute

// Errors of [Verify], matched with errors.Is.
var (
	ErrNoSignature      = errors.New("webhook: no signature header")
	ErrInvalidSignature = errors.New("webhook: signature does not match")
	// ErrMalformedSignature is a signature header that is there but cannot
	// be read: webhook-signature without webhook-id, or no entry of the
	// form "v1,<base64>" (Standard Webhooks) or "sha256=<64 hex digits>"
	// (X-InTime-Signature). The error wrapping it says which.
	ErrMalformedSignature = errors.New("webhook: malformed signature header")
	ErrTimestamp          = errors.New("webhook: timestamp missing, malformed or outside the tolerance")
	// ErrEmptySecret is returned for an empty secret, which anyone could
	// sign with: configure the subscription's signing secret.
	ErrEmptySecret = errors.New("webhook: empty secret; configure the subscription's signing secret")
)

// Scheme selects the signature scheme [Verify] checks.
type Scheme int

// Signature schemes.
const (
	// SchemeAny checks the Standard Webhooks headers when present, else
	// X-InTime-Signature. A sender that sends both, as the Dispatcher does,
	// is checked with the timestamp; pin SchemeStandard to refuse a
	// request whose Standard Webhooks headers were stripped.
	SchemeAny Scheme = iota
	// SchemeStandard requires webhook-id, webhook-timestamp and a matching
	// webhook-signature entry.
	SchemeStandard
	// SchemeInTime requires a matching X-InTime-Signature (no timestamp:
	// no replay protection).
	SchemeInTime
)

// VerifyOpts are optional settings of [Verify]; nil means all defaults.
type VerifyOpts struct {
	// Scheme is the scheme to check (default SchemeAny).
	Scheme Scheme
	// Tolerance bounds |now - webhook-timestamp| (default 5 min).
	Tolerance time.Duration
	// Now is the receiver's clock (default time.Now).
	Now func() time.Time
}

// Verify checks that a request was signed with secret (as shown when the
// subscription was created, with or without a "whsec_" prefix). It accepts
// a request carrying any matching signature, so receivers keep working
// while a sender's secret is being rotated. Comparisons are constant-time.
func Verify(secret string, header http.Header, body []byte, opts *VerifyOpts) error {
	o := VerifyOpts{}
	if opts != nil {
		o = *opts
	}
	if o.Tolerance <= 0 {
		o.Tolerance = VerifyToleranceDefault
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if inTimeKey(secret) == "" {
		return ErrEmptySecret
	}
	hasStd := header.Get(HeaderWebhookSignature) != ""
	switch {
	case o.Scheme == SchemeStandard, o.Scheme == SchemeAny && hasStd:
		return verifyStandard(secret, header, body, &o)
	default:
		return verifyInTime(secret, header, body)
	}
}

func verifyInTime(secret string, header http.Header, body []byte) error {
	lines := header.Values(HeaderSignature)
	if len(lines) == 0 {
		return ErrNoSignature
	}
	var values []string
	for _, v := range lines {
		for e := range strings.SplitSeq(v, ",") {
			if e = strings.TrimSpace(e); wellFormedInTime(e) {
				values = append(values, e)
			}
		}
	}
	if len(values) == 0 {
		return fmt.Errorf("%w: %s has no entry of the form sha256=<64 hex digits>", ErrMalformedSignature, HeaderSignature)
	}
	want := []byte(SignatureInTime(inTimeKey(secret), body))
	for _, v := range values {
		if hmac.Equal([]byte(v), want) {
			return nil
		}
	}
	return ErrInvalidSignature
}

// wellFormedInTime reports whether e reads "sha256=" and 64 hex digits.
func wellFormedInTime(e string) bool {
	h, ok := strings.CutPrefix(e, "sha256=")
	if !ok || len(h) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(h)
	return err == nil
}

// wellFormedStandard reports whether e reads "<version>,<base64>".
func wellFormedStandard(e string) bool {
	v, sig, ok := strings.Cut(e, ",")
	if !ok || v == "" || sig == "" {
		return false
	}
	_, err := base64.StdEncoding.DecodeString(sig)
	return err == nil
}

func verifyStandard(secret string, header http.Header, body []byte, o *VerifyOpts) error {
	id, sigs := header.Get(HeaderWebhookID), strings.Fields(strings.Join(header.Values(HeaderWebhookSignature), " "))
	if len(header.Values(HeaderWebhookSignature)) == 0 {
		return ErrNoSignature
	}
	if id == "" {
		return fmt.Errorf("%w: %s without %s", ErrMalformedSignature, HeaderWebhookSignature, HeaderWebhookID)
	}
	if !slices.ContainsFunc(sigs, wellFormedStandard) {
		return fmt.Errorf("%w: %s has no entry of the form v1,<base64>", ErrMalformedSignature, HeaderWebhookSignature)
	}
	raw := header.Get(HeaderWebhookTimestamp)
	ts, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || raw == "" || raw[0] < '0' || raw[0] > '9' {
		return ErrTimestamp // digits only, as the Standard Webhooks libraries
	}
	if d := o.Now().Sub(time.Unix(ts, 0)); d > o.Tolerance || d < -o.Tolerance {
		return ErrTimestamp
	}
	want := []byte(SignatureStandard(secret, id, ts, body))
	for _, s := range sigs {
		if hmac.Equal([]byte(s), want) {
			return nil
		}
	}
	return ErrInvalidSignature
}
