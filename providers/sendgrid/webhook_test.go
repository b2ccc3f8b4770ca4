package sendgrid_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/providers/sendgrid"
)

// TestWebhook is the must-show for SendGrid: a signed Event Webhook
// becomes normalised events (email.bounced, ...); a bad signature, a
// tampered body, missing headers and a stale timestamp are refused.
func TestWebhook(t *testing.T) {
	t.Parallel()
	key := emailtest.NewWebhookKey(t)
	s := settingsFor("https://api.sendgrid.com", key.Public)
	now := time.Unix(1700000100, 0)
	p := sendgrid.New(&sendgrid.Config{WebhookMaxAge: 5 * time.Minute, Now: func() time.Time { return now }})

	evs, err := p.HandleWebhook(t.Context(), s, &providers.WebhookRequest{Header: key.Sign(t, now, events), Body: events})
	require.NoError(t, err)
	require.Equal(t, wantEvents(), evs)
	require.Equal(t, "email.bounced", evs[0].Type)

	tampered := append([]byte(nil), events...)
	tampered[20] = 'X'
	bad := map[string]*providers.WebhookRequest{
		"other key":     {Header: emailtest.NewWebhookKey(t).Sign(t, now, events), Body: events},
		"tampered body": {Header: key.Sign(t, now, events), Body: tampered},
		"no headers":    {Header: http.Header{}, Body: events},
		"stale":         {Header: key.Sign(t, now.Add(-time.Hour), events), Body: events},
		"garbage":       {Header: http.Header{sendgrid.HeaderSignature: {"!!"}, sendgrid.HeaderTimestamp: {"1"}}, Body: events},
	}
	for name, req := range bad {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := p.HandleWebhook(t.Context(), s, req)
			require.Equal(t, providers.KindAuth, providers.KindOf(err), "%v", err)
		})
	}

	_, err = p.HandleWebhook(t.Context(), settingsFor("https://api.sendgrid.com", ""), &providers.WebhookRequest{Header: key.Sign(t, now, events), Body: events})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err), "no key configured")
}

// TestValidate checks the settings' rules and messages.
func TestValidate(t *testing.T) {
	t.Parallel()
	valid := settingsFor("https://api.sendgrid.com", emailtest.NewWebhookKey(t).Public)
	for _, tt := range []struct{ field, value, want string }{
		{sendgrid.FieldAPIKey, "", "API key is required"},
		{sendgrid.FieldFromEmail, "", "From email address is required"},
		{sendgrid.FieldFromEmail, "nope", "Please enter a valid email address"},
		{sendgrid.FieldFromName, "", "From name is required"},
		{sendgrid.FieldFromName, "A;B", "From name contains invalid characters"},
		{sendgrid.FieldBaseURL, "ftp://x", "Please enter a valid URL"},
		{sendgrid.FieldWebhookKey, "bm90IGEga2V5", "Please enter the verification key SendGrid shows for the signed Event Webhook"},
		{sendgrid.FieldBaseURL, "", ""},
		{sendgrid.FieldWebhookKey, "", ""},
	} {
		t.Run(tt.field+"="+tt.value, func(t *testing.T) {
			t.Parallel()
			err := sendgrid.New(nil).Validate(t.Context(), with(valid, tt.field, tt.value))
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			var ve *providers.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tt.want, ve.Field(tt.field))
		})
	}
}
