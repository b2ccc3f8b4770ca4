package checkr

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/intimeos/integrations/providers"
)

// The operation names.
const (
	// OpCandidateCreate creates a candidate: [CandidateCreateParams] in,
	// [Candidate] out.
	OpCandidateCreate = "checkr.candidate.create"
	// OpInvitationCreate invites a candidate to a background check package:
	// [InvitationCreateParams] in, [Invitation] out.
	OpInvitationCreate = "checkr.invitation.create"
	// OpReportGet reads a report's status and result: [ReportGetParams] in,
	// [Report] out.
	OpReportGet = "checkr.report.get"
)

// The statuses of a [Report].
const (
	ReportPending   = "pending"
	ReportComplete  = "complete"
	ReportSuspended = "suspended"
	ReportDispute   = "dispute"
	ReportCanceled  = "canceled"
)

// The results of a complete [Report].
const (
	ResultClear    = "clear"
	ResultConsider = "consider"
)

// CandidateCreateParams is the payload of [OpCandidateCreate]. Email is
// required; Checkr's invitation collects what else the chosen package
// needs (SSN, date of birth, licence) from the candidate, so this SDK does
// not carry them.
type CandidateCreateParams struct {
	FirstName    string `json:"firstName,omitempty"`
	MiddleName   string `json:"middleName,omitempty"`
	NoMiddleName bool   `json:"noMiddleName,omitempty"`
	LastName     string `json:"lastName,omitempty"`
	Email        string `json:"email"`
	Phone        string `json:"phone,omitempty"`
	Zipcode      string `json:"zipcode,omitempty"`
	// CustomID is the host's own ID for the candidate (Checkr's custom_id).
	CustomID string `json:"customId,omitempty"`
}

// Candidate is a created candidate.
type Candidate struct {
	ID        string    `json:"id"`
	FirstName string    `json:"firstName,omitempty"`
	LastName  string    `json:"lastName,omitempty"`
	Email     string    `json:"email"`
	CustomID  string    `json:"customId,omitempty"`
	CreatedAt time.Time `json:"createdAt,omitzero"`
}

// WorkLocation is where the candidate will work; Checkr uses it to pick the
// applicable screenings.
type WorkLocation struct {
	Country string `json:"country"`
	State   string `json:"state,omitempty"`
	City    string `json:"city,omitempty"`
}

// InvitationCreateParams is the payload of [OpInvitationCreate].
// CandidateID and Package are required.
type InvitationCreateParams struct {
	CandidateID string `json:"candidateId"`
	// Package is the Checkr package's slug, e.g. "driver_pro".
	Package       string         `json:"package"`
	WorkLocations []WorkLocation `json:"workLocations,omitempty"`
}

// Invitation is a created invitation.
type Invitation struct {
	ID string `json:"id"`
	// Status is "pending" until the candidate completes it, then
	// "completed" (or "expired").
	Status string `json:"status"`
	// InvitationURL is the page where the candidate gives consent.
	InvitationURL string    `json:"invitationUrl"`
	CandidateID   string    `json:"candidateId,omitempty"`
	Package       string    `json:"package,omitempty"`
	CreatedAt     time.Time `json:"createdAt,omitzero"`
	ExpiresAt     time.Time `json:"expiresAt,omitzero"`
}

// ReportGetParams is the payload of [OpReportGet]; ID is required.
type ReportGetParams struct {
	ID string `json:"id"`
}

// Report is a background check report's state.
type Report struct {
	ID string `json:"id"`
	// Status is one of [ReportPending], [ReportComplete],
	// [ReportSuspended], [ReportDispute] or [ReportCanceled].
	Status string `json:"status"`
	// Result is [ResultClear] or [ResultConsider] once complete, else "".
	Result      string    `json:"result,omitempty"`
	Package     string    `json:"package,omitempty"`
	CandidateID string    `json:"candidateId,omitempty"`
	CreatedAt   time.Time `json:"createdAt,omitzero"`
	CompletedAt time.Time `json:"completedAt,omitzero"`
}

// Checkr's wire forms.
type (
	apiCandidate struct {
		ID           string    `json:"id,omitempty"`
		FirstName    string    `json:"first_name,omitempty"`
		MiddleName   string    `json:"middle_name,omitempty"`
		NoMiddleName bool      `json:"no_middle_name,omitempty"`
		LastName     string    `json:"last_name,omitempty"`
		Email        string    `json:"email"`
		Phone        string    `json:"phone,omitempty"`
		Zipcode      string    `json:"zipcode,omitempty"`
		CustomID     string    `json:"custom_id,omitempty"`
		CreatedAt    time.Time `json:"created_at,omitzero"`
	}
	apiInvitation struct {
		ID            string         `json:"id,omitempty"`
		Status        string         `json:"status,omitempty"`
		InvitationURL string         `json:"invitation_url,omitempty"`
		CandidateID   string         `json:"candidate_id"`
		Package       string         `json:"package"`
		WorkLocations []WorkLocation `json:"work_locations,omitempty"`
		CreatedAt     time.Time      `json:"created_at,omitzero"`
		ExpiresAt     time.Time      `json:"expires_at,omitzero"`
	}
	apiReport struct {
		ID          string     `json:"id"`
		Status      string     `json:"status"`
		Result      *string    `json:"result"`
		Package     string     `json:"package"`
		CandidateID string     `json:"candidate_id"`
		CreatedAt   time.Time  `json:"created_at"`
		CompletedAt *time.Time `json:"completed_at"`
	}
)

// handler runs one operation with a decoded payload.
type handler func(ctx context.Context, c *client, payload json.RawMessage) (any, error)

var handlers = map[string]handler{
	OpCandidateCreate:  candidateCreate,
	OpInvitationCreate: invitationCreate,
	OpReportGet:        reportGet,
}

// Do implements [providers.Provider]: it runs [OpCandidateCreate],
// [OpInvitationCreate] or [OpReportGet].
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	h, ok := handlers[opName(op)]
	if !ok {
		return nil, providers.UnknownOperation(op)
	}
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	out, err := h(ctx, &client{p: p, s: st}, op.Payload)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("checkr: encode result: %w", err)
	}
	return &providers.Result{Payload: b}, nil
}

func opName(op *providers.Operation) string {
	if op == nil {
		return ""
	}
	return op.Name
}

// decode decodes an operation's payload into a T.
func decode[T any](op string, payload json.RawMessage) (*T, error) {
	var v T
	if err := json.Unmarshal(payload, &v); err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("checkr: %s: decode payload: %w", op, err))
	}
	return &v, nil
}

func candidateCreate(ctx context.Context, c *client, payload json.RawMessage) (any, error) {
	in, err := decode[CandidateCreateParams](OpCandidateCreate, payload)
	if err != nil {
		return nil, err
	}
	if !providers.ValidEmail(in.Email) {
		return nil, errMissing(OpCandidateCreate, "a valid email")
	}
	req := apiCandidate{FirstName: in.FirstName, MiddleName: in.MiddleName, NoMiddleName: in.NoMiddleName,
		LastName: in.LastName, Email: in.Email, Phone: in.Phone, Zipcode: in.Zipcode, CustomID: in.CustomID}
	var out apiCandidate
	if err := c.do(ctx, "POST", "/candidates", &req, &out); err != nil {
		return nil, err
	}
	return &Candidate{ID: out.ID, FirstName: out.FirstName, LastName: out.LastName, Email: out.Email,
		CustomID: out.CustomID, CreatedAt: out.CreatedAt.UTC()}, nil
}

func invitationCreate(ctx context.Context, c *client, payload json.RawMessage) (any, error) {
	in, err := decode[InvitationCreateParams](OpInvitationCreate, payload)
	if err != nil {
		return nil, err
	}
	switch {
	case in.CandidateID == "":
		return nil, errMissing(OpInvitationCreate, "candidateId")
	case in.Package == "":
		return nil, errMissing(OpInvitationCreate, "package")
	}
	req := apiInvitation{CandidateID: in.CandidateID, Package: in.Package, WorkLocations: in.WorkLocations}
	var out apiInvitation
	if err := c.do(ctx, "POST", "/invitations", &req, &out); err != nil {
		return nil, err
	}
	return &Invitation{ID: out.ID, Status: out.Status, InvitationURL: out.InvitationURL, CandidateID: out.CandidateID,
		Package: out.Package, CreatedAt: out.CreatedAt.UTC(), ExpiresAt: out.ExpiresAt.UTC()}, nil
}

func reportGet(ctx context.Context, c *client, payload json.RawMessage) (any, error) {
	in, err := decode[ReportGetParams](OpReportGet, payload)
	if err != nil {
		return nil, err
	}
	if in.ID == "" {
		return nil, errMissing(OpReportGet, "id")
	}
	var out apiReport
	if err := c.do(ctx, "GET", "/reports/"+url.PathEscape(in.ID), nil, &out); err != nil {
		return nil, err
	}
	r := &Report{ID: out.ID, Status: out.Status, Package: out.Package, CandidateID: out.CandidateID,
		CreatedAt: out.CreatedAt.UTC()}
	if out.Result != nil {
		r.Result = *out.Result
	}
	if out.CompletedAt != nil {
		r.CompletedAt = out.CompletedAt.UTC()
	}
	return r, nil
}
