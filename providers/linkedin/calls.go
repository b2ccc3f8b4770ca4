package linkedin

import (
	"context"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/jobboards"
)

// JobCreate posts a new job through c (an instance or a failover group of
// job board providers). LinkedIn processes it asynchronously: the result's
// TaskID tells how it went ([TaskStatus]).
func JobCreate(ctx context.Context, c providers.Caller, j *jobboards.Job) (*PostResult, error) {
	return httpapi.Call[PostResult](ctx, c, Name, OpJobPost, &Posting{Job: *j, Operation: OperationCreate}, "")
}

// JobUpdate re-posts a job LinkedIn already has (the same reference
// number) with its changes, through c.
func JobUpdate(ctx context.Context, c providers.Caller, j *jobboards.Job) (*PostResult, error) {
	return httpapi.Call[PostResult](ctx, c, Name, OpJobPost, &Posting{Job: *j, Operation: OperationUpdate}, "")
}

// JobClose closes a job through c: j is the job as last posted, which
// LinkedIn requires whole.
func JobClose(ctx context.Context, c providers.Caller, j *jobboards.Job) (*CloseResult, error) {
	return httpapi.Call[CloseResult](ctx, c, Name, OpJobClose, j, "")
}

// TaskStatus reads the status of posting tasks through c.
func TaskStatus(ctx context.Context, c providers.Caller, taskIDs ...string) (*TaskStatuses, error) {
	return httpapi.Call[TaskStatuses](ctx, c, Name, OpTaskStatus, &TaskParams{TaskIDs: taskIDs}, "")
}
