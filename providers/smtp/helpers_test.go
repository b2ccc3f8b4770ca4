package smtp_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/providers/smtp"
)

const (
	user = "apikey"
	pass = "s3cret-password-value"
)

// setup starts a server on port with the test credentials and returns it
// with settings that reach it.
func setup(t *testing.T, opts *emailtest.SMTPOpts) (*emailtest.SMTPServer, providers.Settings) {
	t.Helper()
	o := emailtest.SMTPOpts{Username: user, Password: pass}
	if opts != nil {
		o = *opts
		o.Username, o.Password = user, pass
	}
	srv := emailtest.StartSMTP(t, &o)
	return srv, settingsFor(srv.Host, srv.Port, srv.CAPEM)
}

func settingsFor(host string, port int, ca string) providers.Settings {
	return providers.Settings{
		smtp.FieldProvider: smtp.PresetCustom, smtp.FieldHost: host, smtp.FieldPort: strconv.Itoa(port),
		smtp.FieldUsername: user, smtp.FieldPassword: pass,
		smtp.FieldFromEmail: "noreply@intime.example", smtp.FieldFromName: "InTime Staffing",
		smtp.FieldRateLimitHour: "1000", smtp.FieldRootCA: ca,
	}
}

func with(s providers.Settings, kv ...string) providers.Settings {
	out := providers.Settings{}
	for k, v := range s {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// only returns the single message srv received, parsed.
func only(t *testing.T, srv *emailtest.SMTPServer) (*emailtest.Received, *emailtest.Parsed) {
	t.Helper()
	msgs := srv.Messages()
	require.Len(t, msgs, 1)
	p, err := emailtest.ParseMessage(msgs[0].Data)
	require.NoError(t, err)
	return msgs[0], p
}
