package workday_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/bamboohr"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/providers/workday"
	"github.com/intimeos/integrations/retry"
)

var (
	op   = testkit.Op
	with = testkit.With
)

func decode[T any](t *testing.T, r *providers.Result) *T { return testkit.Decode[T](t, r) }

// generated is how many workers the fake adds to the named ones: enough
// for the directory to read three pages.
const generated = 247

var (
	directoryOp = &providers.Operation{Name: bamboohr.OpDirectory}
	listOp      = op(workday.OpWorkersList, &workday.WorkersParams{Limit: 2, Offset: 1})
	adaEmployee = bamboohr.Employee{ID: widAda, DisplayName: "Ada Lovelace", JobTitle: "Recruiter",
		WorkEmail: "ada@acme.example", WorkPhone: "+1 (415) 555-0163", Department: "Talent Acquisition", Location: "San Francisco"}
)

func suite(t *testing.T) *providertest.Suite {
	f := newFakeWorkday(t, generated)
	good := f.settings(tokGood)
	return &providertest.Suite{
		Settings: good,
		Calls: []providertest.Call{
			{Name: "directory", Op: directoryOp, Check: func(t *testing.T, r *providers.Result) {
				d := decode[bamboohr.Directory](t, r)
				require.Len(t, d.Employees, 3+generated, "every active worker, over three pages")
				require.Equal(t, adaEmployee, d.Employees[0])
				require.Equal(t, bamboohr.DirectoryField{ID: "jobTitle", Type: "text", Name: "Business title"}, d.Fields[1])
			}},
			{Name: "workers page", Op: listOp, Check: func(t *testing.T, r *providers.Result) {
				p := decode[workday.WorkersPage](t, r)
				require.Equal(t, 3+generated, p.Total)
				require.True(t, p.More)
				require.Equal(t, []string{"Grace Hopper", "Margaret Hamilton"}, names(p.Workers))
			}},
			{Name: "worker", Op: op(workday.OpWorkerGet, &workday.WorkerParams{ID: widGrace}), Check: func(t *testing.T, r *providers.Result) {
				w := decode[workday.Worker](t, r)
				require.Equal(t, "Grace Hopper", w.Descriptor)
				require.True(t, w.IsManager)
				require.Equal(t, "Talent Acquisition", w.PrimarySupervisoryOrganization.Descriptor)
			}},
			{Name: "update business title", Op: op(bamboohr.OpUpdate, &bamboohr.UpdateParams{ID: widMargaret,
				Fields: map[string]string{"jobTitle": "VP Operations"}}), Check: func(t *testing.T, r *providers.Result) {
				require.Equal(t, &bamboohr.UpdateResult{ID: widMargaret, Updated: []string{"jobTitle"}},
					decode[bamboohr.UpdateResult](t, r))
				require.Equal(t, "VP Operations", f.Title(widMargaret))
			}},
		},
		Failures: []providertest.Failure{
			{Name: "no token", Settings: with(good, providers.SettingAccessToken, ""), Op: directoryOp, Kind: providers.KindAuth},
			{Name: "invalid token 401", Settings: with(good, providers.SettingAccessToken, "wd-revoked"), Op: directoryOp, Kind: providers.KindAuth},
			{Name: "not authorized 403", Settings: with(good, providers.SettingAccessToken, tokForbidden), Op: listOp, Kind: providers.KindAuth},
			{Name: "throttled 429", Settings: with(good, providers.SettingAccessToken, tokBusy), Op: directoryOp,
				Kind: providers.KindRateLimited, RetryAfter: 20 * time.Second},
			{Name: "down 503", Settings: with(good, providers.SettingAccessToken, tokDown), Op: listOp, Kind: providers.KindRetryable},
			{Name: "unknown tenant 404", Settings: with(good, workday.FieldTenant, "globex"), Op: listOp, Kind: providers.KindInvalidInput},
			{Name: "unknown worker 404", Op: op(workday.OpWorkerGet, &workday.WorkerParams{ID: strings.Repeat("0", 32)}),
				Kind: providers.KindInvalidInput},
			{Name: "not a WID", Op: op(workday.OpWorkerGet, &workday.WorkerParams{ID: "../workers"}), Kind: providers.KindInvalidInput},
			{Name: "limit too big", Op: op(workday.OpWorkersList, &workday.WorkersParams{Limit: 101}), Kind: providers.KindInvalidInput},
			{Name: "sync unsupported", Op: op(bamboohr.OpSync, &bamboohr.SyncParams{}), Kind: providers.KindUnsupported},
			{Name: "other field unsupported", Op: op(bamboohr.OpUpdate, &bamboohr.UpdateParams{ID: widAda,
				Fields: map[string]string{"jobTitle": "Lead", "department": "IT"}}), Kind: providers.KindUnsupported},
			{Name: "empty title", Op: op(bamboohr.OpUpdate, &bamboohr.UpdateParams{ID: widAda,
				Fields: map[string]string{"businessTitle": " "}}), Kind: providers.KindInvalidInput},
			{Name: "bad payload", Op: &providers.Operation{Name: workday.OpWorkersList, Payload: []byte(`"x"`)},
				Kind: providers.KindInvalidInput},
		},
	}
}

func names(ws []workday.Worker) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Descriptor)
	}
	return out
}

// TestConformance: the provider passes providertest in process and as a
// plugin, each against a fake Workday of its own (the suite's update
// changes a title).
func TestConformance(t *testing.T) {
	t.Parallel()
	testkit.Conformance(t, testkit.Closing(t, workday.New(nil)), plugin, suite)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	good := providers.Settings{workday.FieldHost: host, workday.FieldTenant: tenant}
	testkit.Validate(t, workday.New(nil), []testkit.ValidateCase{
		{"valid", good, "", ""},
		{"with base URL", with(good, workday.FieldBaseURL, "https://proxy.acme.example"), "", ""},
		{"tenant with underscore", with(good, workday.FieldTenant, "acme_preview"), "", ""},
		{"no host", with(good, workday.FieldHost, ""), workday.FieldHost, "Workday host is required"},
		{"host is a URL", with(good, workday.FieldHost, "https://"+host), workday.FieldHost,
			"Please enter a valid hostname or IP address"},
		{"no tenant", with(good, workday.FieldTenant, ""), workday.FieldTenant, "Workday tenant is required"},
		{"tenant with slash", with(good, workday.FieldTenant, "acme/v2"), workday.FieldTenant,
			"Workday tenant must be letters, digits, _ or -"},
		{"http base", with(good, workday.FieldBaseURL, "http://proxy.acme.example"), workday.FieldBaseURL,
			"Please enter a valid https URL"},
	})
}

// TestDirectoryPages: the directory reads pages of 100 until the total,
// and stops at an empty page when the tenant shrank while it was read.
func TestDirectoryPages(t *testing.T) {
	t.Parallel()
	f := newFakeWorkday(t, generated)
	p := workday.New(nil)
	defer p.Close()
	inst := providers.NewInstance(workday.DisplayName, p, f.settings(tokGood), nil)
	d, err := bamboohr.EmployeesDirectory(t.Context(), inst)
	require.NoError(t, err)
	require.Len(t, d.Employees, 250)
	require.Equal(t, []string{"limit=100&offset=0", "limit=100&offset=100", "limit=100&offset=200"}, f.Queries())
	for _, e := range d.Employees {
		require.NotEqual(t, widGone, e.ID, "terminated workers are not in the directory")
	}

	f.SetExtraTotal(50)
	d, err = bamboohr.EmployeesDirectory(t.Context(), inst)
	require.NoError(t, err)
	require.Len(t, d.Employees, 250)
	require.Len(t, f.Queries(), 3+4, "one more page, found empty")

	small := newFakeWorkday(t, 0)
	d, err = bamboohr.EmployeesDirectory(t.Context(), providers.NewInstance(workday.DisplayName, p, small.settings(tokGood), nil))
	require.NoError(t, err)
	require.Len(t, d.Employees, 3)
	require.Len(t, small.Queries(), 1)
}

func TestDirectoryTooLarge(t *testing.T) {
	t.Parallel()
	f := newFakeWorkday(t, 0)
	f.SetExtraTotal(workday.DirectoryMax)
	p := workday.New(nil)
	defer p.Close()
	_, err := p.Do(t.Context(), f.settings(tokGood), directoryOp)
	require.Equal(t, providers.KindPermanent, providers.KindOf(err))
	require.Contains(t, err.Error(), "exceed the directory's 20000; page with workday.workers.list")
}

// TestWorkersThroughPlugin: the typed helpers through the plugin, the
// documented query parameters, and paging to the end.
func TestWorkersThroughPlugin(t *testing.T) {
	t.Parallel()
	f := newFakeWorkday(t, 0)
	inst := providers.NewInstance(workday.DisplayName, plugin(t), f.settings(tokGood), nil)
	ctx := t.Context()
	page, err := workday.WorkersList(ctx, inst, &workday.WorkersParams{Search: "mar", IncludeTerminated: true})
	require.NoError(t, err)
	require.Equal(t, []string{"Margaret Hamilton", "Mary Jackson"}, names(page.Workers))
	require.False(t, page.More)
	require.Equal(t, "includeTerminatedWorkers=true&limit=20&offset=0&search=mar", f.Queries()[0])

	var all []string
	for offset := 0; ; {
		page, err = workday.WorkersList(ctx, inst, &workday.WorkersParams{Limit: 2, Offset: offset})
		require.NoError(t, err)
		all = append(all, names(page.Workers)...)
		if !page.More {
			break
		}
		offset += len(page.Workers)
	}
	require.Equal(t, []string{"Ada Lovelace", "Grace Hopper", "Margaret Hamilton"}, all)

	w, err := workday.WorkerGet(ctx, inst, widAda)
	require.NoError(t, err)
	require.Equal(t, "https://"+host+"/ccx/api/v1/acme/workers/"+widAda, w.Href)
	require.Equal(t, "San Francisco", w.Location.Descriptor)
}

// TestUpdate: the business title under either name, one request; any
// other field refused before a request; Workday's field errors.
func TestUpdate(t *testing.T) {
	t.Parallel()
	f := newFakeWorkday(t, 0)
	p := workday.New(nil)
	defer p.Close()
	inst := providers.NewInstance(workday.DisplayName, p, f.settings(tokGood), nil)
	ctx := t.Context()
	res, err := bamboohr.EmployeeUpdate(ctx, inst, &bamboohr.UpdateParams{ID: widAda,
		Fields: map[string]string{"jobTitle": "Lead Recruiter", "businessTitle": "Lead Recruiter"}})
	require.NoError(t, err)
	require.Equal(t, []string{"businessTitle", "jobTitle"}, res.Updated)
	require.Equal(t, []map[string]any{{"proposedBusinessTitle": "Lead Recruiter"}}, f.Changes())
	require.Equal(t, "Lead Recruiter", f.Title(widAda))

	_, err = bamboohr.EmployeeUpdate(ctx, inst, &bamboohr.UpdateParams{ID: widAda,
		Fields: map[string]string{"jobTitle": "Head of Talent", "mobilePhone": "+1 555 0100", "department": "IT"}})
	require.ErrorIs(t, err, providers.ErrUnsupported)
	require.Contains(t, err.Error(), "changes only the business title (jobTitle), not department, mobilePhone")
	require.Len(t, f.Changes(), 1, "nothing sent, nothing half applied")
	require.Equal(t, "Lead Recruiter", f.Title(widAda))

	_, err = bamboohr.EmployeeUpdate(ctx, inst, &bamboohr.UpdateParams{ID: widAda,
		Fields: map[string]string{"jobTitle": "A", "businessTitle": "B"}})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))

	_, err = bamboohr.EmployeeUpdate(ctx, inst, &bamboohr.UpdateParams{ID: strings.Repeat("a", 32),
		Fields: map[string]string{"jobTitle": "A"}})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	require.Contains(t, err.Error(), "workday: 404 Resource not found: workers/"+strings.Repeat("a", 32))

	_, err = bamboohr.EmployeesSync(ctx, inst, &bamboohr.SyncParams{})
	require.ErrorIs(t, err, providers.ErrUnsupported)
	require.Contains(t, err.Error(), "Workday's REST API has no query of the workers changed since a time")
}

// TestErrors checks the spec's wording (§16), Workday's messages, and that
// neither the token nor worker data reach errors or logs.
func TestErrors(t *testing.T) {
	t.Parallel()
	f := newFakeWorkday(t, 0)
	var logs bytes.Buffer
	p := workday.New(&workday.Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	defer p.Close()
	pl := plugin(t)
	tests := []struct {
		name  string
		s     providers.Settings
		msg   string
		after time.Duration
	}{
		{"401", f.settings("wd-stale-secret"), "Authentication failed. Please check credentials.", 0},
		{"403", f.settings(tokForbidden), "Authentication failed. Please check credentials.", 0},
		{"429", f.settings(tokBusy), "Rate limit exceeded. Retry in 20 seconds.", 20 * time.Second},
		{"503", f.settings(tokDown), "Workday is currently unavailable", 0},
		{"404 tenant", with(f.settings(tokGood), workday.FieldTenant, "globex"), "workday: 404 The tenant could not be found", 0},
	}
	for _, tt := range tests {
		for name, prov := range map[string]providers.Provider{"in process": p, "plugin": pl} {
			_, err := prov.Do(t.Context(), tt.s, listOp)
			require.Equal(t, tt.msg, providers.UserMessage(err, workday.DisplayName), "%s %s: %v", tt.name, name, err)
			require.Equal(t, tt.after, providers.AsError(err).RetryAfter, tt.name)
			require.NotContains(t, err.Error(), "wd-", tt.name)
		}
	}
	_, err := p.Do(t.Context(), f.settings(tokGood), op(bamboohr.OpUpdate, &bamboohr.UpdateParams{ID: widAda,
		Fields: map[string]string{"jobTitle": "Lead"}}))
	require.NoError(t, err)
	_, err = p.Do(t.Context(), f.settings(tokGood), directoryOp)
	require.NoError(t, err)
	require.Contains(t, logs.String(), "workday: request")
	require.NotContains(t, logs.String(), "wd-")
	for _, data := range []string{"Lovelace", "ada@acme.example", "Lead"} {
		require.NotContains(t, logs.String(), data, "no worker data in logs")
	}
}

// TestErrorMessage: Workday's envelope, its field errors and the OAuth
// layer's description become the message of the error.
func TestErrorMessage(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`{"error":"Validation error occurred.","errors":[{"error":"Proposed Business Title is required","field":"proposedBusinessTitle"}]}`: "Validation error occurred.: proposedBusinessTitle: Proposed Business Title is required",
		`{"error":"invalid_token","error_description":"The access token expired"}`:                                                          "invalid_token: The access token expired",
		`{"errors":[{"error":"limit must be between 1 and 100"}]}`:                                                                          "limit must be between 1 and 100",
		`<html>Bad gateway</html>`: "",
		`{}`:                       "",
	} {
		require.Equal(t, want, workday.ErrorMessage(400, nil, []byte(body)), body)
	}
	f := newFakeWorkday(t, 0)
	p := workday.New(nil)
	defer p.Close()
	_, err := p.Do(t.Context(), f.settings(tokGood), op(workday.OpWorkersList, &workday.WorkersParams{Offset: -1}))
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	require.Empty(t, f.Queries(), "refused before any request")
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f := newFakeWorkday(t, 0)
	p := workday.New(nil)
	defer p.Close()
	res, err := p.Check(t.Context(), f.settings(tokGood))
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)
	require.Equal(t, "limit=1&offset=0", f.Queries()[0])
	for _, s := range []providers.Settings{f.settings("wd-revoked"), f.settings(tokForbidden), f.settings("")} {
		res, err = p.Check(t.Context(), s)
		require.NoError(t, err)
		require.Equal(t, providers.StageAuth, res.Failed().Name)
		require.Equal(t, retry.ClassClientError, res.Failed().Class)
	}
	_, err = p.Check(t.Context(), providers.Settings{})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
}
