package webhook_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

// nulNameServer starts a TLS server whose certificate names a host with a
// NUL byte in it; Go's TLS client quotes that name in its error.
func nulNameServer(t *testing.T) *httptest.Server {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "nul"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"evil\x00name.example"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// TestErrorTextStorable: an attempt whose error quotes a NUL byte (here a
// certificate's name) is recorded and dead-lettered like any other. On
// PostgreSQL, which refuses NUL in TEXT, it used never to be recorded: the
// lease expired, the reaper returned the row, and the endpoint was called
// again, forever.
func TestErrorTextStorable(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, fastConfig(nil, testPolicy(1)))
		u, err := url.Parse(nulNameServer(t).URL)
		require.NoError(t, err)
		s, err := b.d.SubscriptionCreate(b.ctx, &webhook.SubscriptionCreateParams{OrganizationID: b.org, Name: "nul",
			URL: "https://localhost:" + u.Port() + "/hook", Events: []string{webhook.EventJobCreated}})
		require.NoError(t, err)
		// Every attempt fails the same way and TLS errors are not retried.
		b.start(t)
		ev := b.publish(t, webhook.EventJobCreated, nil)[0].EventID
		row := b.waitChain(t, ev, 1)[0]
		require.Equal(t, s.ID, row.WebhookID)
		require.Equal(t, storage.DeliveryDLQ, row.Status)
		require.Contains(t, row.ErrorMessage, "evil\uFFFDname.example")
		require.True(t, utf8.ValidString(row.ErrorMessage))
		require.NotContains(t, row.ErrorMessage, "\x00")
		page, err := b.d.DLQList(b.ctx, &storage.DLQListParams{OrganizationID: b.org})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		require.False(t, strings.ContainsRune(page.Items[0].Reason, 0), "the dead letter's reason too")
	})
}
