package bamboohr_test

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
	"github.com/intimeos/integrations/retry"
)

var (
	op   = testkit.Op
	with = testkit.With
)

func decode[T any](t *testing.T, r *providers.Result) *T { return testkit.Decode[T](t, r) }

var (
	directoryOp = &providers.Operation{Name: bamboohr.OpDirectory}
	syncOp      = op(bamboohr.OpSync, &bamboohr.SyncParams{Since: at("2024-04-15T00:00:00Z"), Fields: []string{"firstName", "workEmail", "jobTitle"}})
)

func suite(t *testing.T) *providertest.Suite {
	f := newFakeBambooHR(t)
	return &providertest.Suite{
		Settings: f.settings(keyGood),
		Calls: []providertest.Call{
			{Name: "directory", Op: directoryOp, Check: func(t *testing.T, r *providers.Result) {
				d := decode[bamboohr.Directory](t, r)
				require.Len(t, d.Employees, 3)
				require.Equal(t, bamboohr.Employee{ID: "1", DisplayName: "Ada Lovelace", FirstName: "Ada", LastName: "Lovelace",
					JobTitle: "Recruiter", WorkEmail: "ada@acme.example", Department: "Talent", Location: "Remote",
					PhotoURL: "https://resources.bamboohr.com/images/photo_person_150x150.png"}, d.Employees[0])
				require.Equal(t, bamboohr.DirectoryField{ID: "displayName", Type: "text", Name: "Display name"}, d.Fields[0])
			}},
			{Name: "sync", Op: syncOp, Check: func(t *testing.T, r *providers.Result) {
				res := decode[bamboohr.SyncResult](t, r)
				require.Equal(t, &bamboohr.SyncResult{Latest: at("2024-05-10T12:00:00Z"), Changes: []bamboohr.Change{
					{ID: "1", Action: bamboohr.ActionUpdated, LastChanged: at("2024-05-01T10:00:00Z"),
						Fields: map[string]string{"firstName": "Ada", "workEmail": "ada@acme.example", "jobTitle": "Recruiter"}},
					{ID: "2", Action: bamboohr.ActionInserted, LastChanged: at("2024-05-02T09:00:00Z"),
						Fields: map[string]string{"firstName": "Grace", "workEmail": "grace@acme.example", "jobTitle": "Engineer"}},
					{ID: "3", Action: bamboohr.ActionDeleted, LastChanged: at("2024-05-03T08:00:00Z")},
				}}, res)
			}},
			{Name: "update", Op: op(bamboohr.OpUpdate, &bamboohr.UpdateParams{ID: "4", Fields: map[string]string{
				"jobTitle": "VP Operations", "mobilePhone": "+1 555 0100"}}), Check: func(t *testing.T, r *providers.Result) {
				require.Equal(t, &bamboohr.UpdateResult{ID: "4", Updated: []string{"jobTitle", "mobilePhone"}},
					decode[bamboohr.UpdateResult](t, r))
			}},
		},
		Failures: []providertest.Failure{
			{Name: "unknown key 401", Settings: f.settings("nope"), Op: directoryOp, Kind: providers.KindAuth},
			{Name: "directory not shared 403", Settings: f.settings(keyNoDir), Op: directoryOp, Kind: providers.KindAuth},
			{Name: "rate limited 429", Settings: f.settings(keyBusy), Op: syncOp, Kind: providers.KindRateLimited,
				RetryAfter: 30 * time.Second},
			{Name: "throttled 503", Settings: f.settings(keyThrottled), Op: syncOp, Kind: providers.KindRetryable,
				RetryAfter: 20 * time.Second},
			{Name: "down 500", Settings: f.settings(keyDown), Op: directoryOp, Kind: providers.KindRetryable},
			{Name: "unknown company 404", Settings: with(f.settings(keyGood), bamboohr.FieldCompanyDomain, "globex"),
				Op: directoryOp, Kind: providers.KindInvalidInput},
			{Name: "unknown field 400", Op: op(bamboohr.OpUpdate, &bamboohr.UpdateParams{ID: "1",
				Fields: map[string]string{"shoeSize": "9"}}), Kind: providers.KindInvalidInput},
			{Name: "unknown employee 404", Op: op(bamboohr.OpUpdate, &bamboohr.UpdateParams{ID: "99",
				Fields: map[string]string{"jobTitle": "x"}}), Kind: providers.KindInvalidInput},
			{Name: "bad id", Op: op(bamboohr.OpUpdate, &bamboohr.UpdateParams{ID: "../1", Fields: map[string]string{"a": "b"}}),
				Kind: providers.KindInvalidInput},
			{Name: "no fields", Op: op(bamboohr.OpUpdate, &bamboohr.UpdateParams{ID: "1"}), Kind: providers.KindInvalidInput},
			{Name: "limit too big", Op: op(bamboohr.OpSync, &bamboohr.SyncParams{Limit: 5000}), Kind: providers.KindInvalidInput},
			{Name: "bad field name", Op: op(bamboohr.OpSync, &bamboohr.SyncParams{Fields: []string{"a,b"}}), Kind: providers.KindInvalidInput},
		},
	}
}

// TestConformance is the must-show: the provider passes providertest in
// process and as a plugin, each against a fake BambooHR of its own (the
// suite's update changes what a later sync reads).
func TestConformance(t *testing.T) {
	t.Parallel()
	testkit.Conformance(t, testkit.Closing(t, bamboohr.New(nil)), plugin, suite)
}

// TestSyncRoundTrip: a sync, an update through the plugin, and the next
// sync from the first's Latest sees exactly the updated employee.
func TestSyncRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFakeBambooHR(t)
	inst := providers.NewInstance(bamboohr.DisplayName, plugin(t), f.settings(keyGood), nil)
	first, err := bamboohr.EmployeesSync(t.Context(), inst, &bamboohr.SyncParams{})
	require.NoError(t, err)
	require.Len(t, first.Changes, 4)
	require.Equal(t, "4", first.Changes[0].ID, "oldest change first")
	require.Equal(t, "Hamilton", first.Changes[0].Fields["lastName"])

	_, err = bamboohr.EmployeeUpdate(t.Context(), inst, &bamboohr.UpdateParams{ID: "2", Fields: map[string]string{"department": "Platform"}})
	require.NoError(t, err)
	require.Equal(t, []map[string]any{{"department": "Platform"}}, f.Updates())

	f.now = func() time.Time { return at("2024-05-10T12:00:01Z") }
	next, err := bamboohr.EmployeesSync(t.Context(), inst, &bamboohr.SyncParams{Since: first.Latest.Add(-time.Second),
		Fields: []string{"department"}})
	require.NoError(t, err)
	require.Equal(t, []bamboohr.Change{{ID: "2", Action: bamboohr.ActionUpdated, LastChanged: at("2024-05-10T12:00:00Z"),
		Fields: map[string]string{"department": "Platform"}}}, next.Changes)
}

// TestSyncLimit: a sync cut short says More and resumes where it stopped.
func TestSyncLimit(t *testing.T) {
	t.Parallel()
	f := newFakeBambooHR(t)
	inst := providers.NewInstance(bamboohr.DisplayName, bamboohr.New(nil), f.settings(keyGood), nil)
	page, err := bamboohr.EmployeesSync(t.Context(), inst, &bamboohr.SyncParams{Limit: 2})
	require.NoError(t, err)
	require.True(t, page.More)
	require.Equal(t, []string{"4", "1"}, ids(page.Changes))
	require.Equal(t, at("2024-05-01T10:00:00Z"), page.Latest)
	page, err = bamboohr.EmployeesSync(t.Context(), inst, &bamboohr.SyncParams{Since: page.Latest, Limit: 2})
	require.NoError(t, err)
	require.False(t, page.More)
	require.Equal(t, []string{"2", "3"}, ids(page.Changes))
}

func ids(cs []bamboohr.Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// TestErrorMessages checks the spec's wording (§16), the Retry-After
// waits and BambooHR's header message through the plugin.
func TestErrorMessages(t *testing.T) {
	t.Parallel()
	f := newFakeBambooHR(t)
	pl := plugin(t)
	testkit.UserMessages(t, pl, bamboohr.DisplayName, []testkit.MessageCase{
		{"auth", f.settings("wrong"), directoryOp, "Authentication failed. Please check credentials.", 0},
		{"429", f.settings(keyBusy), directoryOp, "Rate limit exceeded. Retry in 30 seconds.", 30 * time.Second},
		{"503 throttled", f.settings(keyThrottled), directoryOp, "BambooHR is currently unavailable", 20 * time.Second},
		{"unknown field", f.settings(keyGood), op(bamboohr.OpUpdate, &bamboohr.UpdateParams{ID: "1",
			Fields: map[string]string{"shoeSize": "9"}}), "bamboohr: 400 Invalid field: shoeSize", 0},
	})
}

func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	f := newFakeBambooHR(t)
	p := bamboohr.New(&bamboohr.Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	defer p.Close()
	closed := newFakeBambooHR(t)
	closed.Close()
	var all []string
	for _, s := range []providers.Settings{f.settings(keyGood), f.settings("wrong-" + keyGood), f.settings(keyBusy),
		closed.settings(keyGood)} {
		if _, err := p.Do(t.Context(), s, syncOp); err != nil {
			all = append(all, err.Error())
		}
	}
	require.Len(t, all, 3)
	require.Contains(t, logs.String(), "bamboohr: request")
	require.NotContains(t, logs.String()+strings.Join(all, "\n"), keyGood)
	require.NotContains(t, logs.String(), "Lovelace", "no employee data in logs")
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f := newFakeBambooHR(t)
	p := bamboohr.New(nil)
	defer p.Close()
	res, err := p.Check(t.Context(), f.settings(keyGood))
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)
	res, err = p.Check(t.Context(), f.settings("wrong"))
	require.NoError(t, err)
	require.Equal(t, providers.StageAuth, res.Failed().Name)
	require.Equal(t, retry.ClassClientError, res.Failed().Class)
	_, err = p.Check(t.Context(), providers.Settings{})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
}

func TestValidate(t *testing.T) {
	t.Parallel()
	good := providers.Settings{bamboohr.FieldCompanyDomain: "acme", bamboohr.FieldAPIKey: "k"}
	tests := []testkit.ValidateCase{
		{"valid", good, "", ""},
		{"no domain", with(good, bamboohr.FieldCompanyDomain, ""), bamboohr.FieldCompanyDomain, "Company domain is required"},
		{"full host", with(good, bamboohr.FieldCompanyDomain, "acme.bamboohr.com"), bamboohr.FieldCompanyDomain,
			"Please enter your BambooHR company domain, the part before .bamboohr.com"},
		{"no key", with(good, bamboohr.FieldAPIKey, ""), bamboohr.FieldAPIKey, "API key is required"},
		{"http base", with(good, bamboohr.FieldBaseURL, "http://api.bamboohr.com"), bamboohr.FieldBaseURL,
			"Please enter a valid https URL"},
	}
	testkit.Validate(t, bamboohr.New(nil), tests)
}
