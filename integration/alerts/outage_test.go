package alerts_test

import (
	"context"
	"io"
	"net"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/integration/alerts"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/providers/smtp"
	"github.com/intimeos/integrations/storage"
)

// outageTimeout is the SMTP provider's dial and command timeout in the
// outage test: how long (real time) a send or check waits for the closed
// port's greeting before it times out. Short, so the test is quick; long
// enough for the in-process servers under -race.
const outageTimeout = 750 * time.Millisecond

// firewall stands in front of an SMTP server at its own loopback address,
// port 25. Open, it relays each connection to the server; closed, it
// accepts connections and never says a word, as a port dropped by a
// firewall: the client's wait for the greeting times out.
type firewall struct {
	Host     string
	Port     int
	upstream string
	l        net.Listener

	mu    sync.Mutex
	open  bool
	conns []net.Conn
	wg    sync.WaitGroup
}

// startFirewall relays to up, open.
func startFirewall(t *testing.T, up *emailtest.SMTPServer) *firewall {
	t.Helper()
	ip := emailtest.FreeLoopback()
	l, err := net.Listen("tcp", net.JoinHostPort(ip.String(), strconv.Itoa(smtp.PortPlain)))
	require.NoError(t, err, "the upstream server bound port 25 already")
	f := &firewall{Host: ip.String(), Port: smtp.PortPlain, l: l, open: true,
		upstream: net.JoinHostPort(up.Host, strconv.Itoa(up.Port))}
	f.wg.Go(f.serve)
	t.Cleanup(f.close)
	return f
}

// SetOpen opens or closes the port for new connections.
func (f *firewall) SetOpen(open bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.open = open
}

func (f *firewall) serve() {
	for {
		c, err := f.l.Accept()
		if err != nil {
			return
		}
		f.mu.Lock()
		f.conns = append(f.conns, c)
		open := f.open
		f.mu.Unlock()
		if open {
			f.wg.Go(func() { f.relay(c) })
		}
	}
}

// relay copies c to the upstream server and back until either side ends.
func (f *firewall) relay(c net.Conn) {
	up, err := net.Dial("tcp", f.upstream)
	if err != nil {
		_ = c.Close()
		return
	}
	f.mu.Lock()
	f.conns = append(f.conns, up)
	f.mu.Unlock()
	f.wg.Go(func() {
		_, _ = io.Copy(up, c)
		_ = up.Close()
	})
	_, _ = io.Copy(c, up)
	_ = c.Close()
}

func (f *firewall) close() {
	_ = f.l.Close()
	f.mu.Lock()
	for _, c := range f.conns {
		_ = c.Close()
	}
	f.mu.Unlock()
	f.wg.Wait()
}

// outageSetup is setup with an SMTP provider that times out after
// outageTimeout, and a Manager without its own scheduler: the test runs
// the due health checks on the injected clock.
func outageSetup(t *testing.T, open opener) *env {
	t.Helper()
	e := &env{ctx: t.Context(), clock: newClock(), org: uuid.New()}
	e.store = open(t, e.clock.Now)
	host, err := providers.NewHost(nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, host.Close()) })
	require.NoError(t, host.Register("smtp", smtp.New(&smtp.Config{DialTimeout: outageTimeout,
		CommandTimeout: outageTimeout})))
	e.mgr, err = integration.New(&integration.Config{Store: e.store, Providers: host, Clock: e.clock.Now,
		RetryTimer: func() backoff.Timer { return &nowTimer{} }, NoHealthCheckScheduler: true,
		HealthCheckTimeout: 10 * outageTimeout})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, e.mgr.Stop(context.Background())) })
	return e
}

// plainSMTPSettings are the settings of an SMTP integration on port 25 of
// host, with the credentials the emailtest servers accept.
func plainSMTPSettings(host string) providers.Settings {
	return providers.Settings{
		smtp.FieldProvider: smtp.PresetCustom, smtp.FieldHost: host, smtp.FieldPort: strconv.Itoa(smtp.PortPlain),
		smtp.FieldUsername: "apikey", smtp.FieldPassword: "SG.smtp-secret", smtp.FieldFromEmail: "noreply@intime.com",
		smtp.FieldFromName: "InTime Staffing", smtp.FieldRateLimitHour: "1000",
	}
}

// alertMails returns the alert emails a server received, by the alert's
// de-duplication key (the X-InTime-Alert header), in order.
func alertMails(t *testing.T, srv *emailtest.SMTPServer) []*emailtest.Parsed {
	t.Helper()
	var out []*emailtest.Parsed
	for _, m := range srv.Messages() {
		p, err := emailtest.ParseMessage(m.Data)
		require.NoError(t, err)
		if p.Header.Get("X-InTime-Alert") != "" {
			out = append(out, p)
		}
	}
	return out
}

// TestSMTPOutageFifteenMinutes is issue 15's outage: the primary SMTP
// server's port is closed (connections are accepted and never answered)
// for 15 minutes of injected time while health checks, sends and the
// alert engine run every minute. The primary goes to error; one critical
// alert is raised (one row, however often its condition is seen) and its
// one email goes out through the backup SMTP integration to the
// in-process SMTP server, beside the one of ADMIN-INT-011's "Switched to
// backup" alert that the first failed send raised; the troubleshooter
// names the timeout pattern and suggests switching to the backup. When the
// port opens again the next health check makes the primary active, which
// resolves the alert, and each "resolved" notice goes out once.
func TestSMTPOutageFifteenMinutes(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := outageSetup(t, open)
		office := emailtest.StartSMTP(t, &emailtest.SMTPOpts{Port: smtp.PortPlain, Username: "apikey",
			Password: "SG.smtp-secret"})
		port := startFirewall(t, office)
		mail := emailtest.StartSMTP(t, &emailtest.SMTPOpts{Username: "apikey", Password: "SG.smtp-secret"})
		eng := e.engine(t, &alerts.Config{Notifiers: []alerts.Notifier{&alerts.EmailNotifier{Dispatcher: e.mgr}}})
		_, err := e.store.AlertSettingsSet(e.ctx, &storage.AlertSettings{OrganizationID: e.org,
			EmailTo: []string{"ops@intime.com"}})
		require.NoError(t, err)

		primary := e.create(t, &integration.CreateParams{Type: integration.TypeEmail, Provider: "smtp",
			Name: "Office relay", Settings: plainSMTPSettings(port.Host)})
		require.Equal(t, storage.IntegrationActive, primary.Status, primary.ErrorMessage)
		backup := e.create(t, &integration.CreateParams{Type: integration.TypeEmail, Provider: "smtp",
			Name: "SMTP backup", Settings: smtpSettings(mail, "SG.smtp-secret")})
		require.Equal(t, storage.IntegrationActive, backup.Status, backup.ErrorMessage)
		_, err = e.mgr.BackupSet(e.ctx, e.org, integration.TypeEmail, backup.ID)
		require.NoError(t, err)
		key := alerts.KeyIntegrationError + primary.ID.String()

		send := func(id string) {
			t.Helper()
			_, err := e.mgr.Email(e.org).Send(e.ctx, &email.Message{ID: id, To: []string{"candidate@example.com"},
				Subject: "Interview Invitation", Text: "See you at 10."})
			require.NoError(t, err, "the backup sends what the primary cannot")
		}
		step := func() {
			t.Helper()
			e.clock.Advance(time.Minute)
			_, err := e.mgr.HealthCheckRun(e.ctx)
			require.NoError(t, err)
			require.NoError(t, eng.Evaluate(e.ctx))
			_, err = eng.NotifyDue(e.ctx)
			require.NoError(t, err)
		}

		port.SetOpen(false)
		for minute := 1; minute <= 15; minute++ {
			if minute%4 == 1 {
				send("offer-" + strconv.Itoa(minute))
			}
			step()
		}

		in, err := e.mgr.IntegrationGet(e.ctx, e.org, primary.ID)
		require.NoError(t, err)
		require.Equal(t, storage.IntegrationError, in.Status)
		require.Equal(t, "Connection to SMTP timed out", in.ErrorMessage)
		down := e.openAlert(t, key)
		require.NotNil(t, down, "the outage raised an alert")
		require.Equal(t, storage.AlertCritical, down.Severity)
		require.Equal(t, "Office relay: Connection to SMTP timed out", down.Title)
		require.Equal(t, "Emails not sending", down.Impact)
		require.Equal(t, []string{key, alerts.KeyFailover + integration.TypeEmail}, openKeys(t, e),
			"one alert for the outage, however often it was seen, and ADMIN-INT-011's for the switch")

		require.Empty(t, office.Messages(), "nothing got through the closed port")
		require.Len(t, mail.Messages(), 4+2, "the four offers and the two alerts, through the backup")
		require.Equal(t, []string{"[Warning] Email (SMTP): Switched to backup (SMTP (2))",
			"[Critical] Office relay: Connection to SMTP timed out"}, subjects(t, mail),
			"one email per alert in 15 minutes: no repeat within the rule window")

		d, err := e.mgr.Troubleshoot(e.ctx, e.org, primary.ID)
		require.NoError(t, err)
		require.Equal(t, "Connection to SMTP timed out", d.Summary)
		require.Equal(t, integration.PatternTimeouts, d.Pattern)
		require.Contains(t, d.Actions, integration.SuggestedAction{Kind: integration.ActionCheckFirewall,
			Label: "Check Firewall", Detail: "Is port 25 blocked?"})
		require.Contains(t, d.Actions, integration.SuggestedAction{Kind: integration.ActionSwitchBackup,
			Label: "Switch to Backup", Detail: "Use SMTP temporarily"})

		port.SetOpen(true)
		for range 5 { // the next scheduled check is at minute 20
			step()
		}
		in, err = e.mgr.IntegrationGet(e.ctx, e.org, primary.ID)
		require.NoError(t, err)
		require.Equal(t, storage.IntegrationActive, in.Status)
		require.Empty(t, openKeys(t, e), "the recovery resolved the outage's alert; the resolved notice, sent "+
			"through the primary again, moved calls back and resolved the switch's")
		got, err := e.store.AlertGet(e.ctx, e.org, down.ID)
		require.NoError(t, err)
		require.Equal(t, storage.AlertResolved, got.Status)
		require.Equal(t, 1, got.Count, "raised once: the status changed once")

		_, err = eng.NotifyDue(e.ctx) // the switch's resolved notice, queued by the last send
		require.NoError(t, err)
		require.Len(t, mail.Messages(), 6, "nothing more through the backup")
		require.Equal(t, []string{"[Resolved] Office relay: Connection to SMTP timed out",
			"[Resolved] Email (SMTP): Switched to backup (SMTP (2))"}, subjects(t, office),
			"each resolved notice once, through the primary")
		sent, err := eng.NotifyDue(e.ctx)
		require.NoError(t, err)
		require.Zero(t, sent, "nothing left to send")
		for _, n := range e.notifications(t, down.ID) {
			require.Equal(t, storage.AlertNotificationSent, n.Status, n.Kind)
		}
	})
}

// openKeys returns the de-duplication keys of the organization's open
// alerts, sorted.
func openKeys(t *testing.T, e *env) []string {
	t.Helper()
	page, err := e.store.AlertList(e.ctx, &storage.AlertListParams{OrganizationID: e.org,
		Statuses: []storage.AlertStatus{storage.AlertOpen}, Limit: storage.LimitMax})
	require.NoError(t, err)
	var keys []string
	for _, a := range page.Items {
		keys = append(keys, a.DedupKey)
	}
	slices.Sort(keys)
	return keys
}

// subjects returns the subjects of the alert emails a server received, in
// order; each went to the organization's alert recipient.
func subjects(t *testing.T, srv *emailtest.SMTPServer) []string {
	t.Helper()
	var out []string
	for _, p := range alertMails(t, srv) {
		require.Len(t, p.To, 1)
		require.Equal(t, "ops@intime.com", p.To[0].Address)
		out = append(out, p.Subject)
	}
	return out
}
