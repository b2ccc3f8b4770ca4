package everify

import (
	"net/mail"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// The settings keys.
const (
	// FieldBaseURL is the E-Verify Web Services REST base URL of the
	// environment (test or production) USCIS assigned, as its Interface
	// Control Agreement gives it (required).
	FieldBaseURL = "baseUrl"
	// FieldTokenURL is the OAuth 2.0 token endpoint of that environment
	// (required).
	FieldTokenURL = "tokenUrl"
	// FieldClientID and FieldClientSecret are the Web Services client
	// credentials (required; the secret is secret).
	FieldClientID     = "clientId"
	FieldClientSecret = "clientSecret"
	// FieldCompanyID is the E-Verify client company ID, for employer
	// agents creating cases for a client company (optional, digits).
	FieldCompanyID = "clientCompanyId"
	// FieldCaseCreatorName, FieldCaseCreatorEmail and FieldCaseCreatorPhone
	// are the contact E-Verify records on each case (required).
	FieldCaseCreatorName  = "caseCreatorName"
	FieldCaseCreatorEmail = "caseCreatorEmail"
	FieldCaseCreatorPhone = "caseCreatorPhone"
)

// The settings' validation messages.
const (
	msgBaseURLEmpty  = "E-Verify API URL is required"
	msgTokenURLEmpty = "Token URL is required"
	msgURL           = "Please enter a valid https URL"
	msgClientID      = "Client ID is required"
	msgClientSecret  = "Client secret is required"
	msgCompanyID     = "Client company ID must be digits"
	msgCreatorName   = "Case creator name is required"
	msgCreatorEmail  = "Case creator email is required"
	msgEmailInvalid  = "Please enter a valid email address"
	msgCreatorPhone  = "Case creator phone is required"
	msgPhoneInvalid  = "Please enter a 10-digit US phone number"
)

func fields() []providers.Field {
	return []providers.Field{
		{Name: FieldBaseURL, Label: "E-Verify API URL", Type: providers.FieldURL, Required: true, MaxLength: 500,
			Messages: providers.FieldMessages{Empty: msgBaseURLEmpty, Invalid: msgURL, TooLong: msgURL}},
		{Name: FieldTokenURL, Label: "Token URL", Type: providers.FieldURL, Required: true, MaxLength: 500,
			Messages: providers.FieldMessages{Empty: msgTokenURLEmpty, Invalid: msgURL, TooLong: msgURL}},
		{Name: FieldClientID, Label: "Client ID", Type: providers.FieldText, Required: true, MaxLength: 200,
			Messages: providers.FieldMessages{Empty: msgClientID}},
		{Name: FieldClientSecret, Label: "Client Secret", Type: providers.FieldPassword, Required: true, Secret: true,
			MaxLength: 500, Messages: providers.FieldMessages{Empty: msgClientSecret}},
		{Name: FieldCompanyID, Label: "Client Company ID", Type: providers.FieldText, MaxLength: 12, Pattern: `[0-9]+`,
			Messages: providers.FieldMessages{Invalid: msgCompanyID, TooLong: msgCompanyID}},
		{Name: FieldCaseCreatorName, Label: "Case Creator Name", Type: providers.FieldText, Required: true, MaxLength: 100,
			Messages: providers.FieldMessages{Empty: msgCreatorName}},
		{Name: FieldCaseCreatorEmail, Label: "Case Creator Email", Type: providers.FieldEmail, Required: true, MaxLength: 254,
			Messages: providers.FieldMessages{Empty: msgCreatorEmail, Invalid: msgEmailInvalid, TooLong: msgEmailInvalid}},
		{Name: FieldCaseCreatorPhone, Label: "Case Creator Phone", Type: providers.FieldText, Required: true, MaxLength: 10,
			Pattern: `[0-9]{10}`, Placeholder: "5551234567",
			Messages: providers.FieldMessages{Empty: msgCreatorPhone, Invalid: msgPhoneInvalid, TooLong: msgPhoneInvalid}},
	}
}

// settings are parsed, valid settings.
type settings struct {
	base                      *url.URL
	clientID, secret, company string
	creator                   creator
	oauth                     *clientcredentials.Config
}

type creator struct{ name, email, phone string }

// parseSettings validates s and returns its values, or a
// *providers.ValidationError.
func parseSettings(s providers.Settings) (*settings, error) {
	if err := providers.ValidateSettings(fields(), s); err != nil {
		return nil, err
	}
	base, ok1 := httpapi.ParseSecureURL(s[FieldBaseURL])
	token, ok2 := httpapi.ParseSecureURL(s[FieldTokenURL])
	var ve providers.ValidationError
	if !ok1 {
		ve.Fields = append(ve.Fields, providers.FieldError{Field: FieldBaseURL, Message: msgURL})
	}
	if !ok2 {
		ve.Fields = append(ve.Fields, providers.FieldError{Field: FieldTokenURL, Message: msgURL})
	}
	if len(ve.Fields) > 0 {
		return nil, &ve
	}
	email, _ := mail.ParseAddress(s[FieldCaseCreatorEmail])
	st := &settings{base: base, clientID: s[FieldClientID], secret: s[FieldClientSecret],
		company: strings.TrimSpace(s[FieldCompanyID]),
		creator: creator{name: strings.TrimSpace(s[FieldCaseCreatorName]), email: email.Address, phone: s[FieldCaseCreatorPhone]}}
	st.oauth = &clientcredentials.Config{ClientID: st.clientID, ClientSecret: st.secret, TokenURL: token.String(),
		AuthStyle: oauth2.AuthStyleInParams}
	return st, nil
}
