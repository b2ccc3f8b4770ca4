package smtp_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/smtp"
)

// TestValidate checks every rule of the SMTP form with the spec's messages
// word for word (UC-ADMIN-007 §17).
func TestValidate(t *testing.T) {
	t.Parallel()
	valid := settingsFor("smtp.sendgrid.net", 587, "")
	tests := []struct {
		field, value, want string
	}{
		{smtp.FieldProvider, "", "Please select an email provider"},
		{smtp.FieldProvider, "Gmail", "Please select an email provider"},
		{smtp.FieldProvider, "AWS SES", ""},
		{smtp.FieldProvider, "Mailgun", ""},
		{smtp.FieldProvider, "Postmark", ""},
		{smtp.FieldProvider, "Custom SMTP", ""},
		{smtp.FieldHost, "", "SMTP host is required"},
		{smtp.FieldHost, "smtp host!", "Please enter a valid hostname or IP address"},
		{smtp.FieldHost, "-bad.example.com", "Please enter a valid hostname or IP address"},
		{smtp.FieldHost, strings.Repeat("a.", 128) + "com", "Please enter a valid hostname or IP address"},
		{smtp.FieldHost, "192.0.2.10", ""},
		{smtp.FieldHost, "2001:db8::1", ""},
		{smtp.FieldPort, "", "Please select a port"},
		{smtp.FieldPort, "2525", "Please select a port"},
		{smtp.FieldPort, "465", ""},
		{smtp.FieldPort, "25", ""},
		{smtp.FieldUsername, "", "Username/API key is required"},
		{smtp.FieldUsername, strings.Repeat("u", 256), "Username/API key must be at most 255 characters"},
		{smtp.FieldUsername, strings.Repeat("u", 255), ""},
		{smtp.FieldPassword, "", "Password/API secret is required"},
		{smtp.FieldPassword, strings.Repeat("p", 501), "Password/API secret must be at most 500 characters"},
		{smtp.FieldPassword, strings.Repeat("p", 500), ""},
		{smtp.FieldFromEmail, "", "From email address is required"},
		{smtp.FieldFromEmail, "noreply", "Please enter a valid email address"},
		{smtp.FieldFromEmail, "InTime <noreply@intime.com>", "Please enter a valid email address"},
		{smtp.FieldFromEmail, strings.Repeat("a", 250) + "@x.io", "Please enter a valid email address"},
		{smtp.FieldFromName, "", "From name is required"},
		{smtp.FieldFromName, "   ", "From name is required"},
		{smtp.FieldFromName, "InTime <Staffing>", "From name contains invalid characters"},
		{smtp.FieldFromName, "InTime\r\nBcc: x@y.z", "From name contains invalid characters"},
		{smtp.FieldFromName, strings.Repeat("n", 101), "From name must be at most 100 characters"},
		{smtp.FieldFromName, "InTime Staffing 2", ""},
		{smtp.FieldRateLimitHour, "", "Hourly rate limit is required"},
		{smtp.FieldRateLimitHour, "99", "Minimum hourly limit is 100"},
		{smtp.FieldRateLimitHour, "10001", "Maximum hourly limit is 10,000"},
		{smtp.FieldRateLimitHour, "lots", "Hourly rate limit must be a number"},
		{smtp.FieldRateLimitHour, "100", ""},
		{smtp.FieldRateLimitHour, "10000", ""},
		{smtp.FieldRootCA, "not a certificate", "Please enter a valid PEM certificate"},
	}
	p := smtp.New(nil)
	for _, tt := range tests {
		t.Run(tt.field+"="+truncate(tt.value), func(t *testing.T) {
			t.Parallel()
			err := p.Validate(t.Context(), with(valid, tt.field, tt.value))
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			var ve *providers.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Len(t, ve.Fields, 1, "%v", ve)
			require.Equal(t, tt.want, ve.Field(tt.field))
		})
	}
}

// TestFieldDefaults checks the form's options and defaults.
func TestFieldDefaults(t *testing.T) {
	t.Parallel()
	byName := map[string]providers.Field{}
	for _, f := range smtp.Fields {
		byName[f.Name] = f
	}
	require.Equal(t, []string{"SendGrid", "AWS SES", "Mailgun", "Postmark", "Custom SMTP"}, byName[smtp.FieldProvider].Options)
	require.Equal(t, "SendGrid", byName[smtp.FieldProvider].Default)
	require.Equal(t, []string{"587", "465", "25"}, byName[smtp.FieldPort].Options)
	require.Equal(t, "587", byName[smtp.FieldPort].Default)
	require.Equal(t, "1000", byName[smtp.FieldRateLimitHour].Default)
	require.Equal(t, 255, byName[smtp.FieldHost].MaxLength)
	require.Equal(t, 254, byName[smtp.FieldFromEmail].MaxLength)
	require.True(t, byName[smtp.FieldPassword].Secret)
	preset, ok := smtp.LookupPreset(smtp.PresetSendGrid)
	require.True(t, ok)
	require.Equal(t, smtp.Preset{Name: "SendGrid", Host: "smtp.sendgrid.net", Port: 587, Username: "apikey"}, preset)
}

func truncate(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}
