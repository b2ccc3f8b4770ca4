package bamboohr

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

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// The operation names. They are the HRIS integration type's, so that
// another HRIS provider can serve the same payloads.
const (
	// OpDirectory reads the employee directory: no payload, [Directory]
	// out.
	OpDirectory = "hris.employees.directory"
	// OpSync reads the employees changed since a time, with their fields:
	// [SyncParams] in, [SyncResult] out.
	OpSync = "hris.employees.sync"
	// OpUpdate updates an employee's fields: [UpdateParams] in,
	// [UpdateResult] out.
	OpUpdate = "hris.employee.update"
)

// Limits of [OpSync].
const (
	// SyncLimitDefault is how many changed employees one sync reads when
	// [SyncParams.Limit] is zero.
	SyncLimitDefault = 100
	// SyncLimitMax bounds [SyncParams.Limit].
	SyncLimitMax = 1000
)

// DefaultSyncFields are the fields [OpSync] reads when none are asked for.
var DefaultSyncFields = []string{"firstName", "lastName", "preferredName", "workEmail", "jobTitle", "department",
	"location", "status", "hireDate", "terminationDate", "supervisorEId"}

// The actions of a [Change].
const (
	ActionInserted = "Inserted"
	ActionUpdated  = "Updated"
	ActionDeleted  = "Deleted"
)

// Directory is the company's employee directory.
type Directory struct {
	// Fields are the directory's columns as BambooHR describes them.
	Fields    []DirectoryField `json:"fields"`
	Employees []Employee       `json:"employees"`
}

// DirectoryField describes one directory column.
type DirectoryField struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Name string `json:"name"`
}

// Employee is one directory entry.
type Employee struct {
	ID            string `json:"id"`
	DisplayName   string `json:"displayName,omitempty"`
	FirstName     string `json:"firstName,omitempty"`
	LastName      string `json:"lastName,omitempty"`
	PreferredName string `json:"preferredName,omitempty"`
	JobTitle      string `json:"jobTitle,omitempty"`
	WorkEmail     string `json:"workEmail,omitempty"`
	WorkPhone     string `json:"workPhone,omitempty"`
	MobilePhone   string `json:"mobilePhone,omitempty"`
	Department    string `json:"department,omitempty"`
	Division      string `json:"division,omitempty"`
	Location      string `json:"location,omitempty"`
	PhotoURL      string `json:"photoUrl,omitempty"`
}

// SyncParams is the payload of [OpSync].
type SyncParams struct {
	// Since is the time of the previous sync ([SyncResult.Latest]); zero
	// reads every employee changed since BambooHR's records begin.
	Since time.Time `json:"since,omitzero"`
	// Fields are the BambooHR field names to read for each inserted or
	// updated employee; empty means [DefaultSyncFields].
	Fields []string `json:"fields,omitempty"`
	// Limit caps the changed employees read, 1 to [SyncLimitMax]; zero
	// means [SyncLimitDefault].
	Limit int `json:"limit,omitempty"`
}

// SyncResult is the employees changed since [SyncParams.Since], oldest
// change first.
type SyncResult struct {
	Changes []Change `json:"changes"`
	// Latest is the Since of the next sync.
	Latest time.Time `json:"latest"`
	// More is true when Limit cut the changes short: sync again from
	// Latest for the rest.
	More bool `json:"more,omitempty"`
}

// Change is one changed employee.
type Change struct {
	ID string `json:"id"`
	// Action is [ActionInserted], [ActionUpdated] or [ActionDeleted].
	Action      string    `json:"action"`
	LastChanged time.Time `json:"lastChanged"`
	// Fields are the employee's values (none for a deleted employee).
	Fields map[string]string `json:"fields,omitempty"`
}

// UpdateParams is the payload of [OpUpdate].
type UpdateParams struct {
	ID string `json:"id"`
	// Fields are BambooHR field names and their new values.
	Fields map[string]string `json:"fields"`
}

// UpdateResult acknowledges an update.
type UpdateResult struct {
	ID      string   `json:"id"`
	Updated []string `json:"updated"`
}

var (
	employeeID = regexp.MustCompile(`^[0-9]{1,18}$`)
	fieldName  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,63}$`)
)

// Do implements [providers.Provider]: [OpDirectory], [OpSync] and
// [OpUpdate].
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	return httpapi.Dispatch(ctx, Name, map[string]httpapi.Handler[*settings]{
		OpDirectory: p.directory, OpSync: p.sync, OpUpdate: p.update,
	}, op, func() (*settings, error) { return parseSettings(s) })
}

func (p *Provider) directory(ctx context.Context, st *settings, _ json.RawMessage) (any, error) {
	var out Directory
	if err := p.get(ctx, st, "/employees/directory", nil, &out); err != nil {
		return nil, err
	}
	if out.Employees == nil {
		out.Employees = []Employee{}
	}
	return &out, nil
}

func (p *Provider) sync(ctx context.Context, st *settings, payload json.RawMessage) (any, error) {
	in, err := httpapi.Decode[SyncParams](Name, OpSync, payload)
	if err != nil {
		return nil, err
	}
	if err := in.normalise(); err != nil {
		return nil, err
	}
	var changed struct {
		Latest    time.Time `json:"latest"`
		Employees map[string]struct {
			ID          string    `json:"id"`
			Action      string    `json:"action"`
			LastChanged time.Time `json:"lastChanged"`
		} `json:"employees"`
	}
	q := url.Values{"since": {in.Since.UTC().Format(time.RFC3339)}}
	if err := p.get(ctx, st, "/employees/changed", q, &changed); err != nil {
		return nil, err
	}
	res := &SyncResult{Changes: []Change{}, Latest: changed.Latest.UTC()}
	for _, e := range changed.Employees {
		res.Changes = append(res.Changes, Change{ID: e.ID, Action: e.Action, LastChanged: e.LastChanged.UTC()})
	}
	slices.SortFunc(res.Changes, func(a, b Change) int {
		if c := a.LastChanged.Compare(b.LastChanged); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if len(res.Changes) > in.Limit {
		res.Changes, res.More = res.Changes[:in.Limit], true
		res.Latest = res.Changes[in.Limit-1].LastChanged
	}
	for i := range res.Changes {
		if err := p.fillFields(ctx, st, &res.Changes[i], in.Fields); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func (in *SyncParams) normalise() error {
	if in.Limit == 0 {
		in.Limit = SyncLimitDefault
	}
	if in.Limit < 1 || in.Limit > SyncLimitMax {
		return httpapi.Invalid(Name, OpSync, fmt.Sprintf("limit must be 1 to %d", SyncLimitMax))
	}
	if len(in.Fields) == 0 {
		in.Fields = DefaultSyncFields
	}
	for _, f := range in.Fields {
		if !fieldName.MatchString(f) {
			return httpapi.Invalid(Name, OpSync, fmt.Sprintf("%q is not a BambooHR field name", f))
		}
	}
	return nil
}

// fillFields reads GET /employees/{id}?fields=... for an inserted or
// updated employee. One deleted since the change list was read is
// reported as deleted.
func (p *Provider) fillFields(ctx context.Context, st *settings, c *Change, fields []string) error {
	if c.Action == ActionDeleted {
		return nil
	}
	var raw map[string]*string
	err := p.get(ctx, st, "/employees/"+url.PathEscape(c.ID), url.Values{"fields": {strings.Join(fields, ",")}}, &raw)
	if httpapi.StatusCode(err) == http.StatusNotFound {
		c.Action = ActionDeleted
		return nil
	}
	if err != nil {
		return err
	}
	c.Fields = map[string]string{}
	for _, f := range fields {
		if v := raw[f]; v != nil {
			c.Fields[f] = *v
		}
	}
	return nil
}

func (p *Provider) update(ctx context.Context, st *settings, payload json.RawMessage) (any, error) {
	in, err := httpapi.Decode[UpdateParams](Name, OpUpdate, payload)
	if err != nil {
		return nil, err
	}
	if !employeeID.MatchString(in.ID) {
		return nil, httpapi.Invalid(Name, OpUpdate, "id must be a BambooHR employee ID (digits)")
	}
	if len(in.Fields) == 0 {
		return nil, httpapi.Invalid(Name, OpUpdate, "at least one field is required")
	}
	for f := range in.Fields {
		if !fieldName.MatchString(f) {
			return nil, httpapi.Invalid(Name, OpUpdate, fmt.Sprintf("%q is not a BambooHR field name", f))
		}
	}
	body, err := json.Marshal(in.Fields)
	if err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("bamboohr: encode fields: %w", err))
	}
	if _, err := p.c.Do(ctx, p.request(st, http.MethodPost, st.url("/employees/"+in.ID, nil), body)); err != nil {
		return nil, err
	}
	updated := make([]string, 0, len(in.Fields))
	for f := range in.Fields {
		updated = append(updated, f)
	}
	slices.Sort(updated)
	return &UpdateResult{ID: in.ID, Updated: updated}, nil
}

// get reads path (under /v1) with query q into out.
func (p *Provider) get(ctx context.Context, st *settings, path string, q url.Values, out any) error {
	resp, err := p.c.Do(ctx, p.request(st, http.MethodGet, st.url(path, q), nil))
	if err != nil {
		return err
	}
	return httpapi.DecodeBody(Name, path, resp.Body, out)
}

func (p *Provider) request(st *settings, method, u string, body []byte) *httpapi.Request {
	r := &httpapi.Request{Method: method, URL: u, Secrets: []string{st.key},
		Auth: func(req *http.Request) { req.SetBasicAuth(st.key, "x") }}
	if body != nil {
		r.Body, r.ContentType = body, "application/json"
	}
	return r
}

// errorMessage reads BambooHR's X-BambooHR-Error-Message header, where it
// explains most 4xx and some 5xx answers (their bodies are often empty).
func errorMessage(_ int, h http.Header, _ []byte) string {
	return h.Get("X-BambooHR-Error-Message")
}

// EmployeesDirectory reads the directory through c (an instance or a
// failover group of HRIS providers).
func EmployeesDirectory(ctx context.Context, c providers.Caller) (*Directory, error) {
	return httpapi.Call[Directory](ctx, c, Name, OpDirectory, struct{}{}, "")
}

// EmployeesSync reads the employees changed since p.Since through c.
func EmployeesSync(ctx context.Context, c providers.Caller, p *SyncParams) (*SyncResult, error) {
	return httpapi.Call[SyncResult](ctx, c, Name, OpSync, p, "")
}

// EmployeeUpdate updates an employee's fields through c.
func EmployeeUpdate(ctx context.Context, c providers.Caller, p *UpdateParams) (*UpdateResult, error) {
	return httpapi.Call[UpdateResult](ctx, c, Name, OpUpdate, p, "")
}
