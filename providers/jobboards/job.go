package jobboards

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The job types of [Job.JobType].
const (
	FullTime   = "fulltime"
	PartTime   = "parttime"
	Contract   = "contract"
	Temporary  = "temporary"
	Internship = "internship"
)

// The workplaces of [Job.Workplace].
const (
	OnSite = "onsite"
	Hybrid = "hybrid"
	Remote = "remote"
)

// LinkedInMinDescription is the shortest description LinkedIn ingests.
const LinkedInMinDescription = 100

// Job is a job posting as the feeds publish it.
type Job struct {
	// ReferenceNumber is the host's unique ID of the job (required, at most
	// 40 characters, LinkedIn's limit).
	ReferenceNumber string `json:"referenceNumber"`
	Title           string `json:"title"`
	// Description is the job's description, simple HTML allowed.
	Description string `json:"description"`
	// URL is where candidates apply (required, https for LinkedIn).
	URL string `json:"url"`
	// Company defaults to the integration's publisher.
	Company       string `json:"company,omitempty"`
	City          string `json:"city,omitempty"`
	State         string `json:"state,omitempty"`
	Country       string `json:"country,omitempty"`
	PostalCode    string `json:"postalCode,omitempty"`
	StreetAddress string `json:"streetAddress,omitempty"`
	// Email receives applications (Indeed) and is LinkedIn's job poster
	// email.
	Email      string `json:"email,omitempty"`
	Salary     string `json:"salary,omitempty"`
	Education  string `json:"education,omitempty"`
	Experience string `json:"experience,omitempty"`
	Category   string `json:"category,omitempty"`
	// JobType is one of [FullTime], [PartTime], [Contract], [Temporary],
	// [Internship], or empty.
	JobType string `json:"jobType,omitempty"`
	// Workplace is [OnSite], [Hybrid], [Remote] or empty.
	Workplace string `json:"workplace,omitempty"`
	// Date is when the job was posted; zero means now at its first
	// upsert, and an update keeps the first date.
	Date time.Time `json:"date,omitzero"`
	// Boards limits the job to some of the integration's boards; empty
	// means all of them.
	Boards []string `json:"boards,omitempty"`
}

// validate checks the job against the boards it goes to. Messages name the
// field.
func (j *Job) validate(boards []string) []string {
	var bad []string
	need := func(v, name string) {
		if strings.TrimSpace(v) == "" {
			bad = append(bad, name+" is required")
		}
	}
	need(j.ReferenceNumber, "referenceNumber")
	need(j.Title, "title")
	need(j.Description, "description")
	need(j.City+j.State+j.Country, "a location (city, state or country)")
	if utf8.RuneCountInString(j.ReferenceNumber) > 40 {
		bad = append(bad, "referenceNumber must be at most 40 characters")
	}
	u, err := url.Parse(j.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad = append(bad, "url must be an absolute http(s) URL")
	}
	if j.JobType != "" && !slices.Contains([]string{FullTime, PartTime, Contract, Temporary, Internship}, j.JobType) {
		bad = append(bad, "jobType must be fulltime, parttime, contract, temporary or internship")
	}
	if j.Workplace != "" && !slices.Contains([]string{OnSite, Hybrid, Remote}, j.Workplace) {
		bad = append(bad, "workplace must be onsite, hybrid or remote")
	}
	for _, b := range j.Boards {
		if !slices.Contains(boards, b) {
			bad = append(bad, fmt.Sprintf("board %q is not one of the integration's boards", b))
		}
	}
	if slices.Contains(j.boardsOf(boards), LinkedIn) {
		if utf8.RuneCountInString(j.Description) < LinkedInMinDescription {
			bad = append(bad, fmt.Sprintf("LinkedIn needs a description of at least %d characters", LinkedInMinDescription))
		}
		if err == nil && u.Scheme != "https" {
			bad = append(bad, "LinkedIn needs an https apply URL")
		}
	}
	return bad
}

// boardsOf returns the boards the job goes to among the integration's.
func (j *Job) boardsOf(boards []string) []string {
	if len(j.Boards) == 0 {
		return boards
	}
	return j.Boards
}
