package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/admin"
	"github.com/intimeos/integrations/apiaccess"
	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/integration/alerts"
	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/sqlite"
	"github.com/intimeos/integrations/webhook"
)

// The demo organization and admin: the same on every run, so that a second
// run finds the first one's data.
var (
	demoNS   = uuid.MustParse("6f1c4a52-2b5e-4d3c-9a71-0c8d5e3b7f10")
	demoOrg  = uuid.NewSHA1(demoNS, []byte("organization"))
	demoUser = uuid.NewSHA1(demoNS, []byte("admin"))
)

// demo is the running demo: the SDK's parts wired as a host wires them, the
// local stand-ins, and the trickle.
type demo struct {
	base   string
	log    *slog.Logger
	store  storage.Store
	host   *providers.Host
	mgr    *integration.Manager
	hooks  *webhook.Dispatcher
	access *apiaccess.Service
	conn   *oauth.Connector
	admin  *admin.Handler
	sess   *session
	api    http.Handler

	ca        *demoCA
	receiver  *receiver
	dir       *directory
	sendgrid  *sendGrid
	sink      *smtpSink
	sinkErr   error
	token     string
	plugins   int
	alerts    *alerts.Engine
	trickleWG sync.WaitGroup
	cancel    context.CancelFunc
	closers   []func()
}

// start wires the demo; stop undoes what start did, also when it fails
// half way.
func start(ctx context.Context, o *options, log *slog.Logger, addr string, out io.Writer) (d *demo, err error) {
	d = &demo{base: "http://" + addr, log: log}
	defer func() {
		if err != nil {
			d.stop()
		}
	}()
	if err = d.openStore(ctx, o, out); err != nil {
		return nil, err
	}
	if err = d.startServices(); err != nil {
		return nil, err
	}
	if err = d.startProviders(ctx); err != nil {
		return nil, err
	}
	if err = d.startSDK(ctx); err != nil {
		return nil, err
	}
	if err = d.seed(ctx); err != nil {
		return nil, fmt.Errorf("seeding the demo: %w", err)
	}
	tctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	d.cancel = cancel
	d.trickleWG.Add(1)
	go func() { defer d.trickleWG.Done(); d.trickle(tctx) }()
	return d, nil
}

// openStore opens SQLite in the data directory, or PostgreSQL.
func (d *demo) openStore(ctx context.Context, o *options, out io.Writer) error {
	ring, err := keyring(o.data, out)
	if err != nil {
		return err
	}
	if o.postgres != "" {
		s, err := postgres.Open(ctx, o.postgres, &postgres.Config{Sealer: ring})
		if err != nil {
			return err
		}
		d.store = s
		d.closers = append(d.closers, func() { _ = s.Close() })
		return nil
	}
	s, err := sqlite.Open(ctx, filepath.Join(o.data, "intime.db"), &sqlite.Config{Sealer: ring})
	if err != nil {
		return err
	}
	d.store = s
	d.closers = append(d.closers, func() { _ = s.Close() })
	return nil
}

// startServices starts the local stand-ins.
func (d *demo) startServices() error {
	var err error
	if d.ca, err = newDemoCA(net.IPv4(127, 0, 0, 1), smtpSinkIP); err != nil {
		return err
	}
	if d.receiver, err = startReceiver(d.ca); err != nil {
		return err
	}
	d.closers = append(d.closers, func() { _ = d.receiver.Close() })
	if d.dir, err = startDirectory(directoryKey); err != nil {
		return err
	}
	d.closers = append(d.closers, func() { _ = d.dir.Close() })
	if d.sendgrid, err = startSendGrid(sendGridKey); err != nil {
		return err
	}
	d.closers = append(d.closers, func() { _ = d.sendgrid.Close() })
	// Without the sink (port 587 needs privileges, or is taken), email goes
	// to the SendGrid-compatible API alone.
	d.sink, d.sinkErr = startSMTPSink(d.ca, sinkUser, sinkPassword)
	if d.sink != nil {
		d.closers = append(d.closers, func() { _ = d.sink.Close() })
	}
	return nil
}

// startProviders loads the providers as plugin processes: this binary,
// re-executed.
func (d *demo) startProviders(ctx context.Context) error {
	var err error
	if d.host, err = providers.NewHost(&providers.Config{Logger: d.log}); err != nil {
		return err
	}
	d.closers = append(d.closers, func() { _ = d.host.Close() })
	for name := range pluginProviders() {
		if _, err := d.host.LoadSelf(ctx, name, nil); err != nil {
			return fmt.Errorf("loading the %s plugin: %w", name, err)
		}
		d.plugins++
	}
	return nil
}

// startSDK wires the Manager, the webhook dispatcher, API access, OAuth and
// the admin, as the README's wiring does.
func (d *demo) startSDK(ctx context.Context) error {
	var err error
	if d.conn, err = oauth.New(d.store, &oauth.Config{BaseURL: d.base, Logger: d.log, Settings: integration.StoredOAuthSettings}); err != nil {
		return err
	}
	if d.mgr, err = integration.New(&integration.Config{Store: d.store, Providers: d.host, OAuth: d.conn, Logger: d.log,
		HealthCheckInterval: time.Minute, HealthCheckTimeout: 10 * time.Second}); err != nil {
		return err
	}
	if err = d.mgr.Start(ctx); err != nil {
		return err
	}
	d.closers = append(d.closers, func() { _ = d.mgr.Stop(context.Background()) })
	if err = d.startAlerts(ctx); err != nil {
		return err
	}
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	if d.hooks, err = webhook.New(d.store, &webhook.Config{TLSConfig: clientTLS(d.ca), AllowAddrs: loopback, Logger: d.log,
		OrgPolicy: d.mgr.OrganizationRetryPolicy, PollInterval: 250 * time.Millisecond, Alerts: d.alerts}); err != nil {
		return err
	}
	if err = d.hooks.Start(ctx); err != nil {
		return err
	}
	d.closers = append(d.closers, func() { _ = d.hooks.Stop(context.Background()) })
	if d.access, err = apiaccess.New(d.store, &apiaccess.Config{Logger: d.log}); err != nil {
		return err
	}
	if err = d.access.Start(ctx); err != nil {
		return err
	}
	d.closers = append(d.closers, func() { _ = d.access.Stop(context.Background()) })
	if d.sess, err = newSession(demoOrg, demoUser); err != nil {
		return err
	}
	d.admin, err = admin.New(&admin.Config{Authorize: d.sess.authorize, Store: d.store, Webhooks: d.hooks,
		OAuth: d.conn, OAuthBaseURL: d.base, Integrations: d.mgr, APIAccess: d.access, Logger: d.log, Title: "InTime Admin (demo)"})
	if err != nil {
		return err
	}
	d.api = d.access.Middleware(demoAPI())
	return nil
}

// routes is the host's mux: the admin, the login link, the OAuth
// callbacks and the demo's own API behind API access.
func (d *demo) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/admin/", d.admin)
	mux.HandleFunc("GET /login", d.sess.login)
	mux.Handle("/oauth/", d.conn.Handler(&oauth.HandlerOpts{
		Authenticate: func(r *http.Request) (uuid.UUID, *uuid.UUID, error) {
			p, err := d.sess.authorize(r)
			if err != nil {
				return uuid.Nil, nil, err
			}
			return p.OrganizationID, &p.UserID, nil
		},
		SuccessURL: d.base + "/admin/oauth/connected",
	}))
	mux.Handle("/v1/", d.api)
	mux.HandleFunc("/", d.sess.home)
	return mux
}

// startAlerts starts the alert engine: an integration in error, a
// failover, the dead letter queue (through the webhook dispatcher's
// Config.Alerts) and the periodic rules raise alerts, emailed to the demo
// admin through the organization's own email integration.
func (d *demo) startAlerts(ctx context.Context) error {
	var err error
	if d.alerts, err = alerts.New(&alerts.Config{Store: d.store, Manager: d.mgr, OAuth: d.conn, Logger: d.log,
		Notifiers: []alerts.Notifier{&alerts.EmailNotifier{Dispatcher: d.mgr}}}); err != nil {
		return err
	}
	if _, err = d.store.AlertSettingsSet(ctx, &storage.AlertSettings{OrganizationID: demoOrg, EmailTo: []string{alertEmail}}); err != nil {
		return err
	}
	if err = d.alerts.Start(ctx); err != nil {
		return err
	}
	d.closers = append(d.closers, func() { _ = d.alerts.Stop(context.Background()) })
	return nil
}

// banner tells the newcomer what runs and where to look.
func (d *demo) banner(out io.Writer, logPath string) {
	fmt.Fprintf(out, "\nInTime integrations demo\n\n  Dashboard (open this login link; it is this run's secret):\n    %s/login?secret=%s\n\n", d.base, d.sess.secret)
	fmt.Fprintf(out, "  %d providers run as plugin processes (this binary, re-executed).\n", d.plugins)
	fmt.Fprintf(out, "  Local stand-ins: webhook receiver %s, SendGrid-compatible API %s, HR directory %s,\n", d.receiver.URL, d.sendgrid.URL, d.dir.URL)
	if d.sink != nil {
		fmt.Fprintf(out, "  SMTP sink %s:587 (STARTTLS).\n", d.sink.Host)
	} else {
		fmt.Fprintf(out, "  no SMTP sink: %v; email goes to the SendGrid-compatible API.\n", d.sinkErr)
	}
	fmt.Fprintf(out, "  Events, emails, directory syncs and API calls every few seconds; a webhook fails into the\n"+
		"  dead letter queue and the payroll integration is down, raising an alert.\n  Log: %s. Stop with Ctrl+C.\n\n", logPath)
}

// stop ends the trickle, then everything start started, newest first.
func (d *demo) stop() {
	if d.cancel != nil {
		d.cancel()
		d.trickleWG.Wait()
	}
	for i := len(d.closers) - 1; i >= 0; i-- {
		d.closers[i]()
	}
	d.closers = nil
}

// clientTLS trusts this run's CA: the webhook dispatcher reaches the local
// receiver with it.
func clientTLS(ca *demoCA) *tls.Config {
	return &tls.Config{RootCAs: ca.pool, MinVersion: tls.VersionTLS12}
}
