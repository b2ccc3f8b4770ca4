package carrier

import (
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/filedrop"
	"github.com/intimeos/integrations/providers/sftpdrop"
)

// The values of [FieldCarrier] (UC-ADMIN-007 §2.2, Benefits).
const (
	CarrierBCBS        = "BCBS"
	CarrierDeltaDental = "Delta Dental"
	CarrierVSP         = "VSP"
)

// Carrier is a benefits carrier preset: data, not code.
type Carrier struct {
	// Name is [FieldCarrier]'s value and the name used in messages.
	Name string
	// Code names the carrier in file names.
	Code string
	// PayerName is the 834's payer (loop 1000B, N102).
	PayerName string
	// InsuranceLine is HD03: HLT (health), DEN (dental) or VIS (vision).
	InsuranceLine string
}

// Carriers are the presets, in the form's order. Each carrier assigns its
// receiver ID, SFTP account and plan codes at onboarding; those are
// settings and payload, not presets.
var Carriers = []Carrier{
	{Name: CarrierBCBS, Code: "bcbs", PayerName: "BLUE CROSS BLUE SHIELD", InsuranceLine: "HLT"},
	{Name: CarrierDeltaDental, Code: "deltadental", PayerName: "DELTA DENTAL", InsuranceLine: "DEN"},
	{Name: CarrierVSP, Code: "vsp", PayerName: "VISION SERVICE PLAN", InsuranceLine: "VIS"},
}

func carrierNames() []string {
	out := make([]string, len(Carriers))
	for i, c := range Carriers {
		out[i] = c.Name
	}
	return out
}

// The settings keys, beside the SFTP ones of package sftpdrop.
const (
	// FieldCarrier is the carrier, one of [Carriers] (required).
	FieldCarrier = "carrier"
	// FieldSenderID is the employer's interchange ID (ISA06, GS02), as
	// agreed with the carrier (required).
	FieldSenderID = "senderId"
	// FieldReceiverID is the carrier's interchange ID (ISA08, GS03)
	// (required).
	FieldReceiverID = "receiverId"
	// FieldSponsorName is the employer's name (loop 1000A) (required).
	FieldSponsorName = "sponsorName"
	// FieldSponsorTaxID is the employer's FEIN (loop 1000A) (required).
	FieldSponsorTaxID = "sponsorTaxId"
	// FieldPayerTaxID is the carrier's FEIN (loop 1000B); empty
	// identifies the carrier by its receiver ID instead.
	FieldPayerTaxID = "payerTaxId"
	// FieldUsage is [UsageTest] (default) or [UsageProduction] (ISA15).
	FieldUsage = "usage"
)

// The values of [FieldUsage].
const (
	UsageTest       = "Test"
	UsageProduction = "Production"
)

// The settings' validation messages.
const (
	msgCarrierEmpty      = "Please select a benefits carrier"
	msgSenderEmpty       = "Sender ID is required"
	msgSenderInvalid     = "Sender ID must be 1 to 15 letters or digits"
	msgReceiverEmpty     = "Carrier receiver ID is required"
	msgReceiverInvalid   = "Receiver ID must be 1 to 15 letters or digits"
	msgSponsorEmpty      = "Employer name is required"
	msgSponsorInvalid    = "Employer name contains invalid characters"
	msgSponsorTaxEmpty   = "Employer FEIN is required"
	msgSponsorTaxInvalid = "Please enter the 9-digit employer FEIN"
	msgPayerTaxInvalid   = "Please enter the carrier's 9-digit FEIN"
	msgUsageInvalid      = "Please select Test or Production"
)

// textPattern allows what X12's character set and our delimiters allow.
const textPattern = `[^*~^:\x00-\x1f\x7f]+`

// Fields returns the provider's configuration fields in display order.
func Fields() []providers.Field {
	f := []providers.Field{
		{Name: FieldCarrier, Label: "Carrier", Type: providers.FieldSelect, Required: true, Options: carrierNames(),
			Messages: providers.FieldMessages{Empty: msgCarrierEmpty, Invalid: msgCarrierEmpty}},
	}
	f = append(f, sftpdrop.Fields()...)
	return append(f,
		providers.Field{Name: FieldSenderID, Label: "Sender ID", Type: providers.FieldText, Required: true, MaxLength: 15,
			Pattern: `[A-Za-z0-9]+`, Messages: providers.FieldMessages{Empty: msgSenderEmpty, Invalid: msgSenderInvalid, TooLong: msgSenderInvalid}},
		providers.Field{Name: FieldReceiverID, Label: "Carrier Receiver ID", Type: providers.FieldText, Required: true, MaxLength: 15,
			Pattern: `[A-Za-z0-9]+`, Messages: providers.FieldMessages{Empty: msgReceiverEmpty, Invalid: msgReceiverInvalid, TooLong: msgReceiverInvalid}},
		providers.Field{Name: FieldSponsorName, Label: "Employer Name", Type: providers.FieldText, Required: true, MaxLength: 60,
			Pattern: textPattern, Messages: providers.FieldMessages{Empty: msgSponsorEmpty, Invalid: msgSponsorInvalid}},
		providers.Field{Name: FieldSponsorTaxID, Label: "Employer FEIN", Type: providers.FieldText, Required: true,
			Placeholder: "12-3456789", Pattern: `\d{2}-?\d{7}`,
			Messages: providers.FieldMessages{Empty: msgSponsorTaxEmpty, Invalid: msgSponsorTaxInvalid}},
		providers.Field{Name: FieldPayerTaxID, Label: "Carrier FEIN", Type: providers.FieldText, Placeholder: "98-7654321",
			Pattern: `\d{2}-?\d{7}`, Messages: providers.FieldMessages{Invalid: msgPayerTaxInvalid}},
		providers.Field{Name: FieldUsage, Label: "File usage", Type: providers.FieldRadio, Default: UsageTest,
			Options: []string{UsageTest, UsageProduction}, Messages: providers.FieldMessages{Invalid: msgUsageInvalid}},
	)
}

// settings are parsed, valid settings.
type settings struct {
	carrier      Carrier
	target       *sftpdrop.Target
	senderID     string
	receiverID   string
	sponsorName  string
	sponsorTaxID string // nine digits
	payerTaxID   string // nine digits or ""
	production   bool
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
	st := &settings{target: target, senderID: s[FieldSenderID], receiverID: s[FieldReceiverID],
		sponsorName:  strings.ToUpper(strings.TrimSpace(s[FieldSponsorName])),
		sponsorTaxID: strings.ReplaceAll(s[FieldSponsorTaxID], "-", ""),
		payerTaxID:   strings.ReplaceAll(s[FieldPayerTaxID], "-", ""), production: s[FieldUsage] == UsageProduction}
	for _, c := range Carriers {
		if c.Name == s[FieldCarrier] {
			st.carrier = c
		}
	}
	return st, nil
}
