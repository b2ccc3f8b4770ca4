package providers_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
)

// TestFieldDefaults: an empty optional field takes its Default, for
// validation and in the settings every provider called through the SDK
// receives; a required field left empty keeps the spec's message.
func TestFieldDefaults(t *testing.T) {
	t.Parallel()
	s := providers.Settings{"smtpHost": "smtp.sendgrid.net", "rateLimitHour": "1000", "region": " "}
	with := s.WithDefaults(testInfo.Fields)
	require.Equal(t, "us-east-1", with["region"])
	require.Equal(t, " ", s["region"], "WithDefaults does not modify its receiver")
	full := providers.Settings{"region": "eu-west-1"}
	require.Equal(t, "eu-west-1", full.WithDefaults(testInfo.Fields)["region"])

	require.NoError(t, providers.ValidateSettings(testInfo.Fields, s))
	err := providers.ValidateSettings(testInfo.Fields, providers.Settings{"smtpHost": "smtp.sendgrid.net"})
	var ve *providers.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "Hourly rate limit is required", ve.Field("rateLimitHour"), "a required field's default is the form's, not a fallback")
	require.Empty(t, ve.Field("region"))

	h := newHost(t)
	require.NoError(t, h.Register("echo", &testProvider{}))
	registered, err := h.Provider("echo")
	require.NoError(t, err)
	_, plugin := loadSelf(t, "echo")
	op := &providers.Operation{Name: "settings"}
	for name, call := range map[string]func() (*providers.Result, error){
		"plugin":     func() (*providers.Result, error) { return plugin.Do(t.Context(), s, op) },
		"registered": func() (*providers.Result, error) { return registered.Do(t.Context(), s, op) },
		"instance": func() (*providers.Result, error) {
			return providers.NewInstance("Echo", &testProvider{}, s, nil).Call(t.Context(), op)
		},
	} {
		t.Run(name, func(t *testing.T) {
			r, err := call()
			require.NoError(t, err)
			var got providers.Settings
			require.NoError(t, json.Unmarshal(r.Payload, &got))
			require.Equal(t, "us-east-1", got["region"])
		})
	}
}

// TestFieldURLRules: "https, or http to a loopback host" as field rules.
func TestFieldURLRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://hooks.slack.com/services/T0/B0/x", true},
		{"http://hooks.slack.com/services/T0/B0/x", false},
		{"http://127.0.0.1:8080/hook", true},
		{"http://127.1.2.3/hook", true},
		{"http://localhost:3000/hook", true},
		{"http://api.localhost/hook", true},
		{"http://[::1]:8080/hook", true},
		{"http://10.0.0.1/hook", false},
		{"http://localhost.example.com/hook", false},
		{"ftp://127.0.0.1/hook", false},
		{"https:///no-host", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			err := providers.ValidateSettings(testInfo.Fields, providers.Settings{"smtpHost": "x.example.com",
				"rateLimitHour": "1000", "hookUrl": tt.url})
			if tt.ok {
				require.NoError(t, err)
				return
			}
			var ve *providers.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, "Please enter an https URL", ve.Field("hookUrl"))
		})
	}
	plain := providers.Field{Name: "u", Type: providers.FieldURL}
	require.NoError(t, providers.ValidateSettings([]providers.Field{plain}, providers.Settings{"u": "http://example.com"}),
		"without Schemes, http and https")
}

// TestCheckEndpointURL: an endpoint given as a URL dials its port or the
// scheme's, and runs TLS for https; a host without a port dials 443 with
// TLS and 80 without, never port 0.
func TestCheckEndpointURL(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	res, conn := providers.CheckEndpoint(t.Context(), &providers.EndpointCheck{URL: srv.URL + "/v3/mail/send",
		TLS: &tls.Config{RootCAs: roots}})
	require.True(t, res.OK(), "%+v", res.Stages)
	require.Equal(t, []providers.StageStatus{providers.StagePassed, providers.StagePassed, providers.StagePassed},
		[]providers.StageStatus{res.Stages[0].Status, res.Stages[1].Status, res.Stages[2].Status})
	_, isTLS := conn.(*tls.Conn)
	require.True(t, isTLS)
	require.NoError(t, conn.Close())

	tests := []struct {
		check   providers.EndpointCheck
		addr    string
		withTLS bool
	}{
		{providers.EndpointCheck{URL: "https://127.0.0.1/hook"}, "127.0.0.1:443", true},
		{providers.EndpointCheck{URL: "http://127.0.0.1/hook"}, "127.0.0.1:80", false},
		{providers.EndpointCheck{URL: "http://127.0.0.1:8025/hook"}, "127.0.0.1:8025", false},
		{providers.EndpointCheck{Host: "127.0.0.1", TLS: &tls.Config{}}, "127.0.0.1:443", true},
		{providers.EndpointCheck{Host: "127.0.0.1"}, "127.0.0.1:80", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			var dialed string
			c := tt.check
			c.Dial = func(_ context.Context, _, addr string) (net.Conn, error) {
				dialed = addr
				client, server := net.Pipe()
				go func() { _ = server.Close() }()
				return client, nil
			}
			res, conn := providers.CheckEndpoint(t.Context(), &c)
			if conn != nil {
				_ = conn.Close()
			}
			require.Equal(t, tt.addr, dialed)
			tlsStage := res.Stages[2]
			require.Equal(t, providers.StageTLS, tlsStage.Name)
			if tt.withTLS {
				require.Equal(t, providers.StageFailed, tlsStage.Status, "the TLS stage ran against the closed pipe")
			} else {
				require.Equal(t, providers.StageSkipped, tlsStage.Status)
			}
		})
	}

	res, _ = providers.CheckEndpoint(t.Context(), &providers.EndpointCheck{URL: "ftp://example.com"})
	require.Equal(t, providers.StageDNS, res.Failed().Name)
	require.Equal(t, `providers: endpoint "ftp://example.com" is not an http(s) URL`, res.Failed().Message)
}
