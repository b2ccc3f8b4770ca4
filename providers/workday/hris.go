package workday

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/bamboohr"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// DirectoryMax bounds the workers bamboohr.OpDirectory reads (pages of
// [LimitMax]); a larger tenant pages with [OpWorkersList].
const DirectoryMax = 20000

// The HRIS field names bamboohr.OpUpdate accepts: the business title, under
// the HRIS name BambooHR gives it or Workday's.
const (
	FieldJobTitle      = "jobTitle"
	FieldBusinessTitle = "businessTitle"
)

// errSyncUnsupported answers bamboohr.OpSync.
var errSyncUnsupported = &providers.Error{Kind: providers.KindUnsupported, Err: providers.ErrUnsupported,
	Message: "workday: " + bamboohr.OpSync + " is not supported: Workday's REST API has no query of the workers " +
		"changed since a time; read the directory, or page with " + OpWorkersList}

// directoryFields describe the columns of the directory Workday fills.
var directoryFields = []bamboohr.DirectoryField{
	{ID: "displayName", Type: "text", Name: "Name"},
	{ID: "jobTitle", Type: "text", Name: "Business title"},
	{ID: "workEmail", Type: "email", Name: "Primary work email"},
	{ID: "workPhone", Type: "text", Name: "Primary work phone"},
	{ID: "department", Type: "text", Name: "Primary supervisory organization"},
	{ID: "location", Type: "text", Name: "Location"},
}

// directory reads the active workers page by page (GET /workers with
// limit 100) until Workday's total, an empty page, or [DirectoryMax].
func directory(ctx context.Context, c *session, _ json.RawMessage) (any, error) {
	out := &bamboohr.Directory{Fields: directoryFields, Employees: []bamboohr.Employee{}}
	for offset := 0; ; {
		page, err := c.workers(ctx, &WorkersParams{Limit: LimitMax, Offset: offset})
		if err != nil {
			return nil, err
		}
		if page.Total > DirectoryMax {
			return nil, providers.NewError(providers.KindPermanent, fmt.Errorf(
				"workday: %s: %d workers exceed the directory's %d; page with %s", bamboohr.OpDirectory,
				page.Total, DirectoryMax, OpWorkersList))
		}
		for i := range page.Workers {
			out.Employees = append(out.Employees, employee(&page.Workers[i]))
		}
		if !page.More {
			return out, nil
		}
		offset += len(page.Workers)
	}
}

// employee maps a worker to the HRIS directory entry. Workday's workers
// resource has no first and last names, so those stay empty.
func employee(w *Worker) bamboohr.Employee {
	e := bamboohr.Employee{ID: w.ID, DisplayName: w.Descriptor, JobTitle: w.BusinessTitle,
		WorkEmail: w.PrimaryWorkEmail, WorkPhone: w.PrimaryWorkPhone}
	if w.PrimarySupervisoryOrganization != nil {
		e.Department = w.PrimarySupervisoryOrganization.Descriptor
	}
	if w.Location != nil {
		e.Location = w.Location.Descriptor
	}
	return e
}

// update changes a worker's business title (POST
// /workers/{ID}/businessTitleChanges with proposedBusinessTitle), the one
// worker field Workday's common REST service changes. Any other field is
// refused as unsupported before a request is sent.
func update(ctx context.Context, c *session, payload json.RawMessage) (any, error) {
	in, err := httpapi.Decode[bamboohr.UpdateParams](Name, bamboohr.OpUpdate, payload)
	if err != nil {
		return nil, err
	}
	if err := checkWID(bamboohr.OpUpdate, in.ID); err != nil {
		return nil, err
	}
	title, names, err := businessTitle(in.Fields)
	if err != nil {
		return nil, err
	}
	var ignored map[string]any
	err = c.JSON(ctx, http.MethodPost, c.st.apiURL("/workers/"+in.ID+"/businessTitleChanges", nil),
		map[string]string{"proposedBusinessTitle": title}, &ignored)
	if err != nil {
		return nil, err
	}
	return &bamboohr.UpdateResult{ID: in.ID, Updated: names}, nil
}

// businessTitle returns the new title among fields and the field names
// given, or an error for no title, two different ones, or another field.
func businessTitle(fields map[string]string) (string, []string, error) {
	var names, other []string
	for f := range fields {
		if f == FieldJobTitle || f == FieldBusinessTitle {
			names = append(names, f)
		} else {
			other = append(other, f)
		}
	}
	slices.Sort(names)
	slices.Sort(other)
	switch {
	case len(other) > 0:
		return "", nil, &providers.Error{Kind: providers.KindUnsupported, Err: providers.ErrUnsupported,
			Message: fmt.Sprintf("workday: %s: Workday's REST API changes only the business title (%s), not %s",
				bamboohr.OpUpdate, FieldJobTitle, strings.Join(other, ", "))}
	case len(names) == 0:
		return "", nil, httpapi.Invalid(Name, bamboohr.OpUpdate, "at least one field is required")
	case len(names) == 2 && fields[FieldJobTitle] != fields[FieldBusinessTitle]:
		return "", nil, httpapi.Invalid(Name, bamboohr.OpUpdate, "jobTitle and businessTitle differ")
	}
	title := strings.TrimSpace(fields[names[0]])
	if title == "" {
		return "", nil, httpapi.Invalid(Name, bamboohr.OpUpdate, "the business title must not be empty")
	}
	return title, names, nil
}
