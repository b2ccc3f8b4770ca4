package carrier

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// EnrollmentFile is the payload of [OpSend] and [OpRender]: one 834
// transaction set of enrolment changes (or a full file) for the carrier.
type EnrollmentFile struct {
	// ControlNumber is the interchange control number (ISA13, GS06), 1 to
	// 999999999, unique per sender. Zero derives it from the operation's
	// idempotency key, or else from the clock (see the package doc).
	ControlNumber int `json:"controlNumber,omitempty"`
	// ReferenceID identifies the file in the host (BGN02), 1 to 50
	// characters (required).
	ReferenceID string `json:"referenceId"`
	// FullFile marks a full replacement file (BGN08 "RX"); false is a
	// file of changes (BGN08 "2").
	FullFile bool `json:"fullFile,omitempty"`
	// PolicyNumber is the master policy number (REF*38), if the carrier
	// asks for it.
	PolicyNumber string `json:"policyNumber,omitempty"`
	// Members are the subscribers, each followed by their dependents
	// (required, at least one).
	Members []Member `json:"members"`
}

// The values of [Member.Relationship] and their INS02 codes.
const (
	RelationshipSelf            = "self"             // 18, the subscriber
	RelationshipSpouse          = "spouse"           // 01
	RelationshipChild           = "child"            // 19
	RelationshipDomesticPartner = "domestic_partner" // 53
	RelationshipOther           = "other"            // G8, other relationship
)

// The values of [Member.Action] and their maintenance type codes (INS03,
// HD01).
const (
	ActionAdd       = "add"       // 021 addition
	ActionChange    = "change"    // 001 change
	ActionTerminate = "terminate" // 024 cancellation or termination
	ActionReinstate = "reinstate" // 025 reinstatement
	ActionAudit     = "audit"     // 030 audit or compare (full files)
)

var (
	relationshipCodes = map[string]string{RelationshipSelf: "18", RelationshipSpouse: "01", RelationshipChild: "19",
		RelationshipDomesticPartner: "53", RelationshipOther: "G8"}
	actionCodes = map[string]string{ActionAdd: "021", ActionChange: "001", ActionTerminate: "024",
		ActionReinstate: "025", ActionAudit: "030"}
	// defaultReasons are INS04 when [Member.Reason] is empty: 28 initial
	// enrollment, AI no reason given, 07 termination of benefits, 41
	// re-enrollment, XN notification only.
	defaultReasons = map[string]string{ActionAdd: "28", ActionChange: "AI", ActionTerminate: "07",
		ActionReinstate: "41", ActionAudit: "XN"}
	coverageLevels = map[string]bool{"EMP": true, "ESP": true, "ECH": true, "FAM": true, "E1D": true, "E2D": true,
		"E3D": true, "EPN": true, "ELF": true, "SPC": true, "SPO": true, "CHD": true, "DEP": true, "IND": true, "TWO": true}
	employmentCodes = map[string]bool{"FT": true, "PT": true, "AC": true, "RT": true, "TE": true, "L1": true, "AO": true}
)

// Member is one person of the file: a subscriber (Relationship "self")
// or a dependent, who follows their subscriber.
type Member struct {
	// Relationship to the subscriber: [RelationshipSelf] and the others.
	Relationship string `json:"relationship"`
	// Action is [ActionAdd], [ActionChange], [ActionTerminate],
	// [ActionReinstate] or [ActionAudit].
	Action string `json:"action"`
	// Reason overrides the maintenance reason code (INS04); empty means
	// the action's usual one.
	Reason string `json:"reason,omitempty"`
	// SubscriberID is the subscriber's identifier (REF*0F), the same for
	// the subscriber and their dependents: usually the subscriber's SSN or
	// the employer's employee ID (required).
	SubscriberID string `json:"subscriberId"`
	// GroupNumber is the carrier's group or policy number (REF*1L).
	GroupNumber string `json:"groupNumber,omitempty"`
	FirstName   string `json:"firstName"`
	MiddleName  string `json:"middleName,omitempty"`
	LastName    string `json:"lastName"`
	// SSN is the member's nine-digit Social Security number (NM109), if
	// known.
	SSN string `json:"ssn,omitempty"`
	// BirthDate is YYYY-MM-DD (required).
	BirthDate string `json:"birthDate"`
	// Gender is M, F or U (required).
	Gender  string   `json:"gender"`
	Phone   string   `json:"phone,omitempty"`
	Email   string   `json:"email,omitempty"`
	Address *Address `json:"address,omitempty"`
	// EmploymentStatus is the subscriber's INS08: FT (default), PT, AC,
	// RT, TE, L1 or AO. Dependents have none.
	EmploymentStatus string `json:"employmentStatus,omitempty"`
	// HireDate is the subscriber's employment start, YYYY-MM-DD (DTP*336).
	HireDate string `json:"hireDate,omitempty"`
	// Coverages are the member's health coverages (loop 2300); an
	// addition needs at least one.
	Coverages []Coverage `json:"coverages,omitempty"`
}

// Address is a member's residence (N3, N4); required for subscribers.
type Address struct {
	Line1 string `json:"line1"`
	Line2 string `json:"line2,omitempty"`
	City  string `json:"city"`
	// State is the two-letter code.
	State string `json:"state"`
	// Zip is the five- or nine-digit ZIP code.
	Zip string `json:"zip"`
}

// Coverage is one coverage of a member (loop 2300).
type Coverage struct {
	// PlanCode is the carrier's plan (HD04), e.g. "PPO500".
	PlanCode string `json:"planCode,omitempty"`
	// Level is the coverage level (HD05): EMP employee only, ESP employee
	// and spouse, ECH employee and children, FAM family, and the other
	// codes of the guide.
	Level string `json:"level"`
	// Start is the benefit begin date, YYYY-MM-DD (DTP*348, required).
	Start string `json:"start"`
	// End is the benefit end date (DTP*349), for terminations.
	End string `json:"end,omitempty"`
}

var (
	reserved = regexp.MustCompile(`[*~^:\x00-\x1f\x7f]`)
	digits9  = regexp.MustCompile(`^\d{9}$`)
	zipRE    = regexp.MustCompile(`^\d{5}(\d{4})?$`)
	stateRE  = regexp.MustCompile(`^[A-Z]{2}$`)
)

// validate checks the file, naming each invalid field by its path.
func (f *EnrollmentFile) validate() error {
	v := &validator{}
	v.text("referenceId", f.ReferenceID, true, 50)
	v.text("policyNumber", f.PolicyNumber, false, 50)
	if len(f.Members) == 0 {
		v.add("members", "at least one member is required")
	}
	subscriber := ""
	for i := range f.Members {
		m := &f.Members[i]
		p := fmt.Sprintf("members[%d].", i)
		m.validate(v, p)
		switch {
		case m.Relationship == RelationshipSelf:
			subscriber = m.SubscriberID
		case subscriber == "":
			v.add(p+"relationship", "a dependent must follow their subscriber")
		case m.SubscriberID != subscriber:
			v.add(p+"subscriberId", "a dependent carries their subscriber's subscriberId")
		}
	}
	return v.err()
}

func (m *Member) validate(v *validator, p string) {
	if relationshipCodes[m.Relationship] == "" {
		v.add(p+"relationship", "must be self, spouse, child, domestic_partner or other")
	}
	if actionCodes[m.Action] == "" {
		v.add(p+"action", "must be add, change, terminate, reinstate or audit")
	}
	v.text(p+"reason", m.Reason, false, 3)
	v.text(p+"subscriberId", m.SubscriberID, true, 50)
	v.text(p+"groupNumber", m.GroupNumber, false, 50)
	v.text(p+"firstName", m.FirstName, true, 35)
	v.text(p+"middleName", m.MiddleName, false, 25)
	v.text(p+"lastName", m.LastName, true, 60)
	v.match(p+"ssn", m.SSN, digits9, "must be nine digits")
	v.date(p+"birthDate", m.BirthDate, true)
	if m.Gender != "M" && m.Gender != "F" && m.Gender != "U" {
		v.add(p+"gender", "must be M, F or U")
	}
	v.text(p+"phone", m.Phone, false, 80)
	v.text(p+"email", m.Email, false, 80)
	self := m.Relationship == RelationshipSelf
	if m.EmploymentStatus != "" && (!self || !employmentCodes[m.EmploymentStatus]) {
		v.add(p+"employmentStatus", "is the subscriber's FT, PT, AC, RT, TE, L1 or AO")
	}
	v.date(p+"hireDate", m.HireDate, false)
	if m.Address != nil {
		m.Address.validate(v, p+"address.")
	} else if self {
		v.add(p+"address", "is required for the subscriber")
	}
	if m.Action == ActionAdd && len(m.Coverages) == 0 {
		v.add(p+"coverages", "an addition needs at least one coverage")
	}
	for j, c := range m.Coverages {
		cp := fmt.Sprintf("%scoverages[%d].", p, j)
		v.text(cp+"planCode", c.PlanCode, false, 50)
		if !coverageLevels[c.Level] {
			v.add(cp+"level", "must be a coverage level code such as EMP, ESP, ECH or FAM")
		}
		v.date(cp+"start", c.Start, true)
		v.date(cp+"end", c.End, false)
	}
}

func (a *Address) validate(v *validator, p string) {
	v.text(p+"line1", a.Line1, true, 55)
	v.text(p+"line2", a.Line2, false, 55)
	v.text(p+"city", a.City, true, 30)
	v.code(p+"state", a.State, stateRE, "must be a two-letter state code")
	v.code(p+"zip", a.Zip, zipRE, "must be a five- or nine-digit ZIP code")
}

// validator collects "path: message" errors.
type validator struct{ msgs []string }

func (v *validator) add(path, msg string) { v.msgs = append(v.msgs, path+" "+msg) }

func (v *validator) text(path, s string, required bool, max int) {
	switch {
	case strings.TrimSpace(s) == "":
		if required {
			v.add(path, "is required")
		}
	case len(s) > max:
		v.add(path, fmt.Sprintf("is longer than %d characters", max))
	case reserved.MatchString(s):
		v.add(path, "holds a character X12 reserves (* ~ ^ :) or a control character")
	}
}

func (v *validator) match(path, s string, re *regexp.Regexp, msg string) {
	if s != "" && !re.MatchString(s) {
		v.add(path, msg)
	}
}

// code checks a required value against re.
func (v *validator) code(path, s string, re *regexp.Regexp, msg string) {
	if s == "" {
		v.add(path, "is required")
		return
	}
	v.match(path, s, re, msg)
}

func (v *validator) date(path, s string, required bool) {
	if s == "" {
		if required {
			v.add(path, "is required")
		}
		return
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		v.add(path, "must be a date YYYY-MM-DD")
	}
}

func (v *validator) err() error {
	if len(v.msgs) == 0 {
		return nil
	}
	return errors.New("carrier: invalid enrollment file: " + strings.Join(v.msgs, "; "))
}
