package adp_test

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/adp"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/retry"
)

// setup returns a fake ADP and an in-process provider closed by the test.
func setup(t *testing.T, cfg *adp.Config) (*fakeADP, *adp.Provider) {
	t.Helper()
	f := newFakeADP(t)
	p := adp.New(cfg)
	t.Cleanup(func() { _ = p.Close() })
	return f, p
}

func op(name string, payload any) *providers.Operation {
	b, err := json.Marshal(payload)
	if err != nil {
		panic(err)
	}
	return &providers.Operation{Name: name, Payload: b}
}

func with(s providers.Settings, kv ...string) providers.Settings {
	out := providers.Settings{}
	for k, v := range s {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func decodeResult[T any](t *testing.T, r *providers.Result) *T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(r.Payload, &v))
	return &v
}

var (
	workersOp = op(adp.OpWorkersList, &adp.WorkersListParams{Top: 2})
	exportOp  = op(adp.OpPayrollExport, &adp.PayrollExportParams{LastPayDates: 2, Format: adp.FormatCSV})
)

func suite(f *fakeADP) *providertest.Suite {
	good := f.Settings(clientGood)
	return &providertest.Suite{
		Settings: good,
		Calls: []providertest.Call{
			{Name: "workers first page", Op: workersOp, Check: func(t *testing.T, r *providers.Result) {
				page := decodeResult[adp.WorkersPage](t, r)
				require.Equal(t, 3, page.Total)
				require.Equal(t, adp.Worker{AssociateOID: "G3A1", WorkerID: "A1", GivenName: "Ada", FamilyName: "Lovelace",
					FormattedName: "Lovelace, Ada", Email: "ada@example.com", Status: "Active", HireDate: "2019-03-04",
					JobTitle: "Recruiter"}, page.Workers[0])
				require.Len(t, page.Workers, 2)
			}},
			{Name: "workers past the end", Op: op(adp.OpWorkersList, &adp.WorkersListParams{Skip: 100}),
				Check: func(t *testing.T, r *providers.Result) {
					require.Empty(t, decodeResult[adp.WorkersPage](t, r).Workers)
				}},
			{Name: "payroll export", Op: exportOp, Check: func(t *testing.T, r *providers.Result) {
				res := decodeResult[adp.PayrollExportResult](t, r)
				require.Len(t, res.Rows, 3)
				require.Equal(t, adp.PayrollRow{AssociateOID: "G3B2", PayDate: "2024-04-30", GrossPay: "2600.5",
					NetPay: "2010.00", Currency: "USD", TotalHours: "86.5",
					StatementURI: "/payroll/v1/workers/G3B2/pay-statements/2001"}, res.Rows[2])
				require.Equal(t, "associateOid,payDate,grossPay,netPay,currency,totalHours,statementUri\n"+
					"G3A1,2024-04-30,2307.69,1845.12,USD,80,/payroll/v1/workers/G3A1/pay-statements/1002\n"+
					"G3A1,2024-04-15,2307.69,1845.12,USD,80,/payroll/v1/workers/G3A1/pay-statements/1001\n"+
					"G3B2,2024-04-30,2600.5,2010.00,USD,86.5,/payroll/v1/workers/G3B2/pay-statements/2001\n", res.CSV)
			}},
		},
		Failures: []providertest.Failure{
			{Name: "wrong secret", Settings: with(good, adp.FieldClientSecret, "wrong"), Op: workersOp, Kind: providers.KindAuth},
			{Name: "API 429", Settings: f.Settings(clientBusy), Op: workersOp, Kind: providers.KindRateLimited,
				RetryAfter: 30 * time.Second},
			{Name: "token 429", Settings: f.Settings(clientTokenBusy), Op: workersOp, Kind: providers.KindRateLimited,
				RetryAfter: 20 * time.Second},
			{Name: "API 503", Settings: f.Settings(clientDown), Op: exportOp, Kind: providers.KindRetryable},
			{Name: "unknown worker 404", Op: op(adp.OpPayrollExport, &adp.PayrollExportParams{AssociateOIDs: []string{"NOPE"}}),
				Kind: providers.KindInvalidInput},
			{Name: "page too big", Op: op(adp.OpWorkersList, &adp.WorkersListParams{Top: 500}), Kind: providers.KindInvalidInput},
			{Name: "bad format", Op: op(adp.OpPayrollExport, &adp.PayrollExportParams{Format: "xlsx"}), Kind: providers.KindInvalidInput},
			{Name: "certificate not issued by ADP", Settings: with(good, adp.FieldClientCertificate, f.pki.rogueCert,
				adp.FieldClientKey, f.pki.rogueKey), Op: workersOp, Kind: providers.KindPermanent},
			{Name: "missing certificate", Settings: with(good, adp.FieldClientCertificate, ""), Op: workersOp,
				Kind: providers.KindInvalidInput},
		},
	}
}

// TestConformance is the must-show: the provider passes providertest in
// process and as a plugin (this test binary re-executed), against a fake
// ADP that requires the client certificate on every connection.
func TestConformance(t *testing.T) {
	t.Parallel()
	f, p := setup(t, nil)
	s := suite(f)
	t.Run("in process", func(t *testing.T) { providertest.Exercise(t, p, s) })
	t.Run("plugin", func(t *testing.T) { providertest.Exercise(t, providertest.Plugin(t, adp.Name), s) })
}

// TestTokenReuse proves that the token source is shared: N calls within a
// token's lifetime make exactly one token request, in process and in the
// plugin process; tokens that expire at once are fetched for every call.
func TestTokenReuse(t *testing.T) {
	t.Parallel()
	const n = 5
	tests := []struct {
		name   string
		plugin bool
		client string
		want   int64
	}{
		{"in process", false, clientGood, 1},
		{"plugin", true, clientGood, 1},
		{"short-lived tokens", false, clientShort, n},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, p := setup(t, nil)
			var prov providers.Provider = p
			if tt.plugin {
				prov = providertest.Plugin(t, adp.Name)
			}
			for range n {
				_, err := prov.Do(t.Context(), f.Settings(tt.client), workersOp)
				require.NoError(t, err)
			}
			require.Equal(t, tt.want, f.tokenRequests.Load())
		})
	}
}

// TestConcurrentCallsShareToken: concurrent first calls still make one
// token request (ReuseTokenSource serialises the fetch).
func TestConcurrentCallsShareToken(t *testing.T) {
	t.Parallel()
	f, p := setup(t, nil)
	errs := make(chan error, 8)
	for range cap(errs) {
		go func() {
			_, err := p.Do(t.Context(), f.Settings(clientGood), workersOp)
			errs <- err
		}()
	}
	for range cap(errs) {
		require.NoError(t, <-errs)
	}
	require.Equal(t, int64(1), f.tokenRequests.Load())
}

// TestRevokedToken: an API 401 drops the cached token and the call
// succeeds with a new one.
func TestRevokedToken(t *testing.T) {
	t.Parallel()
	f, p := setup(t, nil)
	_, err := p.Do(t.Context(), f.Settings(clientGood), workersOp)
	require.NoError(t, err)
	f.Revoke()
	_, err = p.Do(t.Context(), f.Settings(clientGood), workersOp)
	require.NoError(t, err)
	require.Equal(t, int64(2), f.tokenRequests.Load())
}

// TestClientCertificate is the must-show for mutual TLS: the fake refuses
// any connection without a certificate from its CA, on the token endpoint
// and the API alike, and the provider reports a refused or untrusted
// certificate as "SSL certificate verification failed".
func TestClientCertificate(t *testing.T) {
	t.Parallel()
	f, p := setup(t, nil)

	t.Run("no certificate is refused", func(t *testing.T) {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: f.pki.caPool}}
		defer tr.CloseIdleConnections()
		for _, path := range []string{tokenPath, "/hr/v2/workers"} {
			resp, err := (&http.Client{Transport: tr}).Post(f.URL+path, "application/x-www-form-urlencoded",
				strings.NewReader("grant_type=client_credentials"))
			if resp != nil {
				resp.Body.Close()
			}
			var op *net.OpError
			require.ErrorAs(t, err, &op, path)
			require.Equal(t, "remote error", op.Op, path)
			require.ErrorContains(t, err, "tls: certificate required", path)
		}
	})

	tests := []struct {
		name string
		s    providers.Settings
	}{
		{"certificate from another CA", with(f.Settings(clientGood), adp.FieldClientCertificate, f.pki.rogueCert,
			adp.FieldClientKey, f.pki.rogueKey)},
		{"server not trusted", with(f.Settings(clientGood), adp.FieldCACertificate, f.pki.rogueCAPEM)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.Do(t.Context(), tt.s, workersOp)
			require.Equal(t, "SSL certificate verification failed", providers.UserMessage(err, adp.DisplayName), "%v", err)
			require.Equal(t, retry.ClassTLS, providers.AsError(err).RetryClass())
			require.False(t, retry.IsRetryable(err))
		})
	}
	require.Zero(t, f.tokenRequests.Load(), "no token request got past the handshake")

	_, err := p.Do(t.Context(), with(f.Settings(clientGood), adp.FieldClientCertificate, ""), workersOp)
	var ve *providers.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "Client Certificate is required", ve.Field(adp.FieldClientCertificate))
}

// TestErrorMessages checks the spec's wording (§16) and the Retry-After
// wait through the plugin boundary.
func TestErrorMessages(t *testing.T) {
	t.Parallel()
	f := newFakeADP(t)
	plugin := providertest.Plugin(t, adp.Name)
	tests := []struct {
		name  string
		s     providers.Settings
		msg   string
		after time.Duration
	}{
		{"wrong secret", with(f.Settings(clientGood), adp.FieldClientSecret, "wrong"), "Authentication failed. Please check credentials.", 0},
		{"API 429", f.Settings(clientBusy), "Rate limit exceeded. Retry in 30 seconds.", 30 * time.Second},
		{"token 429", f.Settings(clientTokenBusy), "Rate limit exceeded. Retry in 20 seconds.", 20 * time.Second},
		{"API 503", f.Settings(clientDown), "ADP is currently unavailable", 0},
		{"refused certificate", with(f.Settings(clientGood), adp.FieldClientCertificate, f.pki.rogueCert,
			adp.FieldClientKey, f.pki.rogueKey), "SSL certificate verification failed", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := plugin.Do(t.Context(), tt.s, workersOp)
			require.Equal(t, tt.msg, providers.UserMessage(err, adp.DisplayName), "%v", err)
			require.Equal(t, tt.after, providers.AsError(err).RetryAfter)
		})
	}
}

// TestSecretsNeverLeak: neither errors nor log records carry the client
// secret, the private key or an access token.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	f, p := setup(t, &adp.Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	good := f.Settings(clientGood)
	var errs []string
	for _, s := range []providers.Settings{good, with(good, adp.FieldClientSecret, "wrong-"+secretGood),
		f.Settings(clientBusy), f.Settings(clientDown), with(good, adp.FieldClientKey, f.pki.rogueKey),
		with(good, adp.FieldClientCertificate, f.pki.rogueCert, adp.FieldClientKey, f.pki.rogueKey)} {
		_, err := p.Do(t.Context(), s, exportOp)
		if err != nil {
			errs = append(errs, err.Error(), providers.UserMessage(err, adp.DisplayName))
		}
		res, err := p.Check(t.Context(), s)
		if err == nil {
			for _, st := range res.Stages {
				errs = append(errs, st.Message)
			}
		}
	}
	require.NotEmpty(t, errs)
	require.Contains(t, logs.String(), "adp: request")
	all := logs.String() + strings.Join(errs, "\n")
	for _, secret := range []string{secretGood, keyBody(f.pki.clientKey), keyBody(f.pki.rogueKey), "tok-"} {
		require.NotContains(t, all, secret)
	}
}

// keyBody is a distinctive line of a PEM key.
func keyBody(pemKey string) string { return strings.Split(pemKey, "\n")[1] }

func TestCheck(t *testing.T) {
	t.Parallel()
	f, p := setup(t, nil)
	tests := []struct {
		name   string
		s      providers.Settings
		failed providers.StageName
		class  retry.Class
	}{
		{"ok", f.Settings(clientGood), "", retry.ClassNone},
		{"wrong secret", with(f.Settings(clientGood), adp.FieldClientSecret, "wrong"), providers.StageAuth, retry.ClassClientError},
		{"refused certificate", with(f.Settings(clientGood), adp.FieldClientCertificate, f.pki.rogueCert,
			adp.FieldClientKey, f.pki.rogueKey), providers.StageTLS, retry.ClassTLS},
		{"server not trusted", with(f.Settings(clientGood), adp.FieldCACertificate, f.pki.rogueCAPEM), providers.StageTLS, retry.ClassTLS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := p.Check(t.Context(), tt.s)
			require.NoError(t, err)
			require.Len(t, res.Stages, 4)
			if tt.failed == "" {
				require.True(t, res.OK(), "%+v", res.Stages)
				return
			}
			st := res.Failed()
			require.NotNil(t, st, "%+v", res.Stages)
			require.Equal(t, tt.failed, st.Name, "%+v", res.Stages)
			require.Equal(t, tt.class, st.Class)
			if tt.failed != providers.StageAuth {
				require.Equal(t, providers.StageSkipped, res.Stages[3].Status, "%+v", res.Stages)
			}
		})
	}
	_, err := p.Check(t.Context(), providers.Settings{})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
}

func TestValidate(t *testing.T) {
	t.Parallel()
	f := newFakeADP(t)
	good := f.Settings(clientGood)
	tests := []struct {
		name        string
		s           providers.Settings
		field, want string
	}{
		{"valid", good, "", ""},
		{"defaults for the URLs", with(good, adp.FieldBaseURL, "", adp.FieldTokenURL, ""), "", ""},
		{"no client ID", with(good, adp.FieldClientID, ""), adp.FieldClientID, "Client ID is required"},
		{"no secret", with(good, adp.FieldClientSecret, " "), adp.FieldClientSecret, "Client Secret is required"},
		{"no key", with(good, adp.FieldClientKey, ""), adp.FieldClientKey, "Client Private Key is required"},
		{"not PEM", with(good, adp.FieldClientCertificate, "hello"), adp.FieldClientCertificate,
			"Please enter the client certificate ADP issued, in PEM format"},
		{"a key as certificate", with(good, adp.FieldClientCertificate, f.pki.clientKey), adp.FieldClientCertificate,
			"Please enter the client certificate ADP issued, in PEM format"},
		{"key of another certificate", with(good, adp.FieldClientKey, f.pki.rogueKey), adp.FieldClientKey,
			"Please enter the PEM private key of the client certificate"},
		{"expired", with(good, adp.FieldClientCertificate, f.pki.expiredCert, adp.FieldClientKey, f.pki.expiredKey),
			adp.FieldClientCertificate, "The client certificate has expired"},
		{"bad CA", with(good, adp.FieldCACertificate, "-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----"),
			adp.FieldCACertificate, "Please enter a valid PEM CA certificate"},
		{"plain http", with(good, adp.FieldTokenURL, "http://accounts.adp.com/auth/oauth/v2/token"), adp.FieldTokenURL,
			"Please enter a valid https URL"},
	}
	p := adp.New(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := p.Validate(t.Context(), tt.s)
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			var ve *providers.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tt.want, ve.Field(tt.field))
			require.Len(t, ve.Fields, 1, "%v", ve)
			require.NotContains(t, ve.Error(), keyBody(f.pki.clientKey))
		})
	}
}

// TestCallers checks the typed host helpers through an instance.
func TestCallers(t *testing.T) {
	t.Parallel()
	f, p := setup(t, nil)
	inst := providers.NewInstance(adp.Name, p, f.Settings(clientGood), nil)
	page, err := adp.WorkersList(t.Context(), inst, nil)
	require.NoError(t, err)
	require.Len(t, page.Workers, 3)
	res, err := adp.PayrollExport(t.Context(), inst, &adp.PayrollExportParams{AssociateOIDs: []string{"G3A1"}})
	require.NoError(t, err)
	require.Len(t, res.Rows, 1)
	require.Empty(t, res.CSV)
	_, err = adp.PayrollExport(t.Context(), inst, &adp.PayrollExportParams{AssociateOIDs: []string{"NOPE"}})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
}
