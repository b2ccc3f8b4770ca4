package adp

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/intimeos/integrations/providers"
)

// WorkersList reads one page of workers through c (an instance or a
// failover group of ADP providers); nil p means the first full page.
func WorkersList(ctx context.Context, c providers.Caller, p *WorkersListParams) (*WorkersPage, error) {
	if p == nil {
		p = &WorkersListParams{}
	}
	return call[WorkersPage](ctx, c, OpWorkersList, p)
}

// PayrollExport exports pay statements through c.
func PayrollExport(ctx context.Context, c providers.Caller, p *PayrollExportParams) (*PayrollExportResult, error) {
	if p == nil {
		p = &PayrollExportParams{}
	}
	return call[PayrollExportResult](ctx, c, OpPayrollExport, p)
}

// call runs operation name with payload in and decodes its result.
func call[Out any](ctx context.Context, c providers.Caller, name string, in any) (*Out, error) {
	payload, err := json.Marshal(in)
	if err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("adp: %s: encode payload: %w", name, err))
	}
	res, err := c.Call(ctx, &providers.Operation{Name: name, Payload: payload})
	if err != nil {
		return nil, err
	}
	var out Out
	if err := json.Unmarshal(res.Payload, &out); err != nil {
		return nil, fmt.Errorf("adp: %s: decode result: %w", name, err)
	}
	return &out, nil
}
