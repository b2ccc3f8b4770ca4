package paychex

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// The operation names.
const (
	// OpCompaniesList lists the companies the API client may read: no
	// payload, [CompaniesPage] out.
	OpCompaniesList = "paychex.companies.list"
	// OpWorkersList lists a company's workers a page at a time:
	// [WorkersListParams] in, [WorkersPage] out.
	OpWorkersList = "paychex.workers.list"
	// OpPayPeriodsList lists a company's pay periods: [PayPeriodsParams]
	// in, [PayPeriodsPage] out.
	OpPayPeriodsList = "paychex.payperiods.list"
)

// PageSizeMax is the largest page of workers Paychex serves, and the
// default.
const PageSizeMax = 100

// Company is a Paychex company.
type Company struct {
	CompanyID string `json:"companyId"`
	// DisplayID is the company number shown in Paychex Flex.
	DisplayID string `json:"displayId,omitempty"`
	LegalName string `json:"legalName,omitempty"`
}

// CompaniesPage is the companies the client may read.
type CompaniesPage struct {
	Companies []Company `json:"companies"`
}

// WorkersListParams is the payload of [OpWorkersList].
type WorkersListParams struct {
	// CompanyID is the company; empty means the integration's companyId.
	CompanyID string `json:"companyId,omitempty"`
	// Offset is how many workers to skip; Limit the page size, 1 to
	// [PageSizeMax] (0 means [PageSizeMax]).
	Offset int `json:"offset,omitempty"`
	Limit  int `json:"limit,omitempty"`
}

// WorkersPage is one page of workers; a page shorter than Limit is the
// last.
type WorkersPage struct {
	Workers []Worker `json:"workers"`
	Offset  int      `json:"offset"`
	Limit   int      `json:"limit"`
	// Total is Paychex's count of the company's workers, 0 if not given.
	Total int `json:"total,omitempty"`
}

// Worker is a normalised Paychex worker.
type Worker struct {
	WorkerID   string `json:"workerId"`
	EmployeeID string `json:"employeeId,omitempty"`
	GivenName  string `json:"givenName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
	// WorkerType is EMPLOYEE or CONTRACTOR; EmploymentType FULL_TIME or
	// PART_TIME.
	WorkerType     string `json:"workerType,omitempty"`
	EmploymentType string `json:"employmentType,omitempty"`
	// Status is the current status type, e.g. ACTIVE, TERMINATED.
	Status   string `json:"status,omitempty"`
	HireDate string `json:"hireDate,omitempty"`
}

// PayPeriodsParams is the payload of [OpPayPeriodsList]. From and To
// bound the periods' check dates (zero means unbounded); Status filters
// (e.g. COMPLETED, INITIAL, ENTRY).
type PayPeriodsParams struct {
	CompanyID string    `json:"companyId,omitempty"`
	From      time.Time `json:"from,omitzero"`
	To        time.Time `json:"to,omitzero"`
	Status    string    `json:"status,omitempty"`
}

// PayPeriodsPage is a company's pay periods.
type PayPeriodsPage struct {
	PayPeriods []PayPeriod `json:"payPeriods"`
}

// PayPeriod is one pay period.
type PayPeriod struct {
	PayPeriodID  string    `json:"payPeriodId"`
	IntervalCode string    `json:"intervalCode,omitempty"`
	Status       string    `json:"status,omitempty"`
	Description  string    `json:"description,omitempty"`
	StartDate    time.Time `json:"startDate,omitzero"`
	EndDate      time.Time `json:"endDate,omitzero"`
	SubmitByDate time.Time `json:"submitByDate,omitzero"`
	CheckDate    time.Time `json:"checkDate,omitzero"`
	CheckCount   int       `json:"checkCount,omitempty"`
}

// Paychex's wire forms: every answer is {"metadata": {...}, "content":
// [...]}.
type (
	apiPage[T any] struct {
		Metadata struct {
			ContentItemCount int `json:"contentItemCount"`
		} `json:"metadata"`
		Content []T `json:"content"`
	}
	apiWorker struct {
		WorkerID       string `json:"workerId"`
		EmployeeID     string `json:"employeeId"`
		WorkerType     string `json:"workerType"`
		EmploymentType string `json:"employmentType"`
		HireDate       string `json:"hireDate"`
		Name           struct {
			GivenName  string `json:"givenName"`
			FamilyName string `json:"familyName"`
		} `json:"name"`
		CurrentStatus struct {
			StatusType string `json:"statusType"`
		} `json:"currentStatus"`
	}
)

var companyID = regexp.MustCompile(`^[A-Za-z0-9]{1,64}$`)

// Do implements [providers.Provider]: [OpCompaniesList], [OpWorkersList]
// and [OpPayPeriodsList].
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	return httpapi.Dispatch(ctx, Name, map[string]httpapi.Handler[*settings]{
		OpCompaniesList: p.companies, OpWorkersList: p.workers, OpPayPeriodsList: p.payPeriods,
	}, op, func() (*settings, error) { return parseSettings(s) })
}

func (p *Provider) companies(ctx context.Context, st *settings, _ json.RawMessage) (any, error) {
	var out apiPage[Company]
	if err := p.get(ctx, st, "/companies", nil, &out); err != nil {
		return nil, err
	}
	res := &CompaniesPage{Companies: out.Content}
	if res.Companies == nil {
		res.Companies = []Company{}
	}
	return res, nil
}

// company returns the operation's company, else the integration's.
func company(st *settings, op, id string) (string, error) {
	if id == "" {
		id = st.company
	}
	if !companyID.MatchString(id) {
		return "", httpapi.Invalid(Name, op, "a companyId (letters and digits) is required: set the operation's or the integration's")
	}
	return id, nil
}

func (p *Provider) workers(ctx context.Context, st *settings, payload json.RawMessage) (any, error) {
	in, err := httpapi.Decode[WorkersListParams](Name, OpWorkersList, payload)
	if err != nil {
		return nil, err
	}
	id, err := company(st, OpWorkersList, in.CompanyID)
	if err != nil {
		return nil, err
	}
	if in.Limit == 0 {
		in.Limit = PageSizeMax
	}
	if in.Limit < 1 || in.Limit > PageSizeMax || in.Offset < 0 {
		return nil, httpapi.Invalid(Name, OpWorkersList, fmt.Sprintf("limit must be 1 to %d and offset at least 0", PageSizeMax))
	}
	var out apiPage[apiWorker]
	q := url.Values{"offset": {strconv.Itoa(in.Offset)}, "limit": {strconv.Itoa(in.Limit)}}
	if err := p.get(ctx, st, "/companies/"+id+"/workers", q, &out); err != nil {
		return nil, err
	}
	page := &WorkersPage{Workers: make([]Worker, 0, len(out.Content)), Offset: in.Offset, Limit: in.Limit,
		Total: out.Metadata.ContentItemCount}
	for _, w := range out.Content {
		page.Workers = append(page.Workers, Worker{WorkerID: w.WorkerID, EmployeeID: w.EmployeeID,
			GivenName: w.Name.GivenName, FamilyName: w.Name.FamilyName, WorkerType: w.WorkerType,
			EmploymentType: w.EmploymentType, Status: w.CurrentStatus.StatusType, HireDate: w.HireDate})
	}
	return page, nil
}

func (p *Provider) payPeriods(ctx context.Context, st *settings, payload json.RawMessage) (any, error) {
	in, err := httpapi.Decode[PayPeriodsParams](Name, OpPayPeriodsList, payload)
	if err != nil {
		return nil, err
	}
	id, err := company(st, OpPayPeriodsList, in.CompanyID)
	if err != nil {
		return nil, err
	}
	if !in.From.IsZero() && !in.To.IsZero() && in.To.Before(in.From) {
		return nil, httpapi.Invalid(Name, OpPayPeriodsList, "to is before from")
	}
	q := url.Values{}
	if !in.From.IsZero() {
		q.Set("from", in.From.UTC().Format(time.RFC3339))
	}
	if !in.To.IsZero() {
		q.Set("to", in.To.UTC().Format(time.RFC3339))
	}
	if in.Status != "" {
		q.Set("status", in.Status)
	}
	var out apiPage[PayPeriod]
	if err := p.get(ctx, st, "/companies/"+id+"/payperiods", q, &out); err != nil {
		return nil, err
	}
	res := &PayPeriodsPage{PayPeriods: out.Content}
	if res.PayPeriods == nil {
		res.PayPeriods = []PayPeriod{}
	}
	return res, nil
}

// CompaniesList lists the companies through c (an instance or a failover
// group of Paychex providers).
func CompaniesList(ctx context.Context, c providers.Caller) (*CompaniesPage, error) {
	return httpapi.Call[CompaniesPage](ctx, c, Name, OpCompaniesList, struct{}{}, "")
}

// WorkersList reads a page of workers through c; nil p means the first page
// of the integration's company.
func WorkersList(ctx context.Context, c providers.Caller, p *WorkersListParams) (*WorkersPage, error) {
	if p == nil {
		p = &WorkersListParams{}
	}
	return httpapi.Call[WorkersPage](ctx, c, Name, OpWorkersList, p, "")
}

// PayPeriodsList reads pay periods through c.
func PayPeriodsList(ctx context.Context, c providers.Caller, p *PayPeriodsParams) (*PayPeriodsPage, error) {
	if p == nil {
		p = &PayPeriodsParams{}
	}
	return httpapi.Call[PayPeriodsPage](ctx, c, Name, OpPayPeriodsList, p, "")
}
