package everify

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// Do implements [providers.Provider]: [OpCaseCreate] and [OpCaseGet].
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	return httpapi.Dispatch(ctx, Name, map[string]httpapi.Handler[*settings]{
		OpCaseCreate: p.caseCreate, OpCaseGet: p.caseGet,
	}, op, func() (*settings, error) { return parseSettings(s) })
}

// caseCreate creates a draft (POST /cases) and submits it (POST
// /cases/{case_number}/submit).
func (p *Provider) caseCreate(ctx context.Context, st *settings, payload json.RawMessage) (any, error) {
	in, err := httpapi.Decode[CaseCreateParams](Name, OpCaseCreate, payload)
	if err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	var draft apiCase
	if err := p.do(ctx, st, http.MethodPost, "/cases", in.wire(st), &draft, in.SSN); err != nil {
		return nil, err
	}
	if !caseNumber.MatchString(draft.CaseNumber) {
		return nil, providers.NewError(providers.KindPermanent, errBadCaseNumber)
	}
	if in.Draft {
		return draft.normalise(), nil
	}
	var sub apiCase
	if err := p.do(ctx, st, http.MethodPost, "/cases/"+url.PathEscape(draft.CaseNumber)+"/submit", nil, &sub, in.SSN); err != nil {
		return nil, err
	}
	if sub.CaseNumber == "" {
		sub.CaseNumber = draft.CaseNumber
	}
	return sub.normalise(), nil
}

func (p *Provider) caseGet(ctx context.Context, st *settings, payload json.RawMessage) (any, error) {
	in, err := httpapi.Decode[CaseGetParams](Name, OpCaseGet, payload)
	if err != nil {
		return nil, err
	}
	if !caseNumber.MatchString(in.CaseNumber) {
		return nil, httpapi.Invalid(Name, OpCaseGet, "caseNumber must be an E-Verify case number (13 digits and 2 letters)")
	}
	var out apiCase
	if err := p.do(ctx, st, http.MethodGet, "/cases/"+in.CaseNumber, nil, &out); err != nil {
		return nil, err
	}
	return out.normalise(), nil
}

// CaseCreate creates (and submits) a case through c (an instance or a
// failover group of E-Verify providers).
func CaseCreate(ctx context.Context, c providers.Caller, p *CaseCreateParams) (*Case, error) {
	return httpapi.Call[Case](ctx, c, Name, OpCaseCreate, p, p.EmployerCaseID)
}

// CaseGet reads a case's status through c.
func CaseGet(ctx context.Context, c providers.Caller, caseNumber string) (*Case, error) {
	return httpapi.Call[Case](ctx, c, Name, OpCaseGet, &CaseGetParams{CaseNumber: caseNumber}, "")
}
