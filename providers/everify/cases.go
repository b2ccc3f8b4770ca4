package everify

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// The operation names.
const (
	// OpCaseCreate creates a case for an employee and, unless asked not
	// to, submits it: [CaseCreateParams] in, [Case] out.
	OpCaseCreate = "everify.case.create"
	// OpCaseGet reads a case's status: [CaseGetParams] in, [Case] out.
	OpCaseGet = "everify.case.get"
)

// The citizenship status codes of Form I-9 Section 1.
const (
	CitizenUS                 = "US_CITIZEN"
	CitizenNoncitizenNational = "NONCITIZEN_NATIONAL"
	CitizenPermanentResident  = "LAWFUL_PERMANENT_RESIDENT"
	CitizenAuthorizedAlien    = "ALIEN_AUTHORIZED_TO_WORK"
)

// The case statuses (case_status), as modelled.
const (
	StatusDraft                = "DRAFT"
	StatusOpen                 = "OPEN"
	StatusQueued               = "QUEUED"
	StatusPendingReferral      = "PENDING_REFERRAL"
	StatusReferred             = "REFERRED"
	StatusScanAndUpload        = "SCAN_AND_UPLOAD"
	StatusCloseCaseAndResubmit = "CLOSE_CASE_AND_RESUBMIT"
	StatusClosed               = "CLOSED"
)

// The case eligibility statements (case_eligibility_statement).
const (
	EligibilityAuthorized          = "EMPLOYMENT_AUTHORIZED"
	EligibilityTNC                 = "TENTATIVE_NONCONFIRMATION"
	EligibilityFNC                 = "FINAL_NONCONFIRMATION"
	EligibilityDHSInProcess        = "DHS_VERIFICATION_IN_PROCESS"
	EligibilityContinuance         = "CASE_IN_CONTINUANCE"
	EligibilityCloseAndResubmit    = "CLOSE_CASE_AND_RESUBMIT"
	EligibilityNoShow              = "NO_SHOW"
	EligibilityCaseIncomplete      = "CASE_INCOMPLETE"
	EligibilityReviewAndUpdate     = "REVIEW_AND_UPDATE_EMPLOYEE_DATA"
	EligibilityVerificationInQueue = "VERIFICATION_IN_PROCESS"
)

// The normalised results of a [Case], what a host acts on.
const (
	ResultDraft      = "draft"      // created, not submitted
	ResultPending    = "pending"    // submitted, no answer yet (queued, DHS verification, continuance)
	ResultAuthorized = "authorized" // employment authorized
	ResultTNC        = "tnc"        // tentative nonconfirmation: the employee must be told and may contest
	ResultFNC        = "fnc"        // final nonconfirmation
	ResultResubmit   = "resubmit"   // close the case and create a new one
	ResultClosed     = "closed"     // closed without one of the above
)

// CaseCreateParams is the payload of [OpCaseCreate]: the employee's Form
// I-9 data. FirstName, LastName, DateOfBirth, CitizenshipStatusCode and
// DateOfHire are required, SSN is required (E-Verify employers must
// collect it), and either DocumentATypeCode or both DocumentBTypeCode and
// DocumentCTypeCode with their numbers.
type CaseCreateParams struct {
	FirstName          string   `json:"firstName"`
	MiddleInitial      string   `json:"middleInitial,omitempty"`
	LastName           string   `json:"lastName"`
	OtherLastNamesUsed []string `json:"otherLastNamesUsed,omitempty"`
	// DateOfBirth and DateOfHire are YYYY-MM-DD.
	DateOfBirth   string `json:"dateOfBirth"`
	SSN           string `json:"ssn"`
	EmployeeEmail string `json:"employeeEmail,omitempty"`
	// CitizenshipStatusCode is one of [CitizenUS], ...
	CitizenshipStatusCode string `json:"citizenshipStatusCode"`
	DocumentATypeCode     string `json:"documentATypeCode,omitempty"`
	DocumentBTypeCode     string `json:"documentBTypeCode,omitempty"`
	DocumentCTypeCode     string `json:"documentCTypeCode,omitempty"`
	DocumentSubTypeCode   string `json:"documentSubTypeCode,omitempty"`
	USPassportNumber      string `json:"usPassportNumber,omitempty"`
	ForeignPassportNumber string `json:"foreignPassportNumber,omitempty"`
	AlienNumber           string `json:"alienNumber,omitempty"`
	I94Number             string `json:"i94Number,omitempty"`
	I551Number            string `json:"i551Number,omitempty"`
	I766Number            string `json:"i766Number,omitempty"`
	DocumentBCNumber      string `json:"documentBcNumber,omitempty"`
	CountryCode           string `json:"countryCode,omitempty"`
	USStateCode           string `json:"usStateCode,omitempty"`
	// ExpirationDate is the document's, YYYY-MM-DD; NoExpirationDate says
	// it has none.
	ExpirationDate   string `json:"expirationDate,omitempty"`
	NoExpirationDate bool   `json:"noExpirationDate,omitempty"`
	DateOfHire       string `json:"dateOfHire"`
	// EmployerCaseID is the host's own reference for the case.
	EmployerCaseID string `json:"employerCaseId,omitempty"`
	// ReasonForDelayCode explains a case created more than three business
	// days after the hire date.
	ReasonForDelayCode        string `json:"reasonForDelayCode,omitempty"`
	ReasonForDelayDescription string `json:"reasonForDelayDescription,omitempty"`
	// DuplicateContinueReason lets a case through E-Verify's duplicate
	// check (e.g. "REHIRE").
	DuplicateContinueReason string `json:"duplicateContinueReason,omitempty"`
	// Draft keeps the case as a draft instead of submitting it.
	Draft bool `json:"draft,omitempty"`
}

// CaseGetParams is the payload of [OpCaseGet].
type CaseGetParams struct {
	CaseNumber string `json:"caseNumber"`
}

// Case is a case's state.
type Case struct {
	CaseNumber string `json:"caseNumber"`
	// Status is E-Verify's case_status ([StatusClosed], ...).
	Status        string `json:"status"`
	StatusDisplay string `json:"statusDisplay,omitempty"`
	// EligibilityStatement is E-Verify's case_eligibility_statement
	// ([EligibilityAuthorized], ...), empty until there is one.
	EligibilityStatement string `json:"eligibilityStatement,omitempty"`
	// Result is the normalised outcome ([ResultAuthorized], ...).
	Result             string `json:"result"`
	SSAReferralStatus  string `json:"ssaReferralStatus,omitempty"`
	DHSReferralStatus  string `json:"dhsReferralStatus,omitempty"`
	DHSReferralDueDate string `json:"dhsReferralDueDate,omitempty"`
}

// apiCase is E-Verify's case answer, the fields kept.
type apiCase struct {
	CaseNumber               string  `json:"case_number"`
	CaseStatus               string  `json:"case_status"`
	CaseStatusDisplay        *string `json:"case_status_display"`
	CaseEligibilityStatement *string `json:"case_eligibility_statement"`
	SSAReferralStatus        *string `json:"ssa_referral_status"`
	DHSReferralStatus        *string `json:"dhs_referral_status"`
	DHSReferralDueDate       *string `json:"dhs_referral_due_date"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (a *apiCase) normalise() *Case {
	c := &Case{CaseNumber: a.CaseNumber, Status: a.CaseStatus, StatusDisplay: str(a.CaseStatusDisplay),
		EligibilityStatement: str(a.CaseEligibilityStatement), SSAReferralStatus: str(a.SSAReferralStatus),
		DHSReferralStatus: str(a.DHSReferralStatus), DHSReferralDueDate: str(a.DHSReferralDueDate)}
	c.Result = result(c.Status, c.EligibilityStatement)
	return c
}

// result maps a case's status and eligibility statement to its
// normalised result.
func result(status, statement string) string {
	switch statement {
	case EligibilityAuthorized:
		return ResultAuthorized
	case EligibilityTNC:
		return ResultTNC
	case EligibilityFNC, EligibilityNoShow:
		return ResultFNC
	case EligibilityCloseAndResubmit:
		return ResultResubmit
	}
	switch status {
	case StatusDraft:
		return ResultDraft
	case StatusCloseCaseAndResubmit:
		return ResultResubmit
	case StatusClosed:
		return ResultClosed
	}
	return ResultPending
}

var (
	ssnPattern  = regexp.MustCompile(`^[0-9]{9}$`)
	caseNumber  = regexp.MustCompile(`^[0-9]{13}[A-Z]{2}$`)
	citizenship = []string{CitizenUS, CitizenNoncitizenNational, CitizenPermanentResident, CitizenAuthorizedAlien}
)

// validate checks what E-Verify would refuse, so that a bad case is not
// sent. The messages never include the SSN.
func (in *CaseCreateParams) validate() error {
	var bad []string
	if strings.TrimSpace(in.FirstName) == "" || strings.TrimSpace(in.LastName) == "" {
		bad = append(bad, "firstName and lastName are required")
	}
	if !date(in.DateOfBirth) || !date(in.DateOfHire) {
		bad = append(bad, "dateOfBirth and dateOfHire must be YYYY-MM-DD")
	}
	in.SSN = strings.ReplaceAll(in.SSN, "-", "")
	if !ssnPattern.MatchString(in.SSN) || strings.HasPrefix(in.SSN, "000") || strings.HasPrefix(in.SSN, "666") ||
		in.SSN[0] == '9' || in.SSN[3:5] == "00" || in.SSN[5:] == "0000" {
		bad = append(bad, "ssn must be a valid 9-digit Social Security number")
	}
	if !slices.Contains(citizenship, in.CitizenshipStatusCode) {
		bad = append(bad, "citizenshipStatusCode must be one of "+strings.Join(citizenship, ", "))
	}
	if in.DocumentATypeCode == "" && (in.DocumentBTypeCode == "" || in.DocumentCTypeCode == "") {
		bad = append(bad, "a List A document, or a List B and a List C document, is required")
	}
	if in.ExpirationDate != "" && !date(in.ExpirationDate) {
		bad = append(bad, "expirationDate must be YYYY-MM-DD")
	}
	if len(bad) > 0 {
		return httpapi.Invalid(Name, OpCaseCreate, strings.Join(bad, "; "))
	}
	return nil
}

func date(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// wire is the case in E-Verify's field names, with the case creator from
// the settings.
func (in *CaseCreateParams) wire(st *settings) map[string]any {
	w := map[string]any{}
	set := func(k, v string) {
		if v != "" {
			w[k] = v
		}
	}
	set("first_name", in.FirstName)
	set("middle_initial", in.MiddleInitial)
	set("last_name", in.LastName)
	if len(in.OtherLastNamesUsed) > 0 {
		w["other_last_names_used"] = in.OtherLastNamesUsed
	}
	for k, v := range map[string]string{"date_of_birth": in.DateOfBirth, "ssn": in.SSN,
		"employee_email_address": in.EmployeeEmail, "citizenship_status_code": in.CitizenshipStatusCode,
		"document_a_type_code": in.DocumentATypeCode, "document_b_type_code": in.DocumentBTypeCode,
		"document_c_type_code": in.DocumentCTypeCode, "document_sub_type_code": in.DocumentSubTypeCode,
		"us_passport_number": in.USPassportNumber, "foreign_passport_number": in.ForeignPassportNumber,
		"alien_number": in.AlienNumber, "i94_number": in.I94Number, "i551_number": in.I551Number,
		"i766_number": in.I766Number, "document_bc_number": in.DocumentBCNumber, "country_code": in.CountryCode,
		"us_state_code": in.USStateCode, "expiration_date": in.ExpirationDate, "date_of_hire": in.DateOfHire,
		"employer_case_id": in.EmployerCaseID, "reason_for_delay_code": in.ReasonForDelayCode,
		"reason_for_delay_description": in.ReasonForDelayDescription,
		"duplicate_continue_reason":    in.DuplicateContinueReason, "client_company_id": st.company,
		"case_creator_name": st.creator.name, "case_creator_email_address": st.creator.email,
		"case_creator_phone_number": st.creator.phone} {
		set(k, v)
	}
	if in.NoExpirationDate {
		w["no_expiration_date"] = true
	}
	return w
}
