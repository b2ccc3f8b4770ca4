package workday

import (
	"context"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// WorkersList reads one page of workers through c (an instance or a
// failover group). The HRIS operations (directory, update) are called with
// package bamboohr's helpers, whose payloads Workday serves.
func WorkersList(ctx context.Context, c providers.Caller, p *WorkersParams) (*WorkersPage, error) {
	return httpapi.Call[WorkersPage](ctx, c, Name, OpWorkersList, p, "")
}

// WorkerGet reads one worker by Workday ID through c.
func WorkerGet(ctx context.Context, c providers.Caller, id string) (*Worker, error) {
	return httpapi.Call[Worker](ctx, c, Name, OpWorkerGet, &WorkerParams{ID: id}, "")
}
