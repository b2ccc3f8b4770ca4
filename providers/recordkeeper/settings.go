package recordkeeper

import (
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/filedrop"
	"github.com/intimeos/integrations/providers/sftpdrop"
)

// The values of [FieldRecordkeeper] (UC-ADMIN-007 §2.2, 401k).
const (
	RecordkeeperFidelity = "Fidelity"
	RecordkeeperVanguard = "Vanguard"
)

// Recordkeeper is a 401(k) recordkeeper preset: data, not code.
type Recordkeeper struct {
	// Name is [FieldRecordkeeper]'s value and the name used in messages.
	Name string
	// Code names the recordkeeper in file names.
	Code string
}

// Recordkeepers are the presets, in the form's order. Each recordkeeper
// maps this package's documented layout to the plan at onboarding and
// assigns the SFTP account and plan number: those are settings.
var Recordkeepers = []Recordkeeper{
	{Name: RecordkeeperFidelity, Code: "fidelity"},
	{Name: RecordkeeperVanguard, Code: "vanguard"},
}

func recordkeeperNames() []string {
	out := make([]string, len(Recordkeepers))
	for i, r := range Recordkeepers {
		out[i] = r.Name
	}
	return out
}

// The settings keys, beside the SFTP ones of package sftpdrop.
const (
	// FieldRecordkeeper is the recordkeeper, one of [Recordkeepers]
	// (required).
	FieldRecordkeeper = "recordkeeper"
	// FieldPlanNumber is the plan's number at the recordkeeper (required).
	FieldPlanNumber = "planNumber"
	// FieldSponsorName is the employer's name (required).
	FieldSponsorName = "sponsorName"
	// FieldSponsorTaxID is the employer's FEIN (required).
	FieldSponsorTaxID = "sponsorTaxId"
)

// The settings' validation messages.
const (
	msgRecordkeeperEmpty = "Please select a 401(k) recordkeeper"
	msgPlanEmpty         = "Plan number is required"
	msgPlanInvalid       = "Plan number must be 1 to 20 letters, digits or hyphens"
	msgSponsorEmpty      = "Employer name is required"
	msgSponsorInvalid    = "Employer name contains invalid characters"
	msgSponsorTaxEmpty   = "Employer FEIN is required"
	msgSponsorTaxInvalid = "Please enter the 9-digit employer FEIN"
)

// Fields returns the provider's configuration fields in display order.
func Fields() []providers.Field {
	f := []providers.Field{
		{Name: FieldRecordkeeper, Label: "Recordkeeper", Type: providers.FieldSelect, Required: true,
			Options: recordkeeperNames(), Messages: providers.FieldMessages{Empty: msgRecordkeeperEmpty, Invalid: msgRecordkeeperEmpty}},
	}
	f = append(f, sftpdrop.Fields()...)
	return append(f,
		providers.Field{Name: FieldPlanNumber, Label: "Plan Number", Type: providers.FieldText, Required: true, MaxLength: 20,
			Pattern: `[A-Za-z0-9-]+`, Messages: providers.FieldMessages{Empty: msgPlanEmpty, Invalid: msgPlanInvalid, TooLong: msgPlanInvalid}},
		providers.Field{Name: FieldSponsorName, Label: "Employer Name", Type: providers.FieldText, Required: true, MaxLength: 60,
			Pattern: `[^\x00-\x1f\x7f]+`, Messages: providers.FieldMessages{Empty: msgSponsorEmpty, Invalid: msgSponsorInvalid}},
		providers.Field{Name: FieldSponsorTaxID, Label: "Employer FEIN", Type: providers.FieldText, Required: true,
			Placeholder: "12-3456789", Pattern: `\d{2}-?\d{7}`,
			Messages: providers.FieldMessages{Empty: msgSponsorTaxEmpty, Invalid: msgSponsorTaxInvalid}},
	)
}

// settings are parsed, valid settings.
type settings struct {
	recordkeeper Recordkeeper
	target       *sftpdrop.Target
	planNumber   string
	sponsorName  string
	sponsorTaxID string // nine digits
}

// Target implements [filedrop.Settings].
func (st *settings) Target() *sftpdrop.Target { return st.target }

// parseSettings validates s and returns its values, or a
// *providers.ValidationError with one message per invalid field.
func parseSettings(s providers.Settings) (*settings, error) {
	target, err := filedrop.ParseSettings(Fields(), s)
	if err != nil {
		return nil, err
	}
	st := &settings{target: target, planNumber: s[FieldPlanNumber], sponsorName: strings.TrimSpace(s[FieldSponsorName]),
		sponsorTaxID: strings.ReplaceAll(s[FieldSponsorTaxID], "-", "")}
	for _, r := range Recordkeepers {
		if r.Name == s[FieldRecordkeeper] {
			st.recordkeeper = r
		}
	}
	return st, nil
}
