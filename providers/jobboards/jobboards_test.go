package jobboards_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/jobboards"
	"github.com/intimeos/integrations/providers/providertest"
)

var (
	op   = testkit.Op
	with = testkit.With
)

func decode[T any](t *testing.T, r *providers.Result) *T { return testkit.Decode[T](t, r) }

var clock = func() time.Time { return time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) }

// host is a host serving an integration's feeds as a host mounts them.
type host struct {
	*httptest.Server
	settings providers.Settings
}

// newHost mounts the feed handler of settings over dir at /jobs/feeds.
func newHost(t testing.TB, boards string) *host {
	h := &host{}
	mux := http.NewServeMux()
	h.Server = httptest.NewServer(mux)
	t.Cleanup(h.Close)
	h.settings = providers.Settings{jobboards.FieldBoards: boards, jobboards.FieldFeedDir: t.TempDir(),
		jobboards.FieldFeedURL: h.URL + "/jobs/feeds", jobboards.FieldPublisher: "InTime Staffing",
		jobboards.FieldPublisherURL: "https://www.intime.example", jobboards.FieldLinkedInCompanyID: "1337"}
	fh, err := jobboards.FeedHandler(h.settings, &jobboards.FeedConfig{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/jobs/feeds/", http.StripPrefix("/jobs/feeds", fh))
	return h
}

// get fetches path from the host.
func (h *host) get(t testing.TB, path string, header http.Header) (*http.Response, []byte) {
	req, err := http.NewRequest(http.MethodGet, h.URL+path, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := h.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

var longDescription = "<p>We are hiring a recruiter to run full-cycle searches for engineering roles, " +
	"partner with hiring managers, and keep candidates informed at every step.</p>"

func recruiter() *jobboards.Job {
	return &jobboards.Job{ReferenceNumber: "REQ-1001", Title: "Senior Recruiter", Description: longDescription,
		URL: "https://careers.intime.example/jobs/1001", City: "Phoenix", State: "AZ", Country: "US", PostalCode: "85003",
		Email: "jobs@intime.example", Salary: "$70K per year", JobType: jobboards.FullTime, Workplace: jobboards.Hybrid,
		Date: time.Date(2024, 4, 29, 22, 49, 39, 0, time.UTC)}
}

func suite(t *testing.T) *providertest.Suite {
	h := newHost(t, "indeed,dice,linkedin")
	return &providertest.Suite{
		Settings: h.settings,
		Calls: []providertest.Call{
			{Name: "add", Op: op(jobboards.OpJobUpsert, recruiter()), Check: func(t *testing.T, r *providers.Result) {
				require.Equal(t, &jobboards.UpsertResult{ReferenceNumber: "REQ-1001", Created: true, FeedURLs: map[string]string{
					"indeed": h.URL + "/jobs/feeds/indeed.xml", "dice": h.URL + "/jobs/feeds/dice.xml",
					"linkedin": h.URL + "/jobs/feeds/linkedin.xml"}}, decode[jobboards.UpsertResult](t, r))
			}},
			{Name: "update", Op: op(jobboards.OpJobUpsert, func() *jobboards.Job {
				j := recruiter()
				j.Title = "Lead Recruiter"
				return j
			}()), Check: func(t *testing.T, r *providers.Result) {
				require.False(t, decode[jobboards.UpsertResult](t, r).Created)
			}},
			{Name: "render", Op: op(jobboards.OpFeedRender, &jobboards.RenderParams{Board: jobboards.Indeed}),
				Check: func(t *testing.T, r *providers.Result) {
					f := decode[jobboards.Feed](t, r)
					require.Equal(t, h.URL+"/jobs/feeds/indeed.xml", f.URL)
					src := parseIndeed(t, []byte(f.XML))
					require.Len(t, src.Jobs, 1)
					require.Equal(t, "Lead Recruiter", src.Jobs[0].Title)
				}},
			{Name: "remove", Op: op(jobboards.OpJobRemove, &jobboards.RemoveParams{ReferenceNumber: "REQ-1001"}),
				Check: func(t *testing.T, r *providers.Result) {
					require.True(t, decode[jobboards.RemoveResult](t, r).Removed)
				}},
			{Name: "remove again", Op: op(jobboards.OpJobRemove, &jobboards.RemoveParams{ReferenceNumber: "REQ-1001"}),
				Check: func(t *testing.T, r *providers.Result) {
					require.False(t, decode[jobboards.RemoveResult](t, r).Removed)
				}},
		},
		Failures: []providertest.Failure{
			{Name: "no title", Op: op(jobboards.OpJobUpsert, &jobboards.Job{ReferenceNumber: "x", Description: "d",
				URL: "https://a.example/x", City: "Austin"}), Kind: providers.KindInvalidInput},
			{Name: "short description for LinkedIn", Op: op(jobboards.OpJobUpsert, func() *jobboards.Job {
				j := recruiter()
				j.Description = "Recruiter wanted."
				return j
			}()), Kind: providers.KindInvalidInput},
			{Name: "unknown board", Op: op(jobboards.OpFeedRender, &jobboards.RenderParams{Board: "monster"}),
				Kind: providers.KindInvalidInput},
			{Name: "feed directory not writable", Settings: with(h.settings, jobboards.FieldFeedDir, notADir(h)),
				Op: op(jobboards.OpJobUpsert, recruiter()), Kind: providers.KindPermanent},
		},
	}
}

// notADir is a path under a regular file: no directory can be made there.
func notADir(h *host) string {
	f := filepath.Join(h.settings[jobboards.FieldFeedDir], "file")
	if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
		panic(err)
	}
	return filepath.Join(f, "feeds")
}

// TestConformance is the must-show: the provider passes providertest in
// process and as a plugin, each writing a feed directory of its own.
func TestConformance(t *testing.T) {
	t.Parallel()
	testkit.Conformance(t, testkit.Closing(t, jobboards.New(&jobboards.Config{Now: clock})), plugin, suite)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	good := providers.Settings{jobboards.FieldBoards: "indeed, linkedin", jobboards.FieldFeedDir: "/var/lib/feeds",
		jobboards.FieldFeedURL: "https://app.example.com/jobs/feeds", jobboards.FieldPublisher: "InTime",
		jobboards.FieldPublisherURL: "https://intime.example"}
	tests := []testkit.ValidateCase{
		{"valid", good, "", ""},
		{"no boards", with(good, jobboards.FieldBoards, ""), jobboards.FieldBoards, "Please select at least one job board"},
		{"unknown board", with(good, jobboards.FieldBoards, "indeed,monster"), jobboards.FieldBoards,
			"Job boards must be among indeed, dice and linkedin"},
		{"relative dir", with(good, jobboards.FieldFeedDir, "feeds"), jobboards.FieldFeedDir, "Please enter an absolute directory path"},
		{"no feed URL", with(good, jobboards.FieldFeedURL, ""), jobboards.FieldFeedURL, "Feed URL is required"},
		{"bad publisher URL", with(good, jobboards.FieldPublisherURL, "intime.example"), jobboards.FieldPublisherURL,
			"Please enter a valid URL"},
		{"bad LinkedIn ID", with(good, jobboards.FieldLinkedInCompanyID, "acme"), jobboards.FieldLinkedInCompanyID,
			"LinkedIn company ID must be digits"},
	}
	testkit.Validate(t, jobboards.New(nil), tests)
}

func TestCheck(t *testing.T) {
	t.Parallel()
	h := newHost(t, "indeed")
	p := jobboards.New(nil)
	defer p.Close()
	res, err := p.Check(t.Context(), h.settings)
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)
	require.Len(t, res.Stages, 4)

	tests := map[string]providers.Settings{
		"feed not mounted there":  with(h.settings, jobboards.FieldFeedURL, h.URL+"/elsewhere"),
		"another publisher":       with(h.settings, jobboards.FieldPublisher, "Someone Else"),
		"directory not writable":  with(h.settings, jobboards.FieldFeedDir, notADir(h)),
		"board not served there:": with(h.settings, jobboards.FieldBoards, "linkedin"),
	}
	for name, s := range tests {
		t.Run(name, func(t *testing.T) {
			res, err := p.Check(t.Context(), s)
			require.NoError(t, err)
			require.Equal(t, providers.StageAuth, res.Failed().Name, "%+v", res.Stages)
		})
	}
	closed := newHost(t, "indeed")
	closed.Close()
	res, err = p.Check(t.Context(), closed.settings)
	require.NoError(t, err)
	require.Equal(t, providers.StageTCP, res.Failed().Name)
}
