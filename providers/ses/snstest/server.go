package snstest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers/ses"
)

// CertPath is where the server serves its signing certificate.
const CertPath = "/SimpleNotificationService-0123456789abcdef.pem"

// ConfirmPath is the path of the SubscribeURLs the server hands out.
const ConfirmPath = "/confirm"

// Server is the SNS side of a subscription.
type Server struct {
	// URL is the server's base URL, https://127.0.0.1:port.
	URL string
	// CertURL is the signing certificate's URL.
	CertURL string
	// Host matches the server's host and port: ses.Config.SNSHost.
	Host *regexp.Regexp
	// Client trusts the server: ses.Config.SNSClient.
	Client *http.Client

	key *rsa.PrivateKey
	pem []byte
	// tlsPEM is the server's TLS certificate, for plugin processes to
	// trust ([Server.Env]).
	tlsPEM []byte

	mu            sync.Mutex
	confirmations []string
	certFetches   int
}

// Start starts a server whose certificate is valid from an hour before
// now to a day after; the test's cleanup stops it.
func Start(t testing.TB) *Server {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sns.amazonaws.com"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	s := &Server{key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
	srv := httptest.NewTLSServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	s.URL, s.CertURL, s.Client = srv.URL, srv.URL+CertPath, srv.Client()
	s.tlsPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	s.Host = regexp.MustCompile(`^` + regexp.QuoteMeta(u.Host) + `$`)
	return s
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.URL.Path {
	case CertPath:
		s.certFetches++
		w.Header().Set("Content-Type", "application/x-x509-ca-cert")
		_, _ = w.Write(s.pem)
	case ConfirmPath:
		if r.URL.Query().Get("Action") != "ConfirmSubscription" {
			http.Error(w, "unknown action", http.StatusBadRequest)
			return
		}
		s.confirmations = append(s.confirmations, r.URL.Query().Get("Token"))
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte(`<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>` +
			r.URL.Query().Get("TopicArn") + `:sub</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>`))
	default:
		http.NotFound(w, r)
	}
}

// Confirmations returns the tokens of the confirmations received.
func (s *Server) Confirmations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.confirmations...)
}

// CertFetches returns how many times the certificate was fetched.
func (s *Server) CertFetches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.certFetches
}

// Sign signs m with the server's key as SNS does for version "1" or "2",
// setting its SignatureVersion, SigningCertURL and Signature.
func (s *Server) Sign(t testing.TB, m *ses.SNSMessage, version string) {
	t.Helper()
	m.SignatureVersion, m.SigningCertURL = version, s.CertURL
	h, digest, err := m.Digest()
	require.NoError(t, err)
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, h, digest)
	require.NoError(t, err)
	m.Signature = base64.StdEncoding.EncodeToString(sig)
}

// Notification returns the signed body of a Notification of topic with
// message (an SES notification, see [Bounce]) sent at at.
func (s *Server) Notification(t testing.TB, topic, id, message string, at time.Time, version string) []byte {
	t.Helper()
	m := &ses.SNSMessage{Type: ses.SNSNotification, MessageID: id, TopicARN: topic, Message: message,
		Timestamp: at.UTC().Format("2006-01-02T15:04:05.000Z"), UnsubscribeURL: s.URL + "/unsubscribe"}
	s.Sign(t, m, version)
	return Body(t, m)
}

// SubscriptionConfirmation returns the signed body of a confirmation of
// topic whose SubscribeURL points at the server.
func (s *Server) SubscriptionConfirmation(t testing.TB, topic, id, token string, at time.Time) []byte {
	t.Helper()
	q := url.Values{"Action": {"ConfirmSubscription"}, "TopicArn": {topic}, "Token": {token}}
	m := &ses.SNSMessage{Type: ses.SNSSubscriptionConfirmation, MessageID: id, TopicARN: topic, Token: token,
		Message:      "You have chosen to subscribe to the topic " + topic + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.",
		SubscribeURL: s.URL + ConfirmPath + "?" + q.Encode(), Timestamp: at.UTC().Format("2006-01-02T15:04:05.000Z")}
	s.Sign(t, m, "1")
	return Body(t, m)
}

// Body encodes m as SNS posts it.
func Body(t testing.TB, m *ses.SNSMessage) []byte {
	t.Helper()
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

// Header returns the headers SNS sends with a message of type typ.
func Header(typ string) http.Header {
	return http.Header{"Content-Type": {"text/plain; charset=UTF-8"}, ses.SNSTypeHeader: {typ},
		"X-Amz-Sns-Message-Id": {"ignored-by-the-verifier"}, "User-Agent": {"Amazon Simple Notification Service Agent"}}
}
