package sendgrid

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"net/url"
	"strings"

	"github.com/intimeos/integrations/providers"
)

// The settings keys.
const (
	FieldAPIKey    = "apiKey"
	FieldFromEmail = "fromEmail"
	FieldFromName  = "fromName"
	// FieldWebhookKey is the Event Webhook's verification key, as SendGrid
	// shows it: base64 of the DER-encoded P-256 public key.
	FieldWebhookKey = "webhookPublicKey"
	// FieldBaseURL is the API's base URL; empty means BaseURLDefault.
	FieldBaseURL = "baseUrl"
)

// BaseURLDefault is SendGrid's API.
const BaseURLDefault = "https://api.sendgrid.com"

// Fields are the provider's configuration fields. fromEmail and fromName
// follow the SMTP form's rules and messages (UC-ADMIN-007 §17).
var Fields = []providers.Field{
	{Name: FieldAPIKey, Label: "API Key", Type: providers.FieldPassword, Required: true, Secret: true, MaxLength: 500,
		Placeholder: "SG.xxxxxxxx",
		Messages:    providers.FieldMessages{Empty: "API key is required", TooLong: "API key must be at most 500 characters"}},
	{Name: FieldFromEmail, Label: "From Email", Type: providers.FieldEmail, Required: true, MaxLength: 254,
		Placeholder: "noreply@company.com",
		Messages: providers.FieldMessages{Empty: "From email address is required",
			Invalid: "Please enter a valid email address", TooLong: "Please enter a valid email address"}},
	{Name: FieldFromName, Label: "From Name", Type: providers.FieldText, Required: true, MaxLength: 100,
		Placeholder: "InTime Staffing", Pattern: `[\p{L}\p{N} ]+`,
		Messages: providers.FieldMessages{Empty: "From name is required",
			Invalid: "From name contains invalid characters", TooLong: "From name must be at most 100 characters"}},
	{Name: FieldWebhookKey, Label: "Event Webhook Verification Key", Type: providers.FieldText, MaxLength: 1000,
		Messages: providers.FieldMessages{Invalid: "Please enter the verification key SendGrid shows for the signed Event Webhook",
			TooLong: "Please enter the verification key SendGrid shows for the signed Event Webhook"}},
	{Name: FieldBaseURL, Label: "API Base URL", Type: providers.FieldURL, MaxLength: 255, Default: BaseURLDefault,
		Messages: providers.FieldMessages{Invalid: "Please enter a valid URL", TooLong: "Please enter a valid URL"}},
}

// settings are validated settings in typed form.
type settings struct {
	apiKey   string
	from     string
	fromName string
	base     *url.URL
	key      *ecdsa.PublicKey // nil if not configured
}

// validate checks s against [Fields] and parses the webhook key.
func validate(s providers.Settings) error {
	err := providers.ValidateSettings(Fields, s)
	if strings.TrimSpace(s[FieldWebhookKey]) == "" {
		return err
	}
	if _, kerr := ParsePublicKey(s[FieldWebhookKey]); kerr != nil {
		ve, _ := err.(*providers.ValidationError)
		if ve == nil {
			ve = &providers.ValidationError{}
		}
		if ve.Field(FieldWebhookKey) == "" {
			ve.Fields = append(ve.Fields, providers.FieldError{Field: FieldWebhookKey, Message: Fields[3].Messages.Invalid})
		}
		return ve
	}
	return err
}

func parseSettings(s providers.Settings) (*settings, error) {
	if err := validate(s); err != nil {
		return nil, providers.InvalidInput(err)
	}
	base := s[FieldBaseURL]
	if base == "" {
		base = BaseURLDefault
	}
	u, err := url.Parse(strings.TrimSuffix(base, "/"))
	if err != nil {
		return nil, providers.InvalidInput(err)
	}
	st := &settings{apiKey: s[FieldAPIKey], from: s[FieldFromEmail], fromName: s[FieldFromName], base: u}
	if strings.TrimSpace(s[FieldWebhookKey]) != "" {
		st.key, _ = ParsePublicKey(s[FieldWebhookKey])
	}
	return st, nil
}

var errKey = errors.New("sendgrid: the verification key is not a base64 DER P-256 public key")

// ParsePublicKey parses the Event Webhook's verification key: base64 of a
// DER-encoded (PKIX) ECDSA P-256 public key, with or without PEM armour
// lines.
func ParsePublicKey(s string) (*ecdsa.PublicKey, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "-----BEGIN PUBLIC KEY-----")
	s = strings.TrimSuffix(s, "-----END PUBLIC KEY-----")
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		return nil, errKey
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, errKey
	}
	pub, ok := k.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return nil, errKey
	}
	return pub, nil
}
