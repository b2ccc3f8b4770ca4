package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Header names of a delivery.
const (
	HeaderEvent = "X-InTime-Event"
	// HeaderSignature is "sha256=" and the hex HMAC-SHA256 of the body.
	// While a regenerated secret's predecessor still signs, it is one line
	// with one such entry per live secret, newest first, separated by
	// ", " (the form proxies fold repeated headers into, so every receiver
	// sees the same value); [Verify] accepts any entry.
	HeaderSignature = "X-InTime-Signature"
	// HeaderDelivery carries the event ID, the same on every retry, for
	// receivers to de-duplicate (DESIGN decision 3).
	HeaderDelivery = "X-InTime-Delivery"
	// HeaderAttempt is the attempt number, 1 for the first.
	HeaderAttempt = "X-InTime-Attempt"
	// The Standard Webhooks headers (standardwebhooks.com).
	HeaderWebhookID        = "Webhook-Id"
	HeaderWebhookTimestamp = "Webhook-Timestamp"
	HeaderWebhookSignature = "Webhook-Signature"
)

// SecretBytes is the number of random bytes in a generated secret; its
// standard base64 form is 32 characters long.
const SecretBytes = 24

// userAgent identifies deliveries.
const userAgent = "InTime-Webhooks/1.0"

// GenerateSecret returns a new signing secret: 24 bytes from crypto/rand as a
// 32-character standard base64 string.
func GenerateSecret() (string, error) {
	b := make([]byte, SecretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("webhook: generate secret: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// SignatureInTime returns the X-InTime-Signature value for body:
// "sha256=" and the hex HMAC-SHA256 of body keyed by the secret's text.
func SignatureInTime(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// SignatureStandard returns one Standard Webhooks signature entry,
// "v1," and the base64 HMAC-SHA256 of "id.timestamp.body". As the Standard
// Webhooks libraries do, the key is the base64-decoded secret, so a receiver
// using one of them configures the secret as "whsec_" + secret.
func SignatureStandard(secret, id string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, standardKey(secret))
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// standardKey decodes a secret (with or without the "whsec_" prefix); text
// that is not base64 is used as is.
func standardKey(secret string) []byte {
	secret = strings.TrimPrefix(secret, "whsec_")
	if k, err := base64.StdEncoding.DecodeString(secret); err == nil && len(k) > 0 {
		return k
	}
	return []byte(secret)
}

// inTimeKey is the X-InTime-Signature key of a secret: its text, without
// a "whsec_" prefix.
func inTimeKey(secret string) string { return strings.TrimPrefix(secret, "whsec_") }

// The header names of signedHeaders in canonical form, so that the map is
// filled without canonicalising the same names for every attempt.
var (
	keyContentType      = http.CanonicalHeaderKey("Content-Type")
	keyUserAgent        = http.CanonicalHeaderKey("User-Agent")
	keyEvent            = http.CanonicalHeaderKey(HeaderEvent)
	keyDelivery         = http.CanonicalHeaderKey(HeaderDelivery)
	keyAttempt          = http.CanonicalHeaderKey(HeaderAttempt)
	keyWebhookID        = http.CanonicalHeaderKey(HeaderWebhookID)
	keyWebhookTimestamp = http.CanonicalHeaderKey(HeaderWebhookTimestamp)
	keyWebhookSignature = http.CanonicalHeaderKey(HeaderWebhookSignature)
	keySignature        = http.CanonicalHeaderKey(HeaderSignature)
)

// signedHeaders returns every header of a delivery: content type, event,
// delivery ID, attempt, and one signature per live secret in both schemes
// (newest secret first).
func signedHeaders(eventType string, eventID uuid.UUID, attempt int, at time.Time, body []byte, secrets []string) http.Header {
	id, ts := "msg_"+eventID.String(), at.Unix()
	vals := []string{"application/json", userAgent, eventType, id[len("msg_"):], strconv.Itoa(attempt), id,
		strconv.FormatInt(ts, 10)}
	h := http.Header{
		keyContentType: vals[0:1:1], keyUserAgent: vals[1:2:2], keyEvent: vals[2:3:3], keyDelivery: vals[3:4:4],
		keyAttempt: vals[4:5:5], keyWebhookID: vals[5:6:6], keyWebhookTimestamp: vals[6:7:7],
	}
	if len(secrets) == 0 {
		return h
	}
	inTime, standard := make([]string, len(secrets)), make([]string, len(secrets))
	for i, s := range secrets {
		inTime[i], standard[i] = SignatureInTime(s, body), SignatureStandard(s, id, ts, body)
	}
	h[keySignature] = []string{strings.Join(inTime, ", ")}
	h[keyWebhookSignature] = []string{strings.Join(standard, " ")}
	return h
}
