package smtp_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/providers/smtp"
	"github.com/intimeos/integrations/retry"
)

func itoa(n int) string { return strconv.Itoa(n) }

func stageStatuses(res *providers.CheckResult) map[providers.StageName]providers.StageStatus {
	out := map[providers.StageName]providers.StageStatus{}
	for _, s := range res.Stages {
		out[s.Name] = s.Status
	}
	return out
}

// TestCheck runs the staged connection test against each port.
func TestCheck(t *testing.T) {
	t.Parallel()
	for _, port := range []int{587, 465, 25} {
		t.Run(itoa(port), func(t *testing.T) {
			t.Parallel()
			_, s := setup(t, &emailtest.SMTPOpts{Port: port})
			res, err := smtp.New(nil).Check(t.Context(), s)
			require.NoError(t, err)
			require.True(t, res.OK(), "%+v", res.Stages)
			want := map[providers.StageName]providers.StageStatus{providers.StageDNS: providers.StagePassed,
				providers.StageTCP: providers.StagePassed, providers.StageTLS: providers.StagePassed, providers.StageAuth: providers.StagePassed}
			if port == 25 {
				want[providers.StageTLS] = providers.StageSkipped
				require.Equal(t, smtp.UnencryptedMessage, res.Stages[2].Message, "port 25 is flagged")
			}
			require.Equal(t, want, stageStatuses(res))
		})
	}
}

// TestErrorMessages is the must-show: wrong credentials, a bad
// certificate and a server that does not answer give the spec's messages
// (UC-ADMIN-007 §16), both in the connection test's failed stage and for a
// send (through providers.UserMessage); a closed port is "currently
// unavailable", and no message carries the password.
func TestErrorMessages(t *testing.T) {
	t.Parallel()
	_, good := setup(t, nil)
	_, badCert := setup(t, &emailtest.SMTPOpts{UntrustedCert: true})
	silent := emailtest.StartSMTP(t, &emailtest.SMTPOpts{Silent: true})
	tests := []struct {
		name  string
		s     providers.Settings
		stage providers.StageName
		class retry.Class
		want  string
	}{
		{"wrong credentials", with(good, smtp.FieldPassword, "wrong-password"), providers.StageAuth, retry.ClassClientError,
			"Authentication failed. Please check credentials."},
		{"bad certificate", badCert, providers.StageTLS, retry.ClassTLS, "SSL certificate verification failed"},
		{"no answer", with(good, smtp.FieldHost, silent.Host), providers.StageTLS, retry.ClassTimeout,
			"Connection to Custom SMTP timed out"},
		{"closed port", with(good, smtp.FieldHost, emailtest.FreeLoopback().String()), providers.StageTCP, retry.ClassConnRefused,
			"Connection to Custom SMTP timed out"},
		{"named preset", with(good, smtp.FieldHost, silent.Host, smtp.FieldProvider, smtp.PresetSendGrid), providers.StageTLS,
			retry.ClassTimeout, "Connection to SendGrid timed out"},
	}
	p := smtp.New(&smtp.Config{CommandTimeout: 300 * time.Millisecond})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := p.Check(t.Context(), tt.s)
			require.NoError(t, err)
			failed := res.Failed()
			require.NotNil(t, failed, "%+v", res.Stages)
			require.Equal(t, tt.stage, failed.Name)
			require.Equal(t, tt.class, failed.Class)
			require.Equal(t, tt.want, failed.Message)

			name := tt.s[smtp.FieldProvider]
			_, err = email.Send(t.Context(), providers.NewInstance(name, p, tt.s, nil),
				&email.Message{To: []string{"jane@example.com"}, Subject: "x", Text: "x"})
			require.Error(t, err)
			require.Equal(t, tt.want, providers.UserMessage(err, name))
			require.NotContains(t, err.Error(), tt.s[smtp.FieldPassword])
		})
	}
}

// TestContextEnds shows that the caller's context bounds a send to a
// server that never answers, without any configured timeout.
func TestContextEnds(t *testing.T) {
	t.Parallel()
	silent := emailtest.StartSMTP(t, &emailtest.SMTPOpts{Port: 465, Silent: true})
	s := settingsFor(silent.Host, 465, "")
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() {
		_, err := smtp.New(nil).Do(ctx, s, sendOp(t, &email.Message{To: []string{"jane@example.com"}, Subject: "x", Text: "x"}))
		errc <- err
	}()
	cancel()
	require.Equal(t, providers.KindCanceled, providers.KindOf(<-errc))

	ctx, cancel = context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	_, err := smtp.New(nil).Do(ctx, s, sendOp(t, &email.Message{To: []string{"jane@example.com"}, Subject: "x", Text: "x"}))
	require.Equal(t, "Connection to Custom SMTP timed out", providers.UserMessage(err, "Custom SMTP"))
}
