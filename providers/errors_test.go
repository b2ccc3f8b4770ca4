package providers_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

func TestAsError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		kind providers.Kind
	}{
		{&retry.StatusError{StatusCode: 401}, providers.KindAuth},
		{&retry.StatusError{StatusCode: 403}, providers.KindAuth},
		{&retry.StatusError{StatusCode: 422}, providers.KindInvalidInput},
		{&retry.StatusError{StatusCode: 500}, providers.KindRetryable},
		{&retry.StatusError{StatusCode: 429, RetryAfter: time.Second}, providers.KindRateLimited},
		{fmt.Errorf("wrapped: %w", context.Canceled), providers.KindCanceled},
		{context.DeadlineExceeded, providers.KindRetryable},
		{&net.OpError{Op: "dial", Err: &net.DNSError{IsNotFound: true}}, providers.KindRetryable},
		{retry.Permanent(errors.New("x")), providers.KindPermanent},
		{&providers.ValidationError{}, providers.KindInvalidInput},
		{fmt.Errorf("x: %w", providers.ErrUnsupported), providers.KindUnsupported},
		{errors.New("mystery"), providers.KindUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			require.Equal(t, tt.kind, providers.KindOf(tt.err))
		})
	}
	require.Nil(t, providers.AsError(nil))
}

func TestUserMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{providers.Unavailable(errors.New("x"), retry.ClassTimeout), "Connection to SendGrid timed out"},
		{providers.Unavailable(errors.New("x"), retry.ClassConnRefused), "Connection to SendGrid timed out"},
		{providers.Unavailable(errors.New("x"), retry.ClassServerError), "SendGrid is currently unavailable"},
		{retry.WithClass(errors.New("x509"), retry.ClassTLS), "SSL certificate verification failed"},
		{retry.RateLimited(errors.New("x"), 1500*time.Millisecond), "Rate limit exceeded. Retry in 2 seconds."},
		{&providers.Error{Kind: providers.KindRetryable, Provider: "AWS SES"}, "AWS SES is currently unavailable"},
		{providers.InvalidInput(errors.New("bad recipient")), "bad recipient"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, providers.UserMessage(tt.err, "SendGrid"))
	}
}

func TestValidateSettings(t *testing.T) {
	t.Parallel()
	fields := []providers.Field{
		{Name: "provider", Type: providers.FieldSelect, Required: true,
			Options:  []string{"SendGrid", "AWS SES", "Mailgun", "Postmark", "Custom SMTP"},
			Messages: providers.FieldMessages{Empty: "Please select an email provider", Invalid: "Please select an email provider"}},
		{Name: "fromName", Type: providers.FieldText, Required: true, MaxLength: 100, Pattern: `[A-Za-z0-9 ]+`,
			Messages: providers.FieldMessages{Empty: "From name is required", Invalid: "From name contains invalid characters"}},
		{Name: "url", Type: providers.FieldURL},
	}
	tests := []struct {
		s    providers.Settings
		want map[string]string
	}{
		{providers.Settings{"provider": "SendGrid", "fromName": "InTime Staffing"}, nil},
		{providers.Settings{}, map[string]string{"provider": "Please select an email provider", "fromName": "From name is required"}},
		{providers.Settings{"provider": "Sendmail", "fromName": "InTime <Staffing>", "url": "ftp://x"},
			map[string]string{"provider": "Please select an email provider",
				"fromName": "From name contains invalid characters", "url": "url is invalid"}},
	}
	for _, tt := range tests {
		err := providers.ValidateSettings(fields, tt.s)
		if tt.want == nil {
			require.NoError(t, err)
			continue
		}
		var ve *providers.ValidationError
		require.ErrorAs(t, err, &ve)
		got := map[string]string{}
		for _, f := range ve.Fields {
			got[f.Field] = f.Message
		}
		require.Equal(t, tt.want, got)
	}
	require.True(t, providers.ValidHost("10.0.0.1"))
	require.False(t, providers.ValidHost("bad_host"))
	require.True(t, providers.ValidEmail("noreply@intime.com"))
	require.False(t, providers.ValidEmail("Jane <jane@intime.com>"))
}
