package ses

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // SNS SignatureVersion 1 is SHA1withRSA, as AWS documents it
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// The SNS message types, in the body's Type and the
// x-amz-sns-message-type header.
const (
	SNSNotification             = "Notification"
	SNSSubscriptionConfirmation = "SubscriptionConfirmation"
	SNSUnsubscribeConfirmation  = "UnsubscribeConfirmation"
)

// SNSTypeHeader is the header in which SNS names the message type.
const SNSTypeHeader = "X-Amz-Sns-Message-Type"

// DefaultSNSHost matches the hosts SNS signing certificates and
// subscription confirmations are served from, as AWS documents them:
// sns.<region>.amazonaws.com (and amazonaws.com.cn in China). Only https
// URLs on such a host are fetched.
var DefaultSNSHost = regexp.MustCompile(`^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$`)

// SNSMessage is the JSON document SNS posts to an HTTP(S) subscription.
type SNSMessage struct {
	Type             string `json:"Type"`
	MessageID        string `json:"MessageId"`
	Token            string `json:"Token,omitempty"`
	TopicARN         string `json:"TopicArn"`
	Subject          string `json:"Subject,omitempty"`
	Message          string `json:"Message"`
	SubscribeURL     string `json:"SubscribeURL,omitempty"`
	UnsubscribeURL   string `json:"UnsubscribeURL,omitempty"`
	Timestamp        string `json:"Timestamp"`
	SignatureVersion string `json:"SignatureVersion"`
	Signature        string `json:"Signature"`
	SigningCertURL   string `json:"SigningCertURL"`
}

// Errors of SNS message verification. Each is a reason to refuse the
// message as unauthenticated.
var (
	ErrSNSSignature = errors.New("ses: SNS message signature missing or invalid")
	ErrSNSCertURL   = errors.New("ses: SNS signing certificate URL is not an https URL on an SNS host")
	ErrSNSStale     = errors.New("ses: SNS message timestamp outside the allowed age")
	ErrSNSTopic     = errors.New("ses: SNS message from a topic that is not configured")
)

// ParseSNSMessage decodes an SNS message. It checks the form only; the
// signature is checked by [Provider.HandleWebhook].
func ParseSNSMessage(body []byte) (*SNSMessage, error) {
	var m SNSMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("ses: decode SNS message: %w", err)
	}
	switch m.Type {
	case SNSNotification, SNSSubscriptionConfirmation, SNSUnsubscribeConfirmation:
	default:
		return nil, fmt.Errorf("ses: not an SNS message (Type %q)", truncate(m.Type, 40))
	}
	if m.MessageID == "" || m.TopicARN == "" || m.Timestamp == "" {
		return nil, errors.New("ses: SNS message without MessageId, TopicArn or Timestamp")
	}
	return &m, nil
}

// StringToSign returns the canonical text SNS signs for the message's
// type: for a Notification the Message, MessageId, Subject (when present),
// Timestamp, TopicArn and Type; for the confirmations the Message,
// MessageId, SubscribeURL, Timestamp, Token, TopicArn and Type; each as
// its name, a newline, its value and a newline.
func (m *SNSMessage) StringToSign() (string, error) {
	var fields [][2]string
	switch m.Type {
	case SNSNotification:
		fields = [][2]string{{"Message", m.Message}, {"MessageId", m.MessageID}}
		if m.Subject != "" {
			fields = append(fields, [2]string{"Subject", m.Subject})
		}
		fields = append(fields, [][2]string{{"Timestamp", m.Timestamp}, {"TopicArn", m.TopicARN}, {"Type", m.Type}}...)
	case SNSSubscriptionConfirmation, SNSUnsubscribeConfirmation:
		fields = [][2]string{{"Message", m.Message}, {"MessageId", m.MessageID}, {"SubscribeURL", m.SubscribeURL},
			{"Timestamp", m.Timestamp}, {"Token", m.Token}, {"TopicArn", m.TopicARN}, {"Type", m.Type}}
	default:
		return "", fmt.Errorf("ses: no canonical string for SNS message type %q", truncate(m.Type, 40))
	}
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(f[0])
		b.WriteByte('\n')
		b.WriteString(f[1])
		b.WriteByte('\n')
	}
	return b.String(), nil
}

// SNSHash returns the hash of a signature version: SHA-1 for "1",
// SHA-256 for "2".
func SNSHash(version string) (crypto.Hash, error) {
	switch version {
	case "1":
		return crypto.SHA1, nil
	case "2":
		return crypto.SHA256, nil
	}
	return 0, fmt.Errorf("%w: unknown SignatureVersion %q", ErrSNSSignature, truncate(version, 10))
}

// Digest returns what SNS signs for m, hashed as its SignatureVersion
// says, and the hash.
func (m *SNSMessage) Digest() (crypto.Hash, []byte, error) {
	h, err := SNSHash(m.SignatureVersion)
	if err != nil {
		return 0, nil, err
	}
	text, err := m.StringToSign()
	if err != nil {
		return 0, nil, err
	}
	if h == crypto.SHA1 {
		d := sha1.Sum([]byte(text)) //nolint:gosec // SignatureVersion 1
		return h, d[:], nil
	}
	d := sha256.Sum256([]byte(text))
	return h, d[:], nil
}

// verifySignature checks m's signature with key.
func (m *SNSMessage) verifySignature(key *rsa.PublicKey) error {
	h, digest, err := m.Digest()
	if err != nil {
		return err
	}
	sig, err := base64.StdEncoding.DecodeString(m.Signature)
	if err != nil || len(sig) == 0 {
		return ErrSNSSignature
	}
	if rsa.VerifyPKCS1v15(key, h, digest, sig) != nil {
		return ErrSNSSignature
	}
	return nil
}

// checkAge refuses a message whose Timestamp is further than maxAge from
// now (zero maxAge: no check).
func (m *SNSMessage) checkAge(now time.Time, maxAge time.Duration) error {
	at, err := time.Parse(time.RFC3339Nano, m.Timestamp)
	if err != nil {
		return fmt.Errorf("%w: Timestamp is not RFC 3339", ErrSNSStale)
	}
	if maxAge > 0 {
		if d := now.Sub(at); d > maxAge || d < -maxAge {
			return ErrSNSStale
		}
	}
	return nil
}

// snsURL parses raw and accepts it only as an https URL, without user
// information, on a host host matches; suffix, if set, must end its path.
func snsURL(raw string, host *regexp.Regexp, suffix string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Opaque != "" || !host.MatchString(u.Host) {
		return nil, ErrSNSCertURL
	}
	if suffix != "" && !strings.HasSuffix(u.Path, suffix) {
		return nil, ErrSNSCertURL
	}
	return u, nil
}

// topicAllowed reports whether arn is one of the comma-separated ARNs of
// allowed.
func topicAllowed(allowed, arn string) bool {
	for _, a := range strings.Split(allowed, ",") {
		if strings.TrimSpace(a) == arn && arn != "" {
			return true
		}
	}
	return false
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
