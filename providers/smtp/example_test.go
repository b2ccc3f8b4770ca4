package smtp_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/smtp"
)

// The form's rules and messages, as an administrator sees them.
func ExampleProvider_Validate() {
	err := smtp.New(nil).Validate(context.Background(), providers.Settings{
		"provider": "Custom SMTP", "smtpHost": "smtp.example.com", "smtpPort": "587",
		"smtpUsername": "apikey", "smtpPassword": "secret",
		"fromEmail": "noreply", "fromName": "InTime <Staffing>", "rateLimitHour": "50",
	})
	var ve *providers.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Printf("%s: %s\n", f.Field, f.Message)
		}
	}
	// Output:
	// fromEmail: Please enter a valid email address
	// fromName: From name contains invalid characters
	// rateLimitHour: Minimum hourly limit is 100
}
