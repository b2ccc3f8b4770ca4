package oidc_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/oidc"
	"github.com/intimeos/integrations/retry"
)

// TestCheck runs the connection test's stages against the in-process OP:
// DNS, TCP, TLS (skipped for its plain http), then discovery, JWKS and the
// client's credentials at the token endpoint.
func TestCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		settings []string
		hook     func(http.ResponseWriter, *http.Request) bool
		down     bool
		failed   providers.StageName
		class    retry.Class
		message  string
	}{
		{name: "passes"},
		{name: "wrong client secret", settings: []string{oidc.FieldClientSecret, "wrong"}, failed: providers.StageAuth,
			class: retry.ClassClientError, message: "invalid_client"},
		{name: "discovery 503", hook: answer("/.well-known/openid-configuration", 503, `{}`), failed: providers.StageAuth,
			class: retry.ClassServerError, message: "503"},
		{name: "empty JWKS", hook: answer("/keys", 200, `{"keys":[]}`), failed: providers.StageAuth,
			class: retry.ClassPermanent, message: "holds no public key"},
		{name: "JWKS of encryption keys only", hook: answer("/keys", 200, `{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`),
			failed: providers.StageAuth, class: retry.ClassPermanent, message: "holds no public key"},
		{name: "issuer of another path", settings: []string{oidc.FieldIssuerURL, "ISSUER/realms/other"}, failed: providers.StageAuth,
			class: retry.ClassClientError, message: "404"},
		{name: "issuer down", down: true, failed: providers.StageTCP, class: retry.ClassConnRefused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, opOpts{})
			e.op.setHook(tc.hook)
			s := with(e.settings, tc.settings...)
			s[oidc.FieldIssuerURL] = strings.ReplaceAll(s[oidc.FieldIssuerURL], "ISSUER", e.op.issuer)
			if tc.down {
				e.op.srv.Close()
			}
			res, err := e.p.Check(t.Context(), s)
			require.NoError(t, err)
			names := []providers.StageName{}
			for _, st := range res.Stages {
				names = append(names, st.Name)
			}
			require.Equal(t, []providers.StageName{providers.StageDNS, providers.StageTCP, providers.StageTLS, providers.StageAuth}, names)
			require.Equal(t, providers.StageSkipped, res.Stages[2].Status, "plain http: no TLS stage")
			if tc.failed == "" {
				require.True(t, res.OK(), "%+v", res.Stages)
				return
			}
			f := res.Failed()
			require.NotNil(t, f, "%+v", res.Stages)
			require.Equal(t, tc.failed, f.Name)
			require.Equal(t, tc.class, f.Class, f.Message)
			require.Contains(t, f.Message, tc.message)
			require.NotContains(t, f.Message, clientSecret)
		})
	}
}

// TestCheckTLS: against an https issuer the TLS stage runs, and an
// untrusted certificate fails it (the machine's roots do not trust the
// test's certificate, as they would not trust a forged Okta).
func TestCheckTLS(t *testing.T) {
	t.Parallel()
	cert := newTestCert(t, "127.0.0.1")
	e := setup(t, opOpts{tls: cert, issuer: "https://127.0.0.1"})
	s := with(e.settings, oidc.FieldIssuerURL, "https://"+e.op.srv.Listener.Addr().String())
	res, err := oidc.New(nil).Check(t.Context(), s)
	require.NoError(t, err)
	f := res.Failed()
	require.NotNil(t, f)
	require.Equal(t, providers.StageTLS, f.Name)
	require.Equal(t, retry.ClassTLS, f.Class)
}

// TestInvalidSettingsCheck: invalid settings are an error, not a stage.
func TestInvalidSettingsCheck(t *testing.T) {
	t.Parallel()
	_, err := oidc.New(nil).Check(t.Context(), providers.Settings{oidc.FieldPreset: oidc.PresetOkta})
	var ve *providers.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "Domain is required", ve.Field(oidc.FieldDomain))
}
