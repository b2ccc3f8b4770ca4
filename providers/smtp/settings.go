package smtp

import (
	"crypto/x509"
	"encoding/pem"
	"strconv"
	"strings"

	"github.com/intimeos/integrations/providers"
)

// The settings keys: the spec's field names (UC-ADMIN-007 §17), plus
// smtpRootCA.
const (
	FieldProvider      = "provider"
	FieldHost          = "smtpHost"
	FieldPort          = "smtpPort"
	FieldUsername      = "smtpUsername"
	FieldPassword      = "smtpPassword"
	FieldFromEmail     = "fromEmail"
	FieldFromName      = "fromName"
	FieldRateLimitHour = "rateLimitHour"
	// FieldRootCA is an optional PEM bundle of root certificates trusted
	// instead of the system roots, for relays with a private CA.
	FieldRootCA = "smtpRootCA"
)

// The ports of the smtpPort radio and what each means.
const (
	// PortSubmission (587) upgrades the connection with STARTTLS; a server
	// that does not offer it is refused.
	PortSubmission = 587
	// PortImplicitTLS (465) speaks TLS from the first byte.
	PortImplicitTLS = 465
	// PortPlain (25) is unencrypted. It is used only when chosen, and
	// flagged: the connection test's TLS stage says so.
	PortPlain = 25
)

// RateLimitHourDefault, RateLimitHourMin and RateLimitHourMax are the
// rateLimitHour field's default and bounds.
const (
	RateLimitHourDefault = 1000
	RateLimitHourMin     = 100
	RateLimitHourMax     = 10000
)

// Fields are the SMTP form's fields in display order, with the spec's rules
// and messages word for word.
var Fields = []providers.Field{
	{Name: FieldProvider, Label: "Provider", Type: providers.FieldSelect, Required: true,
		Options: PresetNames(), Default: PresetSendGrid,
		Messages: providers.FieldMessages{Empty: "Please select an email provider", Invalid: "Please select an email provider"}},
	{Name: FieldHost, Label: "SMTP Host", Type: providers.FieldHost, Required: true, MaxLength: 255,
		Placeholder: "smtp.sendgrid.net",
		Messages: providers.FieldMessages{Empty: "SMTP host is required",
			Invalid: "Please enter a valid hostname or IP address", TooLong: "Please enter a valid hostname or IP address"}},
	{Name: FieldPort, Label: "SMTP Port", Type: providers.FieldRadio, Required: true,
		Options: []string{"587", "465", "25"}, Default: "587",
		Messages: providers.FieldMessages{Empty: "Please select a port", Invalid: "Please select a port"}},
	{Name: FieldUsername, Label: "Username (API Key)", Type: providers.FieldText, Required: true, MaxLength: 255,
		Placeholder: "apikey",
		Messages: providers.FieldMessages{Empty: "Username/API key is required",
			TooLong: "Username/API key must be at most 255 characters"}},
	{Name: FieldPassword, Label: "Password (API Secret)", Type: providers.FieldPassword, Required: true, Secret: true,
		MaxLength: 500,
		Messages: providers.FieldMessages{Empty: "Password/API secret is required",
			TooLong: "Password/API secret must be at most 500 characters"}},
	{Name: FieldFromEmail, Label: "From Email", Type: providers.FieldEmail, Required: true, MaxLength: 254,
		Placeholder: "noreply@company.com",
		Messages: providers.FieldMessages{Empty: "From email address is required",
			Invalid: "Please enter a valid email address", TooLong: "Please enter a valid email address"}},
	{Name: FieldFromName, Label: "From Name", Type: providers.FieldText, Required: true, MaxLength: 100,
		Placeholder: "InTime Staffing", Pattern: `[\p{L}\p{N} ]+`,
		Messages: providers.FieldMessages{Empty: "From name is required",
			Invalid: "From name contains invalid characters", TooLong: "From name must be at most 100 characters"}},
	{Name: FieldRateLimitHour, Label: "Max emails/hour", Type: providers.FieldNumber, Required: true,
		Min: RateLimitHourMin, Max: RateLimitHourMax, Default: strconv.Itoa(RateLimitHourDefault),
		Messages: providers.FieldMessages{Empty: "Hourly rate limit is required",
			Invalid:  "Hourly rate limit must be a number",
			BelowMin: "Minimum hourly limit is 100", AboveMax: "Maximum hourly limit is 10,000"}},
	{Name: FieldRootCA, Label: "Custom root CA (PEM)", Type: providers.FieldText, MaxLength: 65536,
		Messages: providers.FieldMessages{Invalid: "Please enter a valid PEM certificate",
			TooLong: "Please enter a valid PEM certificate"}},
}

// settings are validated settings in typed form.
type settings struct {
	provider string
	host     string
	port     int
	username string
	password string
	from     string
	fromName string
	roots    *x509.CertPool // nil: the system roots
}

// validate checks s against [Fields] and the root CA, one message per
// field.
func validate(s providers.Settings) error {
	err := providers.ValidateSettings(Fields, s)
	if strings.TrimSpace(s[FieldRootCA]) == "" {
		return err
	}
	if _, perr := parseRoots(s[FieldRootCA]); perr != nil {
		ve, _ := err.(*providers.ValidationError)
		if ve == nil {
			ve = &providers.ValidationError{}
		}
		if ve.Field(FieldRootCA) == "" {
			ve.Fields = append(ve.Fields, providers.FieldError{Field: FieldRootCA, Message: Fields[len(Fields)-1].Messages.Invalid})
		}
		return ve
	}
	return err
}

// parseSettings validates s and returns its typed form; invalid settings
// are a [providers.KindInvalidInput] error.
func parseSettings(s providers.Settings) (*settings, error) {
	if err := validate(s); err != nil {
		return nil, providers.InvalidInput(err)
	}
	port, _ := strconv.Atoi(s[FieldPort])
	st := &settings{provider: s[FieldProvider], host: strings.TrimSuffix(s[FieldHost], "."), port: port,
		username: s[FieldUsername], password: s[FieldPassword], from: s[FieldFromEmail], fromName: s[FieldFromName]}
	if strings.TrimSpace(s[FieldRootCA]) != "" {
		st.roots, _ = parseRoots(s[FieldRootCA])
	}
	return st, nil
}

// parseRoots parses a PEM bundle of at least one certificate.
func parseRoots(bundle string) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	rest, n := []byte(bundle), 0
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		if b.Type != "CERTIFICATE" || err != nil {
			return nil, errInvalidPEM
		}
		pool.AddCert(cert)
		n++
	}
	if n == 0 || strings.TrimSpace(string(rest)) != "" {
		return nil, errInvalidPEM
	}
	return pool, nil
}
