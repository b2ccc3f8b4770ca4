package integration_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/providers/sendgrid"
	"github.com/intimeos/integrations/storage"
)

func kinds(as []integration.SuggestedAction) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Kind
	}
	return out
}

// TestTroubleshootTimeouts is the §5 screen: repeated timeouts, the
// pattern, and the six suggested actions less the status page the probe
// has none of.
func TestTroubleshootTimeouts(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, nil)
		failing := func(s providers.Settings) { s["checkMode"] = "fail" }
		in := e.create(t, &integration.CreateParams{Settings: probeSettings(uuid.NewString(), failing)})
		backup := e.create(t, &integration.CreateParams{Settings: probeSettings(uuid.NewString())})
		_, err := e.mgr.BackupSet(e.ctx, e.org, "probe", backup.ID)
		require.NoError(t, err)
		for range 3 {
			e.clock.Advance(time.Minute)
			_, err := e.mgr.Test(e.ctx, &integration.TestParams{OrganizationID: e.org, ID: in.ID})
			require.NoError(t, err)
		}
		e.flush(t)

		d, err := e.mgr.Troubleshoot(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.Equal(t, "Connection to Probe probe timed out", d.Summary)
		require.Equal(t, integration.PatternTimeouts, d.Pattern)
		require.GreaterOrEqual(t, len(d.RecentErrors), 4, "the create's check and three tests")
		require.Equal(t, []string{integration.ActionVerifyKey, integration.ActionTestNetwork, integration.ActionCheckFirewall,
			integration.ActionViewLogs, integration.ActionSwitchBackup}, kinds(d.Actions))
		require.Equal(t, integration.SuggestedAction{Kind: integration.ActionTestNetwork, Label: "Test Network",
			Detail: "Can server reach probe.example.com?"}, d.Actions[1])
		require.Equal(t, "Is port 443 blocked?", d.Actions[2].Detail)
		require.Equal(t, "Use Probe probe temporarily", d.Actions[4].Detail)

		d, err = e.mgr.Troubleshoot(e.ctx, e.org, backup.ID)
		require.NoError(t, err)
		require.Equal(t, integration.MsgTestPassed, d.Summary)
		require.NotContains(t, kinds(d.Actions), integration.ActionSwitchBackup, "the backup has no backup")
	})
}

// TestTroubleshootAuth: SendGrid refuses the key; the diagnosis says the
// spec's message, links the status page and offers to verify the key.
func TestTroubleshootAuth(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, &envOpts{providers: map[string]providers.Provider{"sendgrid": sendgrid.New(nil)}})
		sg := emailtest.StartSendGrid(t, &emailtest.SendGridOpts{APIKey: "SG.another-key"})
		in := e.create(t, &integration.CreateParams{Type: integration.TypeEmail, Provider: "sendgrid",
			Name: "Transactional email", Settings: sendgridSettings(sg.URL)})
		e.flush(t)
		d, err := e.mgr.Troubleshoot(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.Equal(t, "Authentication failed. Please check credentials.", d.Summary)
		require.Equal(t, integration.PatternAuth, d.Pattern)
		require.Equal(t, []string{integration.ActionVerifyKey, integration.ActionViewLogs}, kinds(d.Actions))
		require.Equal(t, "Verify API Key", d.Actions[0].Label)
		require.Equal(t, "Is key valid and not expired?", d.Actions[0].Detail)
	})
}

// TestTroubleshootPatterns: the recorder's error entries of each class
// make their pattern, while the connection test passes.
func TestTroubleshootPatterns(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		for _, tc := range []struct {
			name, class, kind, pattern string
			n                          int
			actions                    []string
		}{
			{"rate limits", "rate_limited", "rate_limited", integration.PatternRateLimits, 3,
				[]string{integration.ActionViewLogs}},
			{"outage", "server_error", "retryable", "Repeated provider errors suggest Probe probe is having an outage", 2,
				[]string{integration.ActionViewLogs}},
			{"certificates", "tls", "retryable", integration.PatternTLS, 1,
				[]string{integration.ActionTestNetwork, integration.ActionViewLogs}},
			{"one timeout is no pattern", "timeout", "retryable", "", 1, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := setup(t, open, nil)
				srv := tlsServer(t, e.clock.Now().Add(365*24*time.Hour))
				in := e.create(t, &integration.CreateParams{Settings: probeSettings(uuid.NewString(), srv)})
				ps := make([]*storage.LogInsertParams, tc.n)
				for i := range ps {
					det, _ := json.Marshal(map[string]any{"class": tc.class, "kind": tc.kind})
					ps[i] = &storage.LogInsertParams{OrganizationID: e.org, IntegrationID: in.ID, Level: storage.LogError,
						Message: "failure", Details: det, Time: e.clock.Now().Add(-time.Duration(i+1) * time.Minute)}
				}
				require.NoError(t, e.store.LogInsert(e.ctx, ps))
				d, err := e.mgr.Troubleshoot(e.ctx, e.org, in.ID)
				require.NoError(t, err)
				require.Equal(t, tc.pattern, d.Pattern)
				if tc.pattern == "" {
					require.Equal(t, integration.MsgTestPassed, d.Summary)
					return
				}
				require.Equal(t, "failure", d.Summary, "the latest error's message")
				require.Equal(t, tc.actions, kinds(d.Actions))
			})
		}
	})
}

// TestTroubleshootCertificateExpiry: the staged check passes, but the
// endpoint's certificate expires in 10 days.
func TestTroubleshootCertificateExpiry(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, nil)
		notAfter := e.clock.Now().Add(10*24*time.Hour + time.Hour)
		srv := tlsServer(t, notAfter)
		in := e.create(t, &integration.CreateParams{Settings: probeSettings(uuid.NewString(), srv)})
		d, err := e.mgr.Troubleshoot(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.Equal(t, integration.MsgTestPassed, d.Summary)
		require.NotNil(t, d.Certificate)
		require.Equal(t, notAfter.Truncate(time.Second), d.Certificate.NotAfter)
		require.Contains(t, d.Pattern, "expires in 10 days")
		require.Contains(t, kinds(d.Actions), integration.ActionTestNetwork)

		e.clock.Advance(11 * 24 * time.Hour)
		d, err = e.mgr.Troubleshoot(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.Equal(t, integration.MsgCertificateFailed, d.Summary)
		require.Contains(t, d.Pattern, "expired on")
	})
}

// tlsServer starts a TLS server whose certificate expires at notAfter and
// returns the settings edit that points the probe at it.
func tlsServer(t *testing.T, notAfter time.Time) func(providers.Settings) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: notAfter.Add(-400 * 24 * time.Hour), NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	require.NoError(t, err)
	return func(s providers.Settings) { s["host"], s["port"] = "127.0.0.1", port }
}
