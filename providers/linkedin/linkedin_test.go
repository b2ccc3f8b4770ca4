package linkedin_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/jobboards"
	"github.com/intimeos/integrations/providers/linkedin"
	"github.com/intimeos/integrations/providers/providertest"
)

var (
	op   = testkit.Op
	with = testkit.With
)

func decode[T any](t *testing.T, r *providers.Result) *T { return testkit.Decode[T](t, r) }

const description = "We are looking for a recruiter to run full-cycle hiring for our engineering teams: " +
	"sourcing, screening, interviews and offers, with hiring managers across three time zones."

var posted = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

func job(ref string) *jobboards.Job {
	return &jobboards.Job{ReferenceNumber: ref, Title: "Senior Technical Recruiter", Description: description,
		URL: "https://careers.acme.example/jobs/" + ref, City: "Austin", State: "TX", Country: "US",
		JobType: jobboards.FullTime, Workplace: jobboards.Hybrid, Date: posted}
}

func posting(ref, operation string) *providers.Operation {
	return op(linkedin.OpJobPost, &linkedin.Posting{Job: *job(ref), Operation: operation})
}

var taskPattern = `^urn:li:simpleJobPostingTask:[0-9a-f-]+$`

func suite(t *testing.T) *providertest.Suite {
	f := newFakeLinkedIn(t)
	good := f.settings(tokGood)
	create := posting("REQ-100", linkedin.OperationCreate)
	return &providertest.Suite{
		Settings: good,
		Calls: []providertest.Call{
			{Name: "create", Op: create, Check: func(t *testing.T, r *providers.Result) {
				res := decode[linkedin.PostResult](t, r)
				require.Regexp(t, taskPattern, res.TaskID)
				require.Equal(t, linkedin.PostResult{ReferenceNumber: "REQ-100", Created: true, TaskID: res.TaskID,
					Operation: linkedin.OperationCreate}, *res)
			}},
			{Name: "update", Op: posting("REQ-1", linkedin.OperationUpdate), Check: func(t *testing.T, r *providers.Result) {
				res := decode[linkedin.PostResult](t, r)
				require.False(t, res.Created)
				require.Equal(t, linkedin.OperationUpdate, res.Operation)
			}},
			{Name: "shared upsert creates", Op: op(jobboards.OpJobUpsert, job("REQ-101")), Check: func(t *testing.T, r *providers.Result) {
				res := decode[jobboards.UpsertResult](t, r)
				require.Equal(t, "REQ-101", res.ReferenceNumber)
				require.True(t, res.Created)
			}},
			{Name: "close", Op: op(linkedin.OpJobClose, job("REQ-1")), Check: func(t *testing.T, r *providers.Result) {
				res := decode[linkedin.CloseResult](t, r)
				require.True(t, res.Removed)
				require.Regexp(t, taskPattern, res.TaskID)
			}},
			{Name: "task status", Op: op(linkedin.OpTaskStatus, &linkedin.TaskParams{TaskIDs: []string{seededTask}}),
				Check: func(t *testing.T, r *providers.Result) {
					require.Equal(t, &linkedin.TaskStatuses{Tasks: []linkedin.Task{{ID: seededTask,
						Status: linkedin.TaskSucceeded, JobPosting: "urn:li:jobPosting:3875912345"}}},
						decode[linkedin.TaskStatuses](t, r))
				}},
		},
		Failures: []providertest.Failure{
			{Name: "no token", Settings: with(good, providers.SettingAccessToken, ""), Op: create, Kind: providers.KindAuth},
			{Name: "invalid token 401", Settings: with(good, providers.SettingAccessToken, "AQV-revoked"), Op: create, Kind: providers.KindAuth},
			{Name: "expired token 401", Settings: with(good, providers.SettingAccessToken, tokExpired), Op: create, Kind: providers.KindAuth},
			{Name: "not a partner 403", Settings: with(good, providers.SettingAccessToken, tokNoJobs), Op: create, Kind: providers.KindAuth},
			{Name: "throttled 429", Settings: with(good, providers.SettingAccessToken, tokBusy), Op: create,
				Kind: providers.KindRateLimited, RetryAfter: 60 * time.Second},
			{Name: "down 503", Settings: with(good, providers.SettingAccessToken, tokDown), Op: create, Kind: providers.KindRetryable},
			{Name: "version not active 426", Settings: with(good, linkedin.FieldAPIVersion, "202301"), Op: create,
				Kind: providers.KindInvalidInput},
			{Name: "element refused 422", Settings: with(good, linkedin.FieldOrganizationID, "999"), Op: create,
				Kind: providers.KindInvalidInput},
			{Name: "shared remove without the job", Op: op(jobboards.OpJobRemove, &jobboards.RemoveParams{ReferenceNumber: "REQ-1"}),
				Kind: providers.KindInvalidInput},
			{Name: "short description", Op: op(linkedin.OpJobPost, &jobboards.Job{ReferenceNumber: "R", Title: "T",
				Description: "Too short.", URL: "https://a.example/j", City: "Austin", State: "TX"}), Kind: providers.KindInvalidInput},
			{Name: "bad operation", Op: posting("REQ-2", "renew"), Kind: providers.KindInvalidInput},
			{Name: "bad task ID", Op: op(linkedin.OpTaskStatus, &linkedin.TaskParams{TaskIDs: []string{"urn:li:jobPosting:1"}}),
				Kind: providers.KindInvalidInput},
			{Name: "no task IDs", Op: op(linkedin.OpTaskStatus, &linkedin.TaskParams{}), Kind: providers.KindInvalidInput},
			{Name: "bad payload", Op: &providers.Operation{Name: linkedin.OpJobPost, Payload: []byte(`[1]`)},
				Kind: providers.KindInvalidInput},
		},
	}
}

// TestConformance: the provider passes providertest in process and as a
// plugin, against the fake LinkedIn API.
func TestConformance(t *testing.T) {
	t.Parallel()
	testkit.Conformance(t, testkit.Closing(t, linkedin.New(nil)), plugin, suite)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	good := providers.Settings{linkedin.FieldOrganizationID: orgID}
	testkit.Validate(t, linkedin.New(nil), []testkit.ValidateCase{
		{"defaults", good, "", ""},
		{"urn", with(good, linkedin.FieldOrganizationID, "urn:li:organization:2414183"), "", ""},
		{"all fields", with(good, linkedin.FieldAPIVersion, "202606", linkedin.FieldBaseURL, "https://api.linkedin.com"), "", ""},
		{"empty", providers.Settings{}, linkedin.FieldOrganizationID, "LinkedIn organization ID is required"},
		{"name not ID", with(good, linkedin.FieldOrganizationID, "Acme Corp"), linkedin.FieldOrganizationID,
			"LinkedIn organization ID must be digits or urn:li:organization:{id}"},
		{"other urn", with(good, linkedin.FieldOrganizationID, "urn:li:company:1"), linkedin.FieldOrganizationID,
			"LinkedIn organization ID must be digits or urn:li:organization:{id}"},
		{"bad version", with(good, linkedin.FieldAPIVersion, "2026-03"), linkedin.FieldAPIVersion,
			"Please enter a LinkedIn API version such as 202603"},
		{"month 13", with(good, linkedin.FieldAPIVersion, "202613"), linkedin.FieldAPIVersion,
			"Please enter a LinkedIn API version such as 202603"},
		{"http base", with(good, linkedin.FieldBaseURL, "http://api.linkedin.example"), linkedin.FieldBaseURL,
			"Please enter a valid https URL"},
	})
}

// TestPostingWire checks the documented request: the bearer token, the
// version headers, BATCH_CREATE, and the element's fields.
func TestPostingWire(t *testing.T) {
	t.Parallel()
	f := newFakeLinkedIn(t)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	p := linkedin.New(&linkedin.Config{Now: func() time.Time { return now }})
	defer p.Close()
	inst := providers.NewInstance(linkedin.DisplayName, p, with(f.settings(tokGood), linkedin.FieldOrganizationID,
		"urn:li:organization:"+orgID), nil)
	res, err := linkedin.JobCreate(t.Context(), inst, job("REQ-7"))
	require.NoError(t, err)
	require.True(t, res.Created)

	req := f.Last()
	require.Equal(t, "/rest/simpleJobPostings", req.Path)
	require.Equal(t, "Bearer "+tokGood, req.Header.Get("Authorization"))
	require.Equal(t, linkedin.DefaultAPIVersion, req.Header.Get("LinkedIn-Version"))
	require.Equal(t, "2.0.0", req.Header.Get("X-Restli-Protocol-Version"))
	require.Equal(t, "BATCH_CREATE", req.Header.Get("X-RestLi-Method"))
	require.Equal(t, map[string]any{"elements": []any{map[string]any{
		"integrationContext": "urn:li:organization:" + orgID, "companyApplyUrl": "https://careers.acme.example/jobs/REQ-7",
		"description": description, "employmentStatus": "FULL_TIME", "externalJobPostingId": "REQ-7",
		"listedAt": float64(posted.UnixMilli()), "jobPostingOperationType": "CREATE", "location": "Austin, TX",
		"title": "Senior Technical Recruiter", "workplaceTypes": []any{"Hybrid"}, "listingType": "BASIC"}}}, req.Body)

	// A job without a date is listed now; one dated later than now is
	// refused before any request.
	j := job("REQ-8")
	j.Date, j.JobType, j.Workplace = time.Time{}, "", ""
	_, err = linkedin.JobUpdate(t.Context(), inst, j)
	require.NoError(t, err)
	el := f.Last().Body["elements"].([]any)[0].(map[string]any)
	require.Equal(t, float64(now.UnixMilli()), el["listedAt"])
	require.Equal(t, "UPDATE", el["jobPostingOperationType"])
	require.NotContains(t, el, "employmentStatus")
	require.NotContains(t, el, "workplaceTypes")
	j.Date = now.Add(time.Hour)
	before := f.Count()
	_, err = linkedin.JobUpdate(t.Context(), inst, j)
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	require.Contains(t, err.Error(), "date must not be in the future")
	require.Equal(t, before, f.Count(), "refused before any request")
}

// TestJobLifecycle: create, process, update, close through the plugin,
// the task statuses LinkedIn reports at each step, and a duplicate create
// failing in its task.
func TestJobLifecycle(t *testing.T) {
	t.Parallel()
	f := newFakeLinkedIn(t)
	inst := providers.NewInstance(linkedin.DisplayName, plugin(t), f.settings(tokGood), nil)
	ctx := t.Context()

	created, err := linkedin.JobCreate(ctx, inst, job("REQ-200"))
	require.NoError(t, err)
	st, err := linkedin.TaskStatus(ctx, inst, created.TaskID)
	require.NoError(t, err)
	require.Equal(t, []linkedin.Task{{ID: created.TaskID, Status: linkedin.TaskInProgress}}, st.Tasks)
	f.Process()
	require.Equal(t, "open", f.Job("REQ-200"))

	j := job("REQ-200")
	j.Title = "Lead Technical Recruiter"
	updated, err := linkedin.JobUpdate(ctx, inst, j)
	require.NoError(t, err)
	dup, err := linkedin.JobCreate(ctx, inst, job("REQ-200"))
	require.NoError(t, err, "LinkedIn accepts the task and fails it later")
	closed, err := linkedin.JobClose(ctx, inst, j)
	require.NoError(t, err)
	require.True(t, closed.Removed)
	f.Process()

	st, err = linkedin.TaskStatus(ctx, inst, created.TaskID, updated.TaskID, dup.TaskID, closed.TaskID,
		"urn:li:simpleJobPostingTask:ffffffff-0000-0000-0000-000000000000")
	require.NoError(t, err)
	require.Len(t, st.Tasks, 5)
	require.Equal(t, linkedin.TaskSucceeded, st.Tasks[0].Status)
	require.Regexp(t, `^urn:li:jobPosting:[0-9]+$`, st.Tasks[0].JobPosting)
	require.Equal(t, linkedin.TaskSucceeded, st.Tasks[1].Status)
	require.Equal(t, linkedin.Task{ID: dup.TaskID, Status: linkedin.TaskFailed,
		ErrorMessage: "Job with externalJobPostingId REQ-200 already exists"}, st.Tasks[2])
	require.Equal(t, linkedin.TaskSucceeded, st.Tasks[3].Status)
	require.Equal(t, "404 Not Found", st.Tasks[4].Error)
	require.Empty(t, st.Tasks[4].Status)
	require.Equal(t, "closed", f.Job("REQ-200"))

	q := f.Last()
	require.Equal(t, "/rest/simpleJobPostingTasks", q.Path)
	require.True(t, strings.HasPrefix(q.RawQuery, "ids=List(urn%3Ali%3AsimpleJobPostingTask%3A"), q.RawQuery)
	require.Empty(t, q.Header.Get("X-RestLi-Method"))
}

// TestSharedOperations: a host programmed against package jobboards posts
// through LinkedIn; its remove, which sends only the reference number, is
// refused with the reason.
func TestSharedOperations(t *testing.T) {
	t.Parallel()
	f := newFakeLinkedIn(t)
	p := linkedin.New(nil)
	defer p.Close()
	inst := providers.NewInstance(linkedin.DisplayName, p, f.settings(tokGood), nil)
	up, err := jobboards.JobUpsert(t.Context(), inst, job("REQ-300"))
	require.NoError(t, err)
	require.Equal(t, "REQ-300", up.ReferenceNumber)
	require.True(t, up.Created)
	require.Equal(t, "CREATE", f.Last().Body["elements"].([]any)[0].(map[string]any)["jobPostingOperationType"])

	_, err = jobboards.JobRemove(t.Context(), inst, "REQ-300")
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	require.Contains(t, err.Error(), "LinkedIn closes a job by re-posting it whole: title is required")

	_, err = jobboards.FeedRender(t.Context(), inst, jobboards.LinkedIn)
	require.ErrorIs(t, err, providers.ErrUnsupported)

	j := job("REQ-301")
	j.Boards = []string{jobboards.Indeed}
	_, err = jobboards.JobUpsert(t.Context(), inst, j)
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	require.Contains(t, err.Error(), "the job's boards do not include linkedin")
}

// TestErrors checks the spec's wording (§16), LinkedIn's messages and
// codes, and that the token never appears in errors or logs.
func TestErrors(t *testing.T) {
	t.Parallel()
	f := newFakeLinkedIn(t)
	var logs bytes.Buffer
	p := linkedin.New(&linkedin.Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	defer p.Close()
	create := posting("REQ-400", "")
	tests := []struct {
		name     string
		s        providers.Settings
		msg, err string
		after    time.Duration
	}{
		{"401", f.settings("AQV-stale-secret"), "Authentication failed. Please check credentials.",
			"Invalid access token (INVALID_ACCESS_TOKEN, serviceErrorCode 65600)", 0},
		{"429", f.settings(tokBusy), "Rate limit exceeded. Retry in 60 seconds.", "serviceErrorCode 101", 60 * time.Second},
		{"503", f.settings(tokDown), "LinkedIn is currently unavailable", "linkedin: 503 Service Unavailable", 0},
		{"426", with(f.settings(tokGood), linkedin.FieldAPIVersion, "202301"),
			"linkedin: 426 Requested version 202301 is not active (NONEXISTENT_VERSION)", "", 0},
		{"422", with(f.settings(tokGood), linkedin.FieldOrganizationID, "1"),
			"linkedin: 422 ERROR :: /integrationContext :: Invalid organization urn", "", 0},
	}
	for _, tt := range tests {
		_, err := p.Do(t.Context(), tt.s, create)
		require.Equal(t, tt.msg, providers.UserMessage(err, linkedin.DisplayName), "%s: %v", tt.name, err)
		require.Contains(t, err.Error(), tt.err, tt.name)
		require.Equal(t, tt.after, providers.AsError(err).RetryAfter, tt.name)
		require.NotContains(t, err.Error(), "AQV-", tt.name)
	}
	require.Contains(t, logs.String(), "linkedin: request")
	require.NotContains(t, logs.String(), "AQV-")
	require.NotContains(t, logs.String(), "Recruiter", "no job data in logs")
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f := newFakeLinkedIn(t)
	p := linkedin.New(nil)
	defer p.Close()
	res, err := p.Check(t.Context(), f.settings(tokGood))
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)
	require.Equal(t, "/rest/simpleJobPostingTasks", f.Last().Path)
	for _, s := range []providers.Settings{f.settings("AQV-revoked"), f.settings(tokNoJobs), f.settings(""),
		with(f.settings(tokGood), linkedin.FieldAPIVersion, "202301")} {
		res, err = p.Check(t.Context(), s)
		require.NoError(t, err)
		require.Equal(t, providers.StageAuth, res.Failed().Name, "%v", s[providers.SettingAccessToken])
	}
	_, err = p.Check(t.Context(), providers.Settings{})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
}

func TestLocation(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		j    jobboards.Job
		want string
	}{
		{jobboards.Job{City: "Austin", State: "TX", Country: "US"}, "Austin, TX"},
		{jobboards.Job{City: "Austin", State: "TX"}, "Austin, TX"},
		{jobboards.Job{City: "Toronto", State: "ON", Country: "CA"}, "Toronto, CA"},
		{jobboards.Job{City: "Berlin", Country: "DE"}, "Berlin, DE"},
		{jobboards.Job{PostalCode: "94105", Country: "US"}, "94105, US"},
		{jobboards.Job{Country: "IN"}, "IN"},
		{jobboards.Job{State: "CA"}, "CA"},
		{jobboards.Job{City: " "}, ""},
	} {
		require.Equal(t, tt.want, linkedin.Location(&tt.j), "%+v", tt.j)
	}
}
