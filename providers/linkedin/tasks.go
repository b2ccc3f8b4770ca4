package linkedin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// MaxTasks bounds [TaskParams.TaskIDs]: LinkedIn's batch limit.
const MaxTasks = 100

// The task statuses LinkedIn reports.
const (
	// TaskInProgress: the posting is still being evaluated.
	TaskInProgress = "IN_PROGRESS"
	// TaskSucceeded: created, updated, closed as asked.
	TaskSucceeded = "SUCCEEDED"
	// TaskFailed: refused, with [Task.ErrorMessage] saying why.
	TaskFailed = "FAILED"
	// TaskProcessed: the customer's jobs still come from an XML feed or
	// career site while LinkedIn evaluates moving them to the API; an
	// ErrorMessage means the posting also failed validation.
	TaskProcessed = "PROCESSED"
)

// TaskParams is the payload of [OpTaskStatus].
type TaskParams struct {
	// TaskIDs are task URNs from [PostResult] or [CloseResult], 1 to
	// [MaxTasks].
	TaskIDs []string `json:"taskIds"`
}

// TaskStatuses is the status of each task asked for, in the order asked.
type TaskStatuses struct {
	Tasks []Task `json:"tasks"`
}

// Task is one posting task's status.
type Task struct {
	ID string `json:"id"`
	// Status is one of [TaskInProgress], [TaskSucceeded], [TaskFailed],
	// [TaskProcessed]; empty when LinkedIn returned no status, and Error
	// then says why (an unknown task, or one older than 30 days).
	Status string `json:"status,omitempty"`
	// JobPosting is the posting's URN (urn:li:jobPosting:{id}) once
	// LinkedIn has one.
	JobPosting string `json:"jobPosting,omitempty"`
	// ErrorMessage is LinkedIn's reason for a failed task.
	ErrorMessage string `json:"errorMessage,omitempty"`
	// Error is LinkedIn's error for a task it has no status for.
	Error string `json:"error,omitempty"`
}

// taskAnswer is a Rest.li BATCH_GET answer: results and errors keyed by
// task URN.
type taskAnswer struct {
	Results map[string]struct {
		ID           string `json:"id"`
		Status       string `json:"status"`
		JobPosting   string `json:"jobPosting"`
		ErrorMessage string `json:"errorMessage"`
	} `json:"results"`
	Errors map[string]struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	} `json:"errors"`
}

// tasks reads GET /rest/simpleJobPostingTasks?ids=List(...), the URNs
// URL-encoded inside List() as Rest.li 2.0.0 requires.
func tasks(ctx context.Context, c *session, payload json.RawMessage) (any, error) {
	in, err := httpapi.Decode[TaskParams](Name, OpTaskStatus, payload)
	if err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out taskAnswer
	if err := c.do(ctx, http.MethodGet, c.st.restURL("simpleJobPostingTasks", idsQuery(in.TaskIDs)), "", nil, &out); err != nil {
		return nil, err
	}
	res := &TaskStatuses{Tasks: make([]Task, 0, len(in.TaskIDs))}
	for _, id := range in.TaskIDs {
		t := Task{ID: id}
		if r, ok := out.Results[id]; ok {
			t.Status, t.JobPosting, t.ErrorMessage = r.Status, r.JobPosting, r.ErrorMessage
		} else if e, ok := out.Errors[id]; ok {
			t.Error = httpapi.Truncate(fmt.Sprintf("%d %s", e.Status, e.Message))
		} else {
			t.Error = "no status in LinkedIn's answer"
		}
		res.Tasks = append(res.Tasks, t)
	}
	return res, nil
}

func (in *TaskParams) validate() error {
	if len(in.TaskIDs) == 0 || len(in.TaskIDs) > MaxTasks {
		return httpapi.Invalid(Name, OpTaskStatus, fmt.Sprintf("taskIds must hold 1 to %d task IDs", MaxTasks))
	}
	for _, id := range in.TaskIDs {
		if !taskURN.MatchString(id) {
			return httpapi.Invalid(Name, OpTaskStatus, fmt.Sprintf("%q is not a task ID (urn:li:simpleJobPostingTask:...)", id))
		}
	}
	return nil
}

// idsQuery is the Rest.li 2.0.0 batch key parameter: ids=List(a,b) with
// each URN URL-encoded.
func idsQuery(ids []string) string {
	esc := make([]string, len(ids))
	for i, id := range ids {
		esc[i] = url.QueryEscape(id)
	}
	return "ids=List(" + strings.Join(esc, ",") + ")"
}
