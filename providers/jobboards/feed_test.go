package jobboards_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/jobboards"
)

// indeedSource is Indeed's XML job feed as its documentation lays it out,
// declared here apart from the package's encoder.
type indeedSource struct {
	XMLName       xml.Name `xml:"source"`
	Publisher     string   `xml:"publisher"`
	PublisherURL  string   `xml:"publisherurl"`
	LastBuildDate string   `xml:"lastBuildDate"`
	Jobs          []struct {
		Title           string `xml:"title"`
		Date            string `xml:"date"`
		ReferenceNumber string `xml:"referencenumber"`
		URL             string `xml:"url"`
		Company         string `xml:"company"`
		City            string `xml:"city"`
		State           string `xml:"state"`
		Country         string `xml:"country"`
		PostalCode      string `xml:"postalcode"`
		Email           string `xml:"email"`
		Description     string `xml:"description"`
		Salary          string `xml:"salary"`
		JobType         string `xml:"jobtype"`
		RemoteType      string `xml:"remotetype"`
	} `xml:"job"`
}

// linkedInSource is LinkedIn's Basic Jobs XML feed as its development
// guide lists the fields.
type linkedInSource struct {
	XMLName          xml.Name `xml:"source"`
	LastBuildDate    string   `xml:"lastBuildDate"`
	PublisherURL     string   `xml:"publisherURL"`
	Publisher        string   `xml:"publisher"`
	ExpectedJobCount int      `xml:"expectedJobCount"`
	Jobs             []struct {
		PartnerJobID   string `xml:"partnerJobId"`
		Company        string `xml:"company"`
		Title          string `xml:"title"`
		Description    string `xml:"description"`
		ApplyURL       string `xml:"applyUrl"`
		CompanyID      string `xml:"companyId"`
		JobPosterEmail string `xml:"jobPosterEmail"`
		Location       string `xml:"location"`
		Country        string `xml:"country"`
		WorkplaceTypes string `xml:"workplaceTypes"`
		JobType        string `xml:"jobtype"`
	} `xml:"job"`
}

func parseIndeed(t testing.TB, b []byte) *indeedSource {
	t.Helper()
	var src indeedSource
	require.NoError(t, xml.Unmarshal(b, &src), "%s", b)
	return &src
}

// upsert adds jobs through the plugin, as a host would.
func upsert(t *testing.T, h *host, c providers.Caller, jobs ...*jobboards.Job) {
	t.Helper()
	for _, j := range jobs {
		_, err := jobboards.JobUpsert(t.Context(), c, j)
		require.NoError(t, err)
	}
}

// TestFeedsServed is the must-show for feeds: jobs written by the plugin
// process are served by the host's handler in each board's documented
// format, checked by parsing the XML (not by comparing strings).
func TestFeedsServed(t *testing.T) {
	t.Parallel()
	h := newHost(t, "indeed,dice,linkedin")
	inst := providers.NewInstance(jobboards.DisplayName, plugin(t), h.settings, nil)
	tricky := &jobboards.Job{ReferenceNumber: "REQ-2002", Title: "Nurse <RN> & Charge", Company: "ABC Hospital",
		Description: "<b>Nights</b> ]]> & weekends; " + longDescription, URL: "https://careers.intime.example/jobs/2002?src=feed&x=1",
		City: "Toronto", State: "ON", Country: "CA", Workplace: jobboards.OnSite, JobType: jobboards.Contract,
		Date: time.Date(2024, 4, 30, 8, 0, 0, 0, time.UTC)}
	indeedOnly := &jobboards.Job{ReferenceNumber: "REQ-3003", Title: "Driver", Description: "Short.", URL: "http://x.example/3",
		City: "Austin", State: "TX", Boards: []string{jobboards.Indeed}, Date: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)}
	upsert(t, h, inst, recruiter(), tricky, indeedOnly)

	resp, body := h.get(t, "/jobs/feeds/indeed.xml", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "application/xml; charset=utf-8", resp.Header.Get("Content-Type"))
	require.True(t, strings.HasPrefix(string(body), `<?xml version="1.0" encoding="UTF-8"?>`))
	src := parseIndeed(t, body)
	require.Equal(t, "InTime Staffing", src.Publisher)
	require.Equal(t, "https://www.intime.example", src.PublisherURL)
	_, err := time.Parse(http.TimeFormat, src.LastBuildDate)
	require.NoError(t, err)
	require.Len(t, src.Jobs, 3)
	require.Equal(t, []string{"REQ-2002", "REQ-1001", "REQ-3003"}, refs(src), "newest first")
	j := src.Jobs[0]
	require.Equal(t, "Nurse <RN> & Charge", j.Title)
	require.Equal(t, tricky.Description, j.Description, "CDATA keeps HTML and a literal ]]>")
	require.Equal(t, tricky.URL, j.URL)
	require.Equal(t, "Tue, 30 Apr 2024 08:00:00 GMT", j.Date)
	require.Equal(t, "contract", j.JobType)
	r := src.Jobs[1]
	require.Equal(t, "InTime Staffing", r.Company, "the publisher is the default company")
	require.Equal(t, "Hybrid remote", r.RemoteType)
	require.Equal(t, "$70K per year", r.Salary)
	require.Equal(t, "85003", r.PostalCode)
	require.Contains(t, string(body), "<description><![CDATA[<p>We are hiring", "values are CDATA, as Indeed's sample")

	_, body = h.get(t, "/jobs/feeds/dice.xml", nil)
	require.Equal(t, []string{"REQ-2002", "REQ-1001"}, refs(parseIndeed(t, body)), "the Indeed-only job is not in Dice's")

	_, body = h.get(t, "/jobs/feeds/linkedin.xml", nil)
	var li linkedInSource
	require.NoError(t, xml.Unmarshal(body, &li), "%s", body)
	require.Equal(t, 2, li.ExpectedJobCount, "the Indeed-only job is not in LinkedIn's feed")
	require.Equal(t, "https://www.intime.example", li.PublisherURL)
	require.Len(t, li.Jobs, 2)
	require.Equal(t, "REQ-2002", li.Jobs[0].PartnerJobID)
	require.Equal(t, "Toronto, ON, CA", li.Jobs[0].Location)
	require.Equal(t, "On-site", li.Jobs[0].WorkplaceTypes)
	require.Equal(t, "CONTRACT", li.Jobs[0].JobType)
	require.Equal(t, "Phoenix, AZ", li.Jobs[1].Location)
	require.Equal(t, "1337", li.Jobs[1].CompanyID)
	require.Equal(t, "jobs@intime.example", li.Jobs[1].JobPosterEmail)
	require.Equal(t, "https://careers.intime.example/jobs/1001", li.Jobs[1].ApplyURL)

	_, err = jobboards.JobRemove(t.Context(), inst, "REQ-2002")
	require.NoError(t, err)
	_, body = h.get(t, "/jobs/feeds/indeed.xml", nil)
	require.Equal(t, []string{"REQ-1001", "REQ-3003"}, refs(parseIndeed(t, body)), "removed at the next fetch")
}

func refs(src *indeedSource) []string {
	var out []string
	for _, j := range src.Jobs {
		out = append(out, j.ReferenceNumber)
	}
	return out
}

func TestFeedHandler(t *testing.T) {
	t.Parallel()
	h := newHost(t, "indeed")
	resp, body := h.get(t, "/jobs/feeds/indeed.xml", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Empty(t, parseIndeed(t, body).Jobs, "an empty feed is a valid feed")

	upsert(t, h, providers.NewInstance("jb", jobboards.New(nil), h.settings, nil), recruiter())
	resp, _ = h.get(t, "/jobs/feeds/indeed.xml", nil)
	lm := resp.Header.Get("Last-Modified")
	require.NotEmpty(t, lm)
	resp, _ = h.get(t, "/jobs/feeds/indeed.xml", http.Header{"If-Modified-Since": {lm}})
	require.Equal(t, http.StatusNotModified, resp.StatusCode)

	for path, code := range map[string]int{"/jobs/feeds/linkedin.xml": 404, "/jobs/feeds/indeed": 404,
		"/jobs/feeds/../indeed.xml": 404, "/jobs/feeds/": 404} {
		resp, _ := h.get(t, path, nil)
		require.Equal(t, code, resp.StatusCode, path)
	}
	resp, err := h.Client().Post(h.URL+"/jobs/feeds/indeed.xml", "text/plain", nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)

	_, err = jobboards.FeedHandler(providers.Settings{}, nil)
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
}

// TestConcurrentWritesAndReads: while jobs are written and rewritten from
// several goroutines, every feed served parses whole, and at the end every
// job is in it once.
func TestConcurrentWritesAndReads(t *testing.T) {
	t.Parallel()
	h := newHost(t, "indeed")
	p := jobboards.New(nil)
	inst := providers.NewInstance("jb", p, h.settings, nil)
	const writers, rounds = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				j := recruiter()
				j.ReferenceNumber = fmt.Sprintf("W%d", w)
				j.Title = fmt.Sprintf("Round %d", r)
				_, err := jobboards.JobUpsert(context.Background(), inst, j)
				errs <- err
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for reading := true; reading; {
		select {
		case <-done:
			reading = false
		default:
			_, body := h.get(t, "/jobs/feeds/indeed.xml", nil)
			parseIndeed(t, body)
		}
	}
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	_, body := h.get(t, "/jobs/feeds/indeed.xml", nil)
	src := parseIndeed(t, body)
	require.ElementsMatch(t, []string{"W0", "W1", "W2", "W3"}, refs(src))
	for _, j := range src.Jobs {
		require.Equal(t, "Round 9", j.Title)
	}
}
