package paychex_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/paychex"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/retry"
)

var (
	op   = testkit.Op
	with = testkit.With
)

func decode[T any](t *testing.T, r *providers.Result) *T { return testkit.Decode[T](t, r) }

var workersOp = op(paychex.OpWorkersList, &paychex.WorkersListParams{Limit: 2})

func suite(t *testing.T) *providertest.Suite {
	f := newFakePaychex(t)
	good := f.settings(clientGood)
	return &providertest.Suite{
		Settings: good,
		Calls: []providertest.Call{
			{Name: "companies", Op: &providers.Operation{Name: paychex.OpCompaniesList}, Check: func(t *testing.T, r *providers.Result) {
				require.Equal(t, &paychex.CompaniesPage{Companies: []paychex.Company{{CompanyID: companyGood, DisplayID: "70125496",
					LegalName: "InTime Staffing LLC"}}}, decode[paychex.CompaniesPage](t, r))
			}},
			{Name: "workers first page", Op: workersOp, Check: func(t *testing.T, r *providers.Result) {
				p := decode[paychex.WorkersPage](t, r)
				require.Equal(t, 3, p.Total)
				require.Len(t, p.Workers, 2)
				require.Equal(t, paychex.Worker{WorkerID: "00H2A1IUJ5JSZ6FW9OX3", EmployeeID: "1", GivenName: "Ada",
					FamilyName: "Lovelace", WorkerType: "EMPLOYEE", EmploymentType: "FULL_TIME", Status: "ACTIVE",
					HireDate: "2019-03-04T00:00:00Z"}, p.Workers[0])
			}},
			{Name: "workers last page", Op: op(paychex.OpWorkersList, &paychex.WorkersListParams{Offset: 2, Limit: 2}),
				Check: func(t *testing.T, r *providers.Result) {
					p := decode[paychex.WorkersPage](t, r)
					require.Len(t, p.Workers, 1)
					require.Equal(t, "TERMINATED", p.Workers[0].Status)
				}},
			{Name: "pay periods", Op: op(paychex.OpPayPeriodsList, &paychex.PayPeriodsParams{Status: "COMPLETED"}),
				Check: func(t *testing.T, r *providers.Result) {
					require.Equal(t, []paychex.PayPeriod{{PayPeriodID: "1080000000000001", IntervalCode: "WEEKLY",
						Status: "COMPLETED", Description: "Weekly 04/15/2024 - 04/21/2024",
						StartDate: time.Date(2024, 4, 15, 0, 0, 0, 0, time.UTC), EndDate: time.Date(2024, 4, 21, 0, 0, 0, 0, time.UTC),
						SubmitByDate: time.Date(2024, 4, 23, 0, 0, 0, 0, time.UTC), CheckDate: time.Date(2024, 4, 26, 0, 0, 0, 0, time.UTC),
						CheckCount: 12}}, decode[paychex.PayPeriodsPage](t, r).PayPeriods)
				}},
		},
		Failures: []providertest.Failure{
			{Name: "wrong secret", Settings: with(good, paychex.FieldClientSecret, "wrong"), Op: workersOp, Kind: providers.KindAuth},
			{Name: "API 429", Settings: f.settings(clientBusy), Op: workersOp, Kind: providers.KindRateLimited,
				RetryAfter: 30 * time.Second},
			{Name: "token 429", Settings: f.settings(clientTokenBusy), Op: workersOp, Kind: providers.KindRateLimited,
				RetryAfter: 20 * time.Second},
			{Name: "API 503", Settings: f.settings(clientDown), Op: workersOp, Kind: providers.KindRetryable},
			{Name: "unknown company 404", Op: op(paychex.OpWorkersList, &paychex.WorkersListParams{CompanyID: "NOPE"}),
				Kind: providers.KindInvalidInput},
			{Name: "no company", Settings: with(good, paychex.FieldCompanyID, ""), Op: workersOp, Kind: providers.KindInvalidInput},
			{Name: "page too big", Op: op(paychex.OpWorkersList, &paychex.WorkersListParams{Limit: 500}), Kind: providers.KindInvalidInput},
			{Name: "to before from", Op: op(paychex.OpPayPeriodsList, &paychex.PayPeriodsParams{From: time.Unix(2e9, 0),
				To: time.Unix(1e9, 0)}), Kind: providers.KindInvalidInput},
		},
	}
}

// TestConformance is the must-show: the provider passes providertest in
// process and as a plugin, against a fake Paychex.
func TestConformance(t *testing.T) {
	t.Parallel()
	testkit.Conformance(t, testkit.Closing(t, paychex.New(nil)), plugin, suite)
}

// TestTokenReuse: calls within a token's lifetime share one token request,
// in process and in the plugin process; tokens that expire at once are
// fetched for every call.
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
			f := newFakePaychex(t)
			var prov providers.Provider = paychex.New(nil)
			if tt.plugin {
				prov = plugin(t)
			}
			for range n {
				_, err := prov.Do(t.Context(), f.settings(tt.client), workersOp)
				require.NoError(t, err)
			}
			require.Equal(t, tt.want, f.tokenRequests.Load())
		})
	}
}

// TestRevokedToken: an API 401 drops the cached token and the call
// succeeds with a new one.
func TestRevokedToken(t *testing.T) {
	t.Parallel()
	f := newFakePaychex(t)
	inst := providers.NewInstance(paychex.DisplayName, paychex.New(nil), f.settings(clientGood), nil)
	_, err := paychex.WorkersList(t.Context(), inst, nil)
	require.NoError(t, err)
	f.Revoke()
	page, err := paychex.WorkersList(t.Context(), inst, nil)
	require.NoError(t, err)
	require.Len(t, page.Workers, 3)
	require.Equal(t, int64(2), f.tokenRequests.Load())
}

// TestErrorMessages checks the spec's wording (§16) and the Retry-After
// waits through the plugin boundary.
func TestErrorMessages(t *testing.T) {
	t.Parallel()
	f := newFakePaychex(t)
	pl := plugin(t)
	testkit.UserMessages(t, pl, paychex.DisplayName, []testkit.MessageCase{
		{"wrong secret", with(f.settings(clientGood), paychex.FieldClientSecret, "wrong"), workersOp, "Authentication failed. Please check credentials.", 0},
		{"API 429", f.settings(clientBusy), workersOp, "Rate limit exceeded. Retry in 30 seconds.", 30 * time.Second},
		{"token 429", f.settings(clientTokenBusy), workersOp, "Rate limit exceeded. Retry in 20 seconds.", 20 * time.Second},
		{"API 503", f.settings(clientDown), workersOp, "Paychex is currently unavailable", 0},
	})
	_, err := pl.Do(t.Context(), f.settings(clientGood), op(paychex.OpWorkersList, &paychex.WorkersListParams{CompanyID: "NOPE"}))
	require.ErrorContains(t, err, "The company was not found (COMPANY_NOT_FOUND)")
}

func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	f := newFakePaychex(t)
	p := paychex.New(&paychex.Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	defer p.Close()
	var all []string
	for _, s := range []providers.Settings{f.settings(clientGood), with(f.settings(clientGood), paychex.FieldClientSecret, "x"+secretGood),
		f.settings(clientBusy), f.settings(clientDown), f.settings(clientTokenBusy)} {
		if _, err := p.Do(t.Context(), s, workersOp); err != nil {
			all = append(all, err.Error())
		}
		res, err := p.Check(t.Context(), s)
		require.NoError(t, err)
		for _, st := range res.Stages {
			all = append(all, st.Message)
		}
	}
	require.Contains(t, logs.String(), "paychex: request")
	for _, secret := range []string{secretGood, "tok-"} {
		require.NotContains(t, logs.String()+strings.Join(all, "\n"), secret)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f := newFakePaychex(t)
	p := paychex.New(nil)
	defer p.Close()
	res, err := p.Check(t.Context(), f.settings(clientGood))
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)
	res, err = p.Check(t.Context(), with(f.settings(clientGood), paychex.FieldClientSecret, "wrong"))
	require.NoError(t, err)
	require.Equal(t, providers.StageAuth, res.Failed().Name)
	require.Equal(t, retry.ClassClientError, res.Failed().Class)
	_, err = p.Check(t.Context(), providers.Settings{})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
}

func TestValidate(t *testing.T) {
	t.Parallel()
	good := providers.Settings{paychex.FieldClientID: "c", paychex.FieldClientSecret: "s"}
	tests := []testkit.ValidateCase{
		{"valid", good, "", ""},
		{"no client", with(good, paychex.FieldClientID, ""), paychex.FieldClientID, "Client ID is required"},
		{"no secret", with(good, paychex.FieldClientSecret, ""), paychex.FieldClientSecret, "Client Secret is required"},
		{"bad company", with(good, paychex.FieldCompanyID, "a/b"), paychex.FieldCompanyID, "Please enter the Paychex company ID (letters and digits)"},
		{"http token URL", with(good, paychex.FieldTokenURL, "http://api.paychex.com/auth/oauth/v2/token"), paychex.FieldTokenURL,
			"Please enter a valid https URL"},
	}
	testkit.Validate(t, paychex.New(nil), tests)
}
