package providers_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
	"github.com/intimeos/integrations/retry"
)

// mailer is an in-process email provider; down makes it fail like a 5xx.
type mailer struct {
	providers.UnimplementedProvider
	name string
	down bool
}

func (m *mailer) Do(_ context.Context, _ providers.Settings, op *providers.Operation) (*providers.Result, error) {
	return email.Handle(op, func(msg *email.Message) (*email.Receipt, error) {
		if m.down {
			return nil, &retry.StatusError{StatusCode: 503}
		}
		return &email.Receipt{MessageID: m.name + "-" + msg.ID}, nil
	})
}

func ExampleGroup() {
	sendgrid := providers.NewInstance("SendGrid", &mailer{name: "sg", down: true}, nil,
		&providers.BreakerConfig{FailureThreshold: 2})
	ses := providers.NewInstance("AWS SES", &mailer{name: "ses"}, nil, nil)
	group, _ := providers.NewGroup(&providers.GroupConfig{
		Name:     "Email",
		Members:  []*providers.Instance{sendgrid, ses},
		OnSwitch: func(s providers.Switch) { fmt.Println("switch:", s) },
	})
	for _, id := range []string{"1", "2", "3"} {
		r, err := email.Send(context.Background(), group, &email.Message{
			ID: id, To: []string{"jane@example.com"}, Subject: "Welcome", Text: "Hello Jane",
		})
		fmt.Println(r.MessageID, err)
	}
	fmt.Println("SendGrid breaker:", sendgrid.Breaker().State())
	// Output:
	// switch: Email: SendGrid → AWS SES (SendGrid: SendGrid is currently unavailable)
	// ses-1 <nil>
	// ses-2 <nil>
	// ses-3 <nil>
	// SendGrid breaker: open
}

func ExampleValidateSettings() {
	fields := []providers.Field{
		{Name: "smtpHost", Type: providers.FieldHost, Required: true, MaxLength: 255,
			Messages: providers.FieldMessages{Empty: "SMTP host is required",
				Invalid: "Please enter a valid hostname or IP address"}},
		{Name: "fromEmail", Type: providers.FieldEmail, Required: true, MaxLength: 254,
			Messages: providers.FieldMessages{Empty: "From email address is required",
				Invalid: "Please enter a valid email address"}},
	}
	err := providers.ValidateSettings(fields, providers.Settings{"fromEmail": "noreply@"})
	var ve *providers.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Printf("%s: %s\n", f.Field, f.Message)
		}
	}
	// Output:
	// smtpHost: SMTP host is required
	// fromEmail: Please enter a valid email address
}

func ExampleUserMessage() {
	fmt.Println(providers.UserMessage(providers.AuthFailed(errors.New("401")), "SendGrid"))
	fmt.Println(providers.UserMessage(retry.RateLimited(errors.New("429"), 42e9), "SendGrid"))
	fmt.Println(providers.UserMessage(&retry.StatusError{StatusCode: 502}, "SendGrid"))
	// Output:
	// Authentication failed. Please check credentials.
	// Rate limit exceeded. Retry in 42 seconds.
	// SendGrid is currently unavailable
}

func ExampleHost_Register() {
	host, _ := providers.NewHost(nil)
	defer host.Close()
	_ = host.Register("ses", &mailer{name: "ses"})
	p, _ := host.Provider("ses")
	inst := providers.NewInstance("AWS SES", p, providers.Settings{"region": "us-east-1"}, nil)
	r, err := email.Send(context.Background(), inst, &email.Message{ID: "42", To: []string{"a@example.com"},
		Subject: "Hi", Text: "Hello"})
	fmt.Println(r.MessageID, err)
	// Output: ses-42 <nil>
}
