package checkr

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/intimeos/integrations/providers"
)

// CandidateCreate creates a candidate through c (an instance or a failover
// group of Checkr providers).
func CandidateCreate(ctx context.Context, c providers.Caller, p *CandidateCreateParams) (*Candidate, error) {
	return call[Candidate](ctx, c, OpCandidateCreate, p)
}

// InvitationCreate invites a candidate through c.
func InvitationCreate(ctx context.Context, c providers.Caller, p *InvitationCreateParams) (*Invitation, error) {
	return call[Invitation](ctx, c, OpInvitationCreate, p)
}

// ReportGet reads the report with the given ID through c.
func ReportGet(ctx context.Context, c providers.Caller, id string) (*Report, error) {
	return call[Report](ctx, c, OpReportGet, &ReportGetParams{ID: id})
}

// call runs operation name with payload in and decodes its result.
func call[Out any](ctx context.Context, c providers.Caller, name string, in any) (*Out, error) {
	payload, err := json.Marshal(in)
	if err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("checkr: %s: encode payload: %w", name, err))
	}
	res, err := c.Call(ctx, &providers.Operation{Name: name, Payload: payload})
	if err != nil {
		return nil, err
	}
	var out Out
	if err := json.Unmarshal(res.Payload, &out); err != nil {
		return nil, fmt.Errorf("checkr: %s: decode result: %w", name, err)
	}
	return &out, nil
}
