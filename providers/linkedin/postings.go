package linkedin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/jobboards"
)

// The operation names. Posting and closing are the job_boards type's
// operations (package jobboards), so that a host posts a job the same way
// whichever job boards provider serves the integration; the task status is
// LinkedIn's own.
const (
	// OpJobPost creates or updates a job posting: [Posting] in (a
	// jobboards.Job with an operation), [PostResult] out (a superset of
	// jobboards.UpsertResult). Hosts call [JobCreate] and [JobUpdate], or
	// jobboards.JobUpsert, which creates.
	OpJobPost = jobboards.OpJobUpsert
	// OpJobClose closes a job posting: the job as last posted in,
	// [CloseResult] out (a superset of jobboards.RemoveResult). Hosts call
	// [JobClose]. LinkedIn closes a job by re-posting it whole, so
	// jobboards.JobRemove, which sends only the reference number, is
	// refused as invalid input.
	OpJobClose = jobboards.OpJobRemove
	// OpTaskStatus reads the processing status of posting tasks:
	// [TaskParams] in, [TaskStatuses] out. Hosts call [TaskStatus].
	OpTaskStatus = "linkedin.tasks.get"
)

// The operations of a [Posting].
const (
	OperationCreate = "create"
	OperationUpdate = "update"
)

// Limits of a posting, from LinkedIn's job posting schema.
const (
	// MaxReferenceNumber bounds externalJobPostingId: LinkedIn's schema
	// gives 75 characters in one version and 200 in another; the lower
	// holds for both.
	MaxReferenceNumber = 75
	MaxTitle           = 200
	MinDescription     = 100
	MaxDescription     = 25000
)

// Posting is the payload of [OpJobPost]: a job as package jobboards
// describes it, and whether LinkedIn is to create it or update the posting
// with its reference number.
type Posting struct {
	jobboards.Job
	// Operation is [OperationCreate] (also when empty) or
	// [OperationUpdate]. LinkedIn refuses, in the task, a create of a
	// reference number it already has and an update of one it has not.
	Operation string `json:"operation,omitempty"`
}

// PostResult acknowledges a posting task. Its JSON is a superset of
// jobboards.UpsertResult.
type PostResult struct {
	ReferenceNumber string `json:"referenceNumber"`
	// Created is true for a create, false for an update.
	Created bool `json:"created"`
	// TaskID is the task's URN (urn:li:simpleJobPostingTask:...), for
	// [OpTaskStatus]: LinkedIn processes postings asynchronously, usually
	// within five minutes, and keeps task IDs for 30 days.
	TaskID    string `json:"taskId"`
	Operation string `json:"operation"`
}

// CloseResult acknowledges a close task. Its JSON is a superset of
// jobboards.RemoveResult; Removed means LinkedIn accepted the close task,
// whose outcome [OpTaskStatus] reports.
type CloseResult struct {
	ReferenceNumber string `json:"referenceNumber"`
	Removed         bool   `json:"removed"`
	TaskID          string `json:"taskId"`
}

// The wire values of LinkedIn's simpleJobPostings.
const (
	opCreate = "CREATE"
	opUpdate = "UPDATE"
	opClose  = "CLOSE"
	// listingBasic is a free (basic) job; promoted jobs need a Recruiter
	// contract, which this provider does not model.
	listingBasic = "BASIC"
)

var (
	employmentStatus = map[string]string{jobboards.FullTime: "FULL_TIME", jobboards.PartTime: "PART_TIME",
		jobboards.Contract: "CONTRACT", jobboards.Temporary: "TEMPORARY", jobboards.Internship: "INTERNSHIP"}
	workplaceType = map[string]string{jobboards.OnSite: "On-site", jobboards.Hybrid: "Hybrid", jobboards.Remote: "Remote"}
	taskURN       = regexp.MustCompile(`^urn:li:simpleJobPostingTask:[A-Za-z0-9_-]{1,100}$`)
)

// element is one posting of LinkedIn's batch, the foundation schema's
// fields.
type element struct {
	IntegrationContext      string   `json:"integrationContext"`
	CompanyApplyURL         string   `json:"companyApplyUrl"`
	Description             string   `json:"description"`
	EmploymentStatus        string   `json:"employmentStatus,omitempty"`
	ExternalJobPostingID    string   `json:"externalJobPostingId"`
	ListedAt                int64    `json:"listedAt"`
	JobPostingOperationType string   `json:"jobPostingOperationType"`
	Location                string   `json:"location"`
	Title                   string   `json:"title"`
	WorkplaceTypes          []string `json:"workplaceTypes,omitempty"`
	ListingType             string   `json:"listingType"`
}

// batchAnswer is the answer to a batch create: one entry per element, 202
// with the task's URN, or an error (422 for an invalid element) in a 200
// answer.
type batchAnswer struct {
	Elements []struct {
		Status int    `json:"status"`
		ID     string `json:"id"`
		Error  *struct {
			Message string `json:"message"`
			Status  int    `json:"status"`
		} `json:"error"`
	} `json:"elements"`
}

func post(ctx context.Context, c *session, payload json.RawMessage) (any, error) {
	in, err := httpapi.Decode[Posting](Name, OpJobPost, payload)
	if err != nil {
		return nil, err
	}
	op := opCreate
	switch in.Operation {
	case "", OperationCreate:
	case OperationUpdate:
		op = opUpdate
	default:
		return nil, httpapi.Invalid(Name, OpJobPost, "operation must be create or update")
	}
	task, err := c.submit(ctx, OpJobPost, &in.Job, op)
	if err != nil {
		return nil, err
	}
	return &PostResult{ReferenceNumber: in.ReferenceNumber, Created: op == opCreate, TaskID: task,
		Operation: strings.ToLower(op)}, nil
}

func closeJob(ctx context.Context, c *session, payload json.RawMessage) (any, error) {
	j, err := httpapi.Decode[jobboards.Job](Name, OpJobClose, payload)
	if err != nil {
		return nil, err
	}
	task, err := c.submit(ctx, OpJobClose, j, opClose)
	if err != nil {
		return nil, err
	}
	return &CloseResult{ReferenceNumber: j.ReferenceNumber, Removed: true, TaskID: task}, nil
}

// submit validates j, posts it as a batch of one with operation op (POST
// /rest/simpleJobPostings, X-RestLi-Method: BATCH_CREATE) and returns the
// task's URN.
func (c *session) submit(ctx context.Context, name string, j *jobboards.Job, op string) (string, error) {
	now := c.Client.Now()
	if bad := invalid(j, now); len(bad) > 0 {
		msg := strings.Join(bad, "; ")
		if op == opClose {
			msg = "LinkedIn closes a job by re-posting it whole: " + msg
		}
		return "", httpapi.Invalid(Name, name, msg)
	}
	body, err := json.Marshal(map[string][]element{"elements": {c.element(j, op, now)}})
	if err != nil {
		return "", providers.InvalidInput(fmt.Errorf("%s: %s: encode posting: %w", Name, name, err))
	}
	var out batchAnswer
	if err := c.do(ctx, http.MethodPost, c.st.restURL("simpleJobPostings", ""), "BATCH_CREATE", body, &out); err != nil {
		return "", err
	}
	return c.taskOf(&out)
}

// taskOf reads the one entry of a batch answer: the task's URN, or the
// element's error classified by its status (422 invalid input, 5xx
// retryable).
func (c *session) taskOf(out *batchAnswer) (string, error) {
	if len(out.Elements) != 1 {
		return "", providers.NewError(providers.KindPermanent,
			fmt.Errorf("%s: batch answer has %d entries for one posting", Name, len(out.Elements)))
	}
	e := out.Elements[0]
	if e.Error != nil || e.Status >= 300 {
		status, msg := e.Status, ""
		if e.Error != nil {
			msg = e.Error.Message
			if e.Error.Status != 0 {
				status = e.Error.Status
			}
		}
		if status < 400 {
			status = http.StatusUnprocessableEntity
		}
		return "", httpapi.StatusError(Name, status, http.Header{}, httpapi.Redact(msg, c.Token), c.Client.Now())
	}
	if !taskURN.MatchString(e.ID) {
		return "", providers.NewError(providers.KindPermanent, fmt.Errorf("%s: batch answer has no task ID", Name))
	}
	return e.ID, nil
}

// element maps a job to LinkedIn's posting: the reference number as
// externalJobPostingId, the apply URL as companyApplyUrl, the job's date
// (now when zero, never later than now) as listedAt in epoch milliseconds.
func (c *session) element(j *jobboards.Job, op string, now time.Time) element {
	listed := j.Date
	if listed.IsZero() || listed.After(now) {
		listed = now
	}
	e := element{IntegrationContext: c.st.org, CompanyApplyURL: j.URL, Description: j.Description,
		EmploymentStatus: employmentStatus[j.JobType], ExternalJobPostingID: j.ReferenceNumber,
		ListedAt: listed.UnixMilli(), JobPostingOperationType: op, Location: location(j), Title: j.Title,
		ListingType: listingBasic}
	if w := workplaceType[j.Workplace]; w != "" {
		e.WorkplaceTypes = []string{w}
	}
	return e
}

// maxClockSkew is how far in the future a job's date may be (the host's
// clock ahead of the provider's) before it is refused: LinkedIn refuses a
// listedAt in the future.
const maxClockSkew = time.Minute

// invalid checks a job against LinkedIn's schema. Messages name the field.
func invalid(j *jobboards.Job, now time.Time) []string {
	var bad []string
	need := func(v, name string) {
		if strings.TrimSpace(v) == "" {
			bad = append(bad, name+" is required")
		}
	}
	need(j.ReferenceNumber, "referenceNumber")
	need(j.Title, "title")
	need(j.Description, "description")
	if location(j) == "" {
		bad = append(bad, "a location (city, state or country; or postal code and country) is required")
	}
	if utf8.RuneCountInString(j.ReferenceNumber) > MaxReferenceNumber {
		bad = append(bad, fmt.Sprintf("referenceNumber must be at most %d characters", MaxReferenceNumber))
	}
	if utf8.RuneCountInString(j.Title) > MaxTitle {
		bad = append(bad, fmt.Sprintf("title must be at most %d characters", MaxTitle))
	}
	if n := utf8.RuneCountInString(j.Description); n > 0 && (n < MinDescription || n > MaxDescription) {
		bad = append(bad, fmt.Sprintf("description must be %d to %d characters", MinDescription, MaxDescription))
	}
	if u, err := url.Parse(j.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad = append(bad, "url must be an absolute http(s) URL")
	}
	if j.JobType != "" && employmentStatus[j.JobType] == "" {
		bad = append(bad, "jobType must be fulltime, parttime, contract, temporary or internship")
	}
	if j.Workplace != "" && workplaceType[j.Workplace] == "" {
		bad = append(bad, "workplace must be onsite, hybrid or remote")
	}
	if len(j.Boards) > 0 && !slices.Contains(j.Boards, jobboards.LinkedIn) {
		bad = append(bad, "the job's boards do not include linkedin")
	}
	if j.Date.After(now.Add(maxClockSkew)) {
		bad = append(bad, "date must not be in the future")
	}
	return bad
}

// location is LinkedIn's location string, in one of the forms its schema
// accepts: "City, State" in the US, "City, Country" elsewhere, or
// "PostalCode, Country" without a city; a state or country alone
// otherwise.
func location(j *jobboards.Job) string {
	city, state, country := strings.TrimSpace(j.City), strings.TrimSpace(j.State), strings.TrimSpace(j.Country)
	postal := strings.TrimSpace(j.PostalCode)
	switch {
	case city != "" && state != "" && (country == "" || country == "US"):
		return city + ", " + state
	case city != "" && country != "":
		return city + ", " + country
	case city != "" && state != "":
		return city + ", " + state
	case postal != "" && country != "":
		return postal + ", " + country
	}
	return httpapi.Or(city, httpapi.Or(state, country))
}
