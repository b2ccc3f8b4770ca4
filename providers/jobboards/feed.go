package jobboards

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// cdata is a text element written as CDATA, as the boards' samples do.
type cdata struct {
	V string `xml:",cdata"`
}

// opt is an optional CDATA element: nil (left out) when v is empty.
func opt(v string) *cdata {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	return &cdata{v}
}

// Indeed's XML job feed: <source> with <publisher>, <publisherurl>,
// <lastBuildDate> and one <job> per posting.
type (
	indeedSource struct {
		XMLName       xml.Name    `xml:"source"`
		Publisher     string      `xml:"publisher"`
		PublisherURL  string      `xml:"publisherurl"`
		LastBuildDate string      `xml:"lastBuildDate"`
		Jobs          []indeedJob `xml:"job"`
	}
	indeedJob struct {
		Title           cdata  `xml:"title"`
		Date            cdata  `xml:"date"`
		ReferenceNumber cdata  `xml:"referencenumber"`
		URL             cdata  `xml:"url"`
		Company         cdata  `xml:"company"`
		City            *cdata `xml:"city,omitempty"`
		State           *cdata `xml:"state,omitempty"`
		Country         *cdata `xml:"country,omitempty"`
		PostalCode      *cdata `xml:"postalcode,omitempty"`
		StreetAddress   *cdata `xml:"streetaddress,omitempty"`
		Email           *cdata `xml:"email,omitempty"`
		Description     cdata  `xml:"description"`
		Salary          *cdata `xml:"salary,omitempty"`
		Education       *cdata `xml:"education,omitempty"`
		JobType         *cdata `xml:"jobtype,omitempty"`
		Category        *cdata `xml:"category,omitempty"`
		Experience      *cdata `xml:"experience,omitempty"`
		RemoteType      *cdata `xml:"remotetype,omitempty"`
	}
)

// LinkedIn's Basic Jobs XML feed (job wrapping).
type (
	linkedInSource struct {
		XMLName          xml.Name      `xml:"source"`
		LastBuildDate    string        `xml:"lastBuildDate"`
		PublisherURL     string        `xml:"publisherURL"`
		Publisher        string        `xml:"publisher"`
		ExpectedJobCount int           `xml:"expectedJobCount"`
		Jobs             []linkedInJob `xml:"job"`
	}
	linkedInJob struct {
		PartnerJobID   cdata  `xml:"partnerJobId"`
		Company        cdata  `xml:"company"`
		Title          cdata  `xml:"title"`
		Description    cdata  `xml:"description"`
		ApplyURL       cdata  `xml:"applyUrl"`
		CompanyID      *cdata `xml:"companyId,omitempty"`
		JobPosterEmail *cdata `xml:"jobPosterEmail,omitempty"`
		Location       cdata  `xml:"location"`
		City           *cdata `xml:"city,omitempty"`
		State          *cdata `xml:"state,omitempty"`
		Country        *cdata `xml:"country,omitempty"`
		PostalCode     *cdata `xml:"postalcode,omitempty"`
		WorkplaceTypes *cdata `xml:"workplaceTypes,omitempty"`
		JobType        *cdata `xml:"jobtype,omitempty"`
	}
)

var (
	indeedRemote   = map[string]string{Remote: "Fully remote", Hybrid: "Hybrid remote"}
	linkedInPlace  = map[string]string{OnSite: "On-site", Hybrid: "Hybrid", Remote: "Remote"}
	linkedInJobTyp = map[string]string{FullTime: "FULL_TIME", PartTime: "PART_TIME", Contract: "CONTRACT",
		Temporary: "TEMPORARY", Internship: "INTERNSHIP"}
)

// render returns board's feed of jobs built at built.
func render(st *settings, board string, jobs []Job, built time.Time) ([]byte, error) {
	jobs = slices.DeleteFunc(slices.Clone(jobs), func(j Job) bool { return !slices.Contains(j.boardsOf(st.boards), board) })
	var doc any
	switch board {
	case Indeed, Dice:
		doc = indeedFeed(st, jobs, built)
	case LinkedIn:
		doc = linkedInFeed(st, jobs, built)
	default:
		return nil, fmt.Errorf("jobboards: no feed format for board %q", board)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("jobboards: encode %s feed: %w", board, err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

func indeedFeed(st *settings, jobs []Job, built time.Time) *indeedSource {
	src := &indeedSource{Publisher: st.publisher, PublisherURL: st.pubURL, LastBuildDate: built.UTC().Format(http.TimeFormat),
		Jobs: make([]indeedJob, 0, len(jobs))}
	for _, j := range jobs {
		src.Jobs = append(src.Jobs, indeedJob{Title: cdata{j.Title}, Date: cdata{j.Date.UTC().Format(http.TimeFormat)},
			ReferenceNumber: cdata{j.ReferenceNumber}, URL: cdata{j.URL}, Company: cdata{or(j.Company, st.publisher)},
			City: opt(j.City), State: opt(j.State), Country: opt(j.Country), PostalCode: opt(j.PostalCode),
			StreetAddress: opt(j.StreetAddress), Email: opt(j.Email), Description: cdata{j.Description},
			Salary: opt(j.Salary), Education: opt(j.Education), JobType: opt(j.JobType), Category: opt(j.Category),
			Experience: opt(j.Experience), RemoteType: opt(indeedRemote[j.Workplace])})
	}
	return src
}

func linkedInFeed(st *settings, jobs []Job, built time.Time) *linkedInSource {
	src := &linkedInSource{LastBuildDate: built.UTC().Format(http.TimeFormat), PublisherURL: st.pubURL,
		Publisher: st.publisher, ExpectedJobCount: len(jobs), Jobs: make([]linkedInJob, 0, len(jobs))}
	for _, j := range jobs {
		src.Jobs = append(src.Jobs, linkedInJob{PartnerJobID: cdata{j.ReferenceNumber}, Company: cdata{or(j.Company, st.publisher)},
			Title: cdata{j.Title}, Description: cdata{j.Description}, ApplyURL: cdata{j.URL}, CompanyID: opt(st.linkedinID),
			JobPosterEmail: opt(j.Email), Location: cdata{location(&j)}, City: opt(j.City), State: opt(j.State),
			Country: opt(j.Country), PostalCode: opt(j.PostalCode), WorkplaceTypes: opt(linkedInPlace[j.Workplace]),
			JobType: opt(linkedInJobTyp[j.JobType])})
	}
	return src
}

// location is LinkedIn's location string: "City, ST" in the US, else
// "City, Country".
func location(j *Job) string {
	var parts []string
	for _, p := range []string{j.City, j.State} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if j.Country != "" && j.Country != "US" || len(parts) == 0 {
		parts = append(parts, j.Country)
	}
	return strings.Join(parts, ", ")
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
